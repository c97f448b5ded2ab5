"""Word search over claims: PostgreSQL's full-text search with a GIN index; a substring match elsewhere.

On PostgreSQL, `q` matches claims whose quote, note, speaker and sources' titles (copied onto the claim as
`source_titles`) hold every word of the query, each as a prefix: "brid" finds "bridge". The 'simple'
configuration (no stemming, no stop words) suits the many languages a newsroom quotes. PostgreSQL keeps those
words in a stored column with a GIN index (migration 0006), so it answers from the index; and being one condition
on one table, the planner can also walk the list's order and test each claim's stored words, which is what it does
for a word that most claims contain. Elsewhere (SQLite in development) each word is matched as a substring,
case-insensitively: the same claims, and a few more.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Func, Q, QuerySet

from annotations.models import Claim

# A stored generated column on PostgreSQL, GIN-indexed (see migrations/0006_search_source_titles.py):
# to_tsvector('simple', exact || ' ' || note || ' ' || speaker || ' ' || source_titles).
CLAIM_DOCUMENT = "{table}.search_document"
SEARCHED_FIELDS = ("exact", "note", "speaker", "source_titles")
_WORD = re.compile(r"\w+")
MAX_WORDS = 12


class Document(Func):
    """A tsvector of a row's text columns, written exactly as its index is."""

    output_field = SearchVectorField()

    def __init__(self, sql: str) -> None:
        super().__init__()
        self.sql = sql

    def as_sql(self, compiler, connection, **extra):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.sql.format(table=table), []


def prefix_query(text: str) -> SearchQuery | None:
    """Every word of the text, each as a prefix; None when it has no word. Only word characters reach the
    tsquery syntax, so no input can make it fail."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config="simple", search_type="raw")


def search_claims(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    if connection.vendor != "postgresql":
        words = _WORD.findall(text.lower())[:MAX_WORDS]
        return claims.filter(_every_word_somewhere(words)) if words else claims.none()
    query = prefix_query(text)
    return claims.alias(document=Document(CLAIM_DOCUMENT)).filter(document=query) if query else claims.none()


def _every_word_somewhere(words: list[str]) -> Q:
    """The same rule without an index: each word in one of the searched texts."""
    condition = Q()
    for word in words:
        anywhere = Q()
        for name in SEARCHED_FIELDS:
            anywhere |= Q(**{f"{name}__icontains": word})
        condition &= anywhere
    return condition
