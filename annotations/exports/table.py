"""Claims as CSV rows: one row per claim, one column per field, sources joined readably.

Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a formula
(CSV injection); such cells get a leading apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

from typing import Any

from annotations.exports.records import ArticleRecord, ClaimRecord, Site, SourceRecord, iso

COLUMNS = (
    "id", "article_id", "article_title", "article_url", "start", "end", "exact", "prefix", "suffix",
    "anchor_state", "verdict", "speaker", "summary", "note", "review_state", "created_by", "created_at",
    "updated_at", "approved_at", "version", "source_count", "sources", "public_url",
    "same_as",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def row(claim: ClaimRecord, article: ArticleRecord, site: Site) -> list[Any]:
    return [
        claim.id,
        article.id,
        safe(article.title),
        safe(site.article_url(article)),
        claim.start,
        claim.end,
        safe(claim.exact),
        safe(claim.prefix),
        safe(claim.suffix),
        claim.anchor_state,
        claim.verdict,
        safe(claim.speaker),
        safe(claim.summary),
        safe(claim.note),
        claim.review_state,
        safe(claim.created_by),
        iso(claim.created_at),
        iso(claim.updated_at),
        iso(claim.approved_at) if claim.approved_at else "",
        claim.version,
        len(claim.sources),
        safe("\n".join(describe(source) for source in claim.sources)),
        site.claim_page(claim.id) if claim.review_state == "approved" else "",
        claim.same_as or "",
    ]


def describe(source: SourceRecord) -> str:
    """One source on one line: `supports: Title (Publisher) <https://...>`."""
    name = source.title or source.url
    if source.publisher:
        name += f" ({source.publisher})"
    return f"{source.stance}: {' '.join(name.split())} <{source.url}>"


def safe(value: str) -> str:
    """The cell as text a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
