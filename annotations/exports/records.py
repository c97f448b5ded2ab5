"""The plain data the presenters read, and where things live on the site (the IRIs they print)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceRecord:
    url: str
    title: str
    publisher: str
    kind: str
    stance: str
    quoted_text: str
    accessed_on: datetime.date | None
    archived_url: str


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    id: int
    slug: str
    title: str
    publisher: str
    published_on: datetime.date | None
    source_url: str


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    id: int
    article_id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    anchor_state: str
    verdict: str
    speaker: str
    summary: str
    note: str
    review_state: str
    created_by: str  # username
    creator_name: str  # the user's full name, or empty
    created_at: datetime.datetime
    updated_at: datetime.datetime
    approved_at: datetime.datetime | None
    version: int
    canonical: str
    sources: tuple[SourceRecord, ...] = field(default=())
    same_as: int | None = None  # the approved claim in another article that this one states again
    # The other articles where the same claim is published (approved claims linked by same_as, either way),
    # oldest first: ClaimReview lists them as the claim's appearances.
    also_in: tuple[ArticleRecord, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Site:
    """The absolute addresses of the site's pages; `base_url` has no trailing slash.

    The paths mirror annotations/web/urls.py and annotations/protocol/urls.py (a test checks they agree).
    """

    base_url: str
    publisher_name: str = "Factcheck"
    publisher_url: str = ""

    @property
    def container(self) -> str:
        return f"{self.base_url}/annotations/"

    def annotation(self, claim_id: int) -> str:
        return f"{self.base_url}/annotations/{claim_id}"

    def claim_page(self, claim_id: int) -> str:
        return f"{self.base_url}/claims/{claim_id}/"

    def article_page(self, slug: str) -> str:
        return f"{self.base_url}/articles/{slug}/"

    def article_url(self, article: ArticleRecord) -> str:
        """The article's canonical URL: the original's address, else its page here."""
        return article.source_url or self.article_page(article.slug)


def iso(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with a Z, as the API prints times."""
    if moment.tzinfo is not datetime.UTC:  # the database gives UTC already; converting costs a third
        moment = moment.astimezone(datetime.UTC)
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
