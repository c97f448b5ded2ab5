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
from django.db.models import F, Func, OrderBy, Q, QuerySet
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
ESTIMATED_WORDS = 3  # an EXPLAIN each (a fraction of a millisecond)


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


def few_matches_first(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """The searched claims, ordered so that PostgreSQL reads them from the GIN index when they are few.

    Its planner sees a LIMIT and a btree index in the list's order, and walks that index testing each claim's words:
    cheap for a common word, but for a word in one claim in 300 it tests some 17,000 claims per page, and that grows
    with the table. When the planner expects at most FEW_MATCHES claims to hold one of the first ESTIMATED_WORDS
    words (EXPLAIN, no execution), the first ordering key is written as GREATEST(key, key): the same order, which no
    index provides, so the planner takes the matches from the GIN index and sorts them. The answer is the same either
    way; only its cost changes.

    The bound comes from single words because every match holds each word: the planner's estimate for several
    words multiplies their shares as if unrelated, which for words that go together ("vladimir putin") can be
    far too low, and reading tens of thousands of matches to sort them is slower than the walk.
    """
    if connection.vendor != "postgresql" or not claims.query.order_by or claims.query.is_empty():
        return claims
    first, *rest = claims.query.order_by
    if not isinstance(first, str):
        return claims
    words = _WORD.findall(text.lower())[:ESTIMATED_WORDS]
    if not words or min(_estimated_matches(word) for word in words) > FEW_MATCHES:
        return claims
    name = first.removeprefix("-")
    key = Greatest(F(name), F(name))
    return claims.order_by(key.desc() if first.startswith("-") else key.asc(), *rest)


def _estimated_matches(word: str) -> float:
    """How many claims the planner expects to hold the word (as a prefix), from its statistics."""
    found = Claim.objects.alias(document=Document(CLAIM_DOCUMENT)).filter(document=prefix_query(word))
    return json.loads(found.order_by().values("pk").explain(format="json"))[0]["Plan"]["Plan Rows"]


def page_by_ids(page: QuerySet[Claim]) -> QuerySet[Claim]:
    """A page of claims that few_matches_first ordered, read in two steps in one statement: the page's ids from the
    matches' ordering keys only, then the page's claims by id. Sorting thousands of whole rows (quote, note, stored
    words: about 750 bytes each) to keep 51 cost more than reading the matches (1,000,000 claims, 3,000 matches:
    7.2 ms against 4.5 ms). Any other page is returned as it is."""
    first, *rest = page.query.order_by or (None,)
    if not (isinstance(first, OrderBy) and isinstance(first.expression, Greatest)):
        return page
    field = first.expression.get_source_expressions()[0]
    key = field.desc() if first.descending else field.asc()
    return page.model.objects.filter(pk__in=page.values("pk")).order_by(key, *rest)
