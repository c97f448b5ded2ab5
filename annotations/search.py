"""Word search over claims: PostgreSQL's full-text search with a GIN index; a substring match elsewhere.

On PostgreSQL, `q` matches claims whose quote, note, speaker and sources' titles (copied onto the claim as
`source_titles`) hold every word of the query, each as a prefix: "brid" finds "bridge". The 'simple'
configuration (no stemming, no stop words) suits the many languages a newsroom quotes. PostgreSQL keeps those
words in a stored column with a GIN index (migration 0006), so it answers from the index; and being one condition
on one table, the planner can also walk the list's order and test each claim's stored words, which is what it does
for a word that most claims contain. But for a word in a few thousand claims spread over a million, that walk tests
some 17,000 claims to fill one page, where reading the few thousand from the GIN index and sorting them is three times
faster: `few_matches_first` makes that choice from the planner's own estimate of the matches (see below). Elsewhere (SQLite in development) each word is matched as a substring,
case-insensitively: the same claims, and a few more.
"""

from __future__ import annotations

import json
import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, Func, Q, QuerySet
from django.db.models.functions import Greatest

from annotations.models import Claim

# A stored generated column on PostgreSQL, GIN-indexed (see migrations/0006_search_source_titles.py):
# to_tsvector('simple', exact || ' ' || note || ' ' || speaker || ' ' || source_titles).
CLAIM_DOCUMENT = "{table}.search_document"
SEARCHED_FIELDS = ("exact", "note", "speaker", "source_titles")
_WORD = re.compile(r"\w+")
MAX_WORDS = 12
# Up to this many estimated matches, a search reads all its matches from the GIN index and sorts them; beyond, the
# planner's walk along the list's order finds a page's worth sooner. Measured on 1,000,000 claims (PostgreSQL 15,
# warm cache): 3,000 matches took 3.5 ms read and sorted against 10 ms walked (17,000 claims tested); the two meet
# near 5,000 matches, as reading a match costs about twice as much as testing a claim on the walk.
FEW_MATCHES = 5_000


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


def few_matches_first(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The searched claims, ordered so that PostgreSQL reads them from the GIN index when they are few.

    Its planner sees a LIMIT and a btree index in the list's order, and walks that index testing each claim's words:
    cheap for a common word, but for a word in one claim in 300 it tests some 17,000 claims per page, and that grows
    with the table. When the planner itself expects at most FEW_MATCHES matches (EXPLAIN, no execution), the first
    ordering key is written as GREATEST(key, key): the same order, which no index provides, so the planner takes the
    matches from the GIN index and sorts them. The answer is the same either way; only its cost changes.
    """
    if connection.vendor != "postgresql" or not claims.query.order_by or claims.query.is_empty():
        return claims
    plan = json.loads(claims.order_by().values("pk").explain(format="json"))
    if plan[0]["Plan"]["Plan Rows"] > FEW_MATCHES:
        return claims
    first, *rest = claims.query.order_by
    if not isinstance(first, str):
        return claims
    name = first.removeprefix("-")
    key = Greatest(F(name), F(name))
    return claims.order_by(key.desc() if first.startswith("-") else key.asc(), *rest)
