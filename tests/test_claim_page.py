"""The public page of an approved claim: readable, indexable, and its ClaimReview cannot be broken out of."""

from __future__ import annotations

import json
import re
from html import escape

import pytest
from django.utils import timezone

from annotations.models import Claim
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db

HOSTILE = '</script><script>alert("x")</script><!--'


def ld_json(html: str) -> list[dict]:
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.fixture
def published(editor):
    article = make_article(
        title="Budget", body_html=f"<p>The mayor said {escape(HOSTILE)} the bridge cost 4 million euros.</p>",
        source_url="https://news.example/budget", publisher="The Daily",
    )  # fmt: skip
    claim = make_claim(
        article, exact=f"{HOSTILE} the bridge cost 4 million euros", created_by=editor, speaker="The mayor",
        note=f"Checked against the budget {HOSTILE}", review_state=Claim.ReviewState.APPROVED,
        approved_at=timezone.now(), summary="The mayor: the bridge cost 4 million euros",
    )  # fmt: skip
    make_source(claim, title=f"City budget {HOSTILE}")
    return claim


def test_the_page_embeds_its_claimreview_and_no_quote_ends_the_script(client, published):
    response = client.get(f"/claims/{published.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    # One script element of ours: the user's text never closes it or opens another.
    assert html.count("<script") == 1
    assert html.count("</script>") == 1
    (review,) = ld_json(html)
    assert review["@type"] == "ClaimReview"
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/budget"
    assert review["url"] == f"http://testserver/claims/{published.pk}/"
    assert review["claimReviewed"] == "The mayor: the bridge cost 4 million euros"
    assert review["reviewRating"]["alternateName"] == "Disputed"
    assert f'<link rel="canonical" href="http://testserver/claims/{published.pk}/">' in html


def test_the_page_shows_the_claim_to_readers(client, published):
    html = client.get(f"/claims/{published.pk}/").content.decode()
    assert "The mayor: the bridge cost 4 million euros" in html
    assert "&lt;/script&gt;" in html  # the quote is shown as text
    assert 'rel="noopener nofollow noreferrer"' in html
    assert "Checked against the budget" in html


@pytest.mark.parametrize("state", ["draft", "pending", "changes_requested"])
def test_unpublished_claims_have_no_public_page(client, published, state, editor):
    Claim.objects.filter(pk=published.pk).update(review_state=state)
    assert client.get(f"/claims/{published.pk}/").status_code == 404
    client.force_login(editor)  # not even for the newsroom: the page is what the public sees
    assert client.get(f"/claims/{published.pk}/").status_code == 404


def test_the_csv_links_approved_claims_to_their_page(client, published):
    response = client.get("/api/v1/export/claims.csv")
    assert f"http://testserver/claims/{published.pk}/" in b"".join(response.streaming_content).decode()


def test_the_article_page_links_its_exports(client, published):
    html = client.get(f"/articles/{published.article.slug}/").content.decode()
    article = published.article.pk
    for link in (
        f"/api/v1/export/claims.csv?article={article}",
        f"/api/v1/export/annotations.jsonld?article={article}&amp;page=all",
        f"/api/v1/export/claimreview.jsonld?article={article}",
    ):
        assert link in html
        assert client.get(link.replace("&amp;", "&")).status_code == 200
