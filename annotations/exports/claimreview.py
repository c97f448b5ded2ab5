"""Approved claims as schema.org ClaimReview (https://schema.org/ClaimReview), as Google's fact-check
markup documents it: `claimReviewed`, `reviewRating.alternateName` and `url` required; `author`,
`datePublished` and `itemReviewed` (a Claim with its author, appearance and date) recommended.

`appearance` is the claim's article; when the same claim is published in other articles too (approved claims
linked by same_as), it is a list: the claim's own article first, then the others, oldest first.
"""

from __future__ import annotations

from typing import Any

from annotations.exports.records import ArticleRecord, ClaimRecord, Site

CONTEXT = "https://schema.org"
# The verdict in words: the only part of the rating Google shows. "Attributed" confirms who said it,
# not that it is true, and says so.
RATING_WORDS = {
    "verified": "Verified",
    "disputed": "Disputed",
    "attributed": "Correctly attributed (not checked for truth)",
}
CLAIM_REVIEWED_LENGTH = 75


def claim_review(claim: ClaimRecord, article: ArticleRecord, site: Site, *, embedded: bool = False) -> dict[str, Any]:
    """The ClaimReview of an approved claim; `embedded` leaves out the @context (inside a @graph)."""
    page = site.claim_page(claim.id)
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": claim.speaker}
    if article.published_on:
        item["datePublished"] = article.published_on.isoformat()
    appearances = [news_article(article, site), *(news_article(other, site) for other in claim.also_in)]
    item["appearance"] = appearances[0] if len(appearances) == 1 else appearances
    origin = next((source for source in claim.sources if source.stance == "origin"), None)
    if origin is not None:
        first: dict[str, Any] = {"@type": "CreativeWork", "url": origin.url}
        if origin.title:
            first["name"] = origin.title
        item["firstAppearance"] = first
    review: dict[str, Any] = {} if embedded else {"@context": CONTEXT}
    review |= {
        "@type": "ClaimReview",
        "@id": page + "#claimreview",
        "url": page,
        "claimReviewed": claim_reviewed(claim),
        "reviewRating": {"@type": "Rating", "alternateName": RATING_WORDS[claim.verdict]},
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": site.publisher_name, "url": site.publisher_url or site.base_url},
    }
    if claim.approved_at:
        review["datePublished"] = claim.approved_at.date().isoformat()
    return review


def news_article(article: ArticleRecord, site: Site) -> dict[str, Any]:
    """An article the claim appears in."""
    appearance: dict[str, Any] = {"@type": "NewsArticle", "url": site.article_url(article), "headline": article.title}
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.published_on:
        appearance["datePublished"] = article.published_on.isoformat()
    return appearance


def claim_reviewed(claim: ClaimRecord, limit: int = CLAIM_REVIEWED_LENGTH) -> str:
    """The editor's summary; else the quote, shortened at a word to about `limit` characters."""
    text = " ".join((claim.summary or claim.exact).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:  # the cut falls inside a word: drop that word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"
