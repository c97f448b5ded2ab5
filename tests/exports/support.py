"""Shared data and helpers of the export tests: a newsroom's worth of claims (every verdict, stance and source
kind, an orphan, an article without an original URL, astral characters before a quote) and response bodies."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.utils import timezone
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Article, Claim, Source
from tests.factories import make_article, make_claim, make_source, make_user

SITE_URL = "http://testserver"

# Astral characters (an emoji with a skin tone, a flag, a mathematical letter) before the quote: code points
# and UTF-16 units differ there, and the W3C model counts code points.
EMOJI_HTML = "<p>👍🏽 Fans 🇫🇷 cheered. The 𝕏 account said “the stadium holds 80,000 people” on Sunday.</p>"
EMOJI_QUOTE = "the stadium holds 80,000 people"

# Every kind of source, each stance twice, and each optional field (quoted_text, accessed_on, archived_url)
# both present and absent. An archived copy without an access date is left out here: it exports as a TimeState
# with no sourceDate, which the W3C model refuses (test_w3c.py::test_an_archived_copy_without_an_access_date_...).
SOURCES = [
    {"kind": "official_statement", "stance": "origin", "quoted_text": "It cost four million.",
     "accessed_on": datetime.date(2024, 3, 2), "archived_url": "https://web.archive.org/web/2024/https://city.example/pr"},
    {"kind": "primary_document", "stance": "supports"},
    {"kind": "dataset", "stance": "contradicts", "quoted_text": "Total: 8.1 M€", "title": "", "publisher": ""},
    {"kind": "news_report", "stance": "supports", "accessed_on": datetime.date(2024, 3, 5), "publisher": "Daily Planet"},
    {"kind": "social_media_post", "stance": "origin", "archived_url": "https://archive.ph/abc12",
     "accessed_on": datetime.date(2024, 2, 29)},
    {"kind": "expert", "stance": "contradicts", "title": "Interview, “bridges” & costs", "publisher": "Uni, Dept. of Civil Eng."},
]  # fmt: skip


@dataclass
class Newsroom:
    author: object
    bridge: Article  # with an original URL, a publisher and a date
    council: Article  # published here only: no original URL, no date
    stadium: Article  # astral characters before the quote
    claims: dict[str, Claim] = field(default_factory=dict)

    @property
    def approved(self) -> list[Claim]:
        return [claim for claim in self.claims.values() if claim.review_state == Claim.ReviewState.APPROVED]


def build_newsroom() -> Newsroom:
    author = make_user("edith", role="Editors", first_name="Edith", last_name="Wharton")
    other = make_user("sam", role="Editors")
    bridge = make_article(
        title="Bridge costs",
        publisher="Daily Planet",
        published_on=datetime.date(2024, 3, 1),
        source_url="https://news.example/2024/bridge",
    )
    council = make_article(title="Council notes")
    stadium = make_article(title="Stadium", body_html=EMOJI_HTML, source_url="https://news.example/2024/stadium")
    now = timezone.now()
    approved = {"review_state": Claim.ReviewState.APPROVED, "approved_at": now}
    room = Newsroom(author=author, bridge=bridge, council=council, stadium=stadium)
    room.claims = {
        "verified_full": make_claim(
            bridge,
            verdict="verified",
            created_by=author,
            speaker="The mayor",
            summary="Mayor says the bridge cost €4m",
            note='Budget p. 12, line 3.\nSee also "the audit", 2023.',
            **approved,
        ),
        "disputed_bare": make_claim(
            bridge, exact="it cost twice that", verdict="disputed", created_by=other, **approved
        ),
        "attributed_speaker": make_claim(
            council, exact="Critics say", verdict="attributed", speaker="Critics", review_state="pending"
        ),
        "verified_note": make_claim(council, exact="the city budget", verdict="verified", note="Checked by phone."),
        "attributed_summary": make_claim(
            bridge,
            exact="The mayor said",
            verdict="attributed",
            created_by=author,
            summary="The mayor spoke about the bridge",
            **approved,
        ),
        "orphan": make_claim(
            council,
            exact="the bridge cost 4 million euros",
            verdict="disputed",
            anchor_state=Claim.AnchorState.ORPHANED,
            prefix="The mayor said ",
            suffix=".\nCritics",
            speaker="The mayor",
        ),
        "emoji": services.create_claim(
            stadium, by=author, verdict="disputed", exact=EMOJI_QUOTE, speaker="The 𝕏 account"
        ),
    }
    targets = ["verified_full", "verified_full", "disputed_bare", "disputed_bare", "attributed_speaker", "orphan"]
    for index, (name, given) in enumerate(zip(targets, SOURCES, strict=True)):
        make_source(
            room.claims[name],
            url=f"https://sources.example/{index}?q=bridge&lang=en",
            **{"title": f"Source {index}", "publisher": "", **given},
        )
    for claim in room.claims.values():
        claim.refresh_from_db()
    return room


def content(response) -> bytes:
    """The body of a response, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def get_json(api: APIClient, url: str):
    response = api.get(url)
    assert response.status_code == 200, content(response)[:500]
    return json.loads(content(response))


def sources_of(claim: Claim) -> list[Source]:
    return list(claim.sources.order_by("pk"))
