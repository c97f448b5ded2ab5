"""Read-side querysets for pages and the API, with the joins and counts they need."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from annotations import roles, search
from annotations.exports.records import ArticleRecord, ClaimRecord, SourceRecord
from annotations.models import Article, Claim, DismissedSuggestion, Review, Source


def visible_claims_filter(user, prefix: str = "") -> Q:
    """Anonymous readers (and accounts without a newsroom role) see approved claims only."""
    if roles.sees_unpublished_claims(user):
        return Q()
    return Q(**{f"{prefix}review_state": Claim.ReviewState.APPROVED})


def article_list(user=None) -> QuerySet[Article]:
    """Articles newest first, each with its number of claims (one query for the whole list)."""
    return Article.objects.annotate(
        claim_count=Count("claims", filter=visible_claims_filter(user, "claims__"))
    ).order_by(F("published_on").desc(nulls_last=True), "title", "pk")


def articles_with_counts(user) -> QuerySet[Article]:
    """Articles with the number of visible claims by verdict and by review state, in the same query."""
    visible = visible_claims_filter(user, "claims__")
    counts = {
        f"verdict_{verdict}": Count("claims", filter=visible & Q(claims__verdict=verdict))
        for verdict in Claim.Verdict.values
    } | {
        f"state_{state}": Count("claims", filter=visible & Q(claims__review_state=state))
        for state in Claim.ReviewState.values
    }
    return article_list(user).annotate(**counts)


def claims_visible_to(user) -> QuerySet[Claim]:
    """Claims the user may read, with what a claim's JSON needs: authors and sources.

    select_related saves one query per claim for each user; the Prefetch loads every claim's sources in
    one more query, however many claims the page has. The article is not joined: its text would be
    copied into every row (500 claims of a 50 KB article read 50 MB).
    """
    return (
        Claim.objects.filter(visible_claims_filter(user))
        .select_related("created_by", "updated_by")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("pk")))
    )


class SourceRow(NamedTuple):
    """A source as the claim list reads it: the attributes of a Source that its JSON needs."""

    pk: int
    claim_id: int
    url: str
    title: str
    publisher: str
    kind: str
    stance: str
    quoted_text: str
    accessed_on: datetime.date | None
    archived_url: str


class ClaimRow(NamedTuple):
    """A claim as the claim list reads it: a Claim's attributes, its authors' usernames, its sources."""

    pk: int
    article_id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    anchor_state: str
    anchored_revision: int
    verdict: str
    speaker: str
    summary: str
    note: str
    review_state: str
    created_by_username: str
    updated_by_username: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    approved_at: datetime.datetime | None
    version: int
    same_as_id: int | None
    same_as_state: str | None  # the review state of the claim it states again
    sources: list[SourceRow]


# The values_list columns of a ClaimRow, in its order: the authors' usernames through their users, the state of
# the claim it states again through that claim.
_THROUGH = {
    "created_by_username": "created_by__username",
    "updated_by_username": "updated_by__username",
    "same_as_state": "same_as__review_state",
}
_CLAIM_ROW_COLUMNS = tuple(_THROUGH.get(name, name) for name in ClaimRow._fields if name != "sources")


def claim_rows(claims: QuerySet[Claim]) -> list[ClaimRow]:
    """The claims (a page of a list, already filtered, ordered and sliced) with their sources, as plain rows.

    Two queries whatever the number of claims, and no model instances: building a Claim, its two users and
    its sources, and a queryset per claim for its sources, was most of the claim list's time in Python.
    """
    claims = search.page_by_ids(claims)
    rows = list(claims.select_related(None).prefetch_related(None).values_list(*_CLAIM_ROW_COLUMNS))
    if not rows:
        return []
    sources: dict[int, list[SourceRow]] = defaultdict(list)
    ids = sorted(row[0] for row in rows)
    wanted = set(ids)
    for values in _sources_of(ids).order_by("pk").values_list(*SourceRow._fields):
        if values[1] in wanted:  # an id range may hold other claims' sources
            sources[values[1]].append(SourceRow._make(values))
    return [ClaimRow(*row, sources=sources.get(row[0], [])) for row in rows]


HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_IGNORED_FIELDS = ["updated_at", "created_at"]


def claim_history(claim: Claim) -> list[dict]:
    """The claim's history, oldest first: who, when, why, and each field that changed (old and new)."""
    records = list(claim.history.select_related("history_user").order_by("history_date", "history_id"))
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_IGNORED_FIELDS)
            changes = [{"field": change.field, "old": change.old, "new": change.new} for change in delta.changes]
        entries.append(
            {
                "at": record.history_date,
                "by": record.history_user.get_username() if record.history_user else None,
                "action": HISTORY_ACTIONS[record.history_type],
                "reason": record.history_change_reason,
                "changes": changes,
                "version": record.version,
            }
        )
        previous = record
    return entries


def review_queue(*, article: int | None = None, verdict: str = "", editor: str = "") -> QuerySet[Claim]:
    """Pending claims, oldest submission first, with their sources; each article is read once."""
    claims = (
        Claim.objects.filter(review_state=Claim.ReviewState.PENDING)
        .select_related("created_by", "updated_by")
        .prefetch_related("article", Prefetch("sources", queryset=Source.objects.order_by("pk")))
        .order_by(F("submitted_at").asc(nulls_last=True), "created_at", "pk")
    )
    if article:
        claims = claims.filter(article_id=article)
    if verdict:
        claims = claims.filter(verdict=verdict)
    if editor:
        claims = claims.filter(created_by__username=editor)
    return claims


def sent_back_to(user) -> QuerySet[Claim]:
    """The user's claims that reviewers sent back, newest first, with the reviews that say why."""
    return (
        Claim.objects.filter(created_by=user, review_state=Claim.ReviewState.CHANGES_REQUESTED)
        .prefetch_related(
            "article",
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer").order_by("-created_at", "-pk")),
        )
        .order_by("-updated_at", "pk")
    )


def dashboard(article: Article | None = None) -> dict:
    """Claims by verdict and by state, the median time from submission to decision, the oldest pending."""
    claims = Claim.objects.all() if article is None else Claim.objects.filter(article=article)
    by_verdict = dict(claims.values_list("verdict").annotate(n=Count("pk")).order_by())
    by_state = dict(claims.values_list("review_state").annotate(n=Count("pk")).order_by())
    reviews = Review.objects.filter(submitted_at__isnull=False)
    if article is not None:
        reviews = reviews.filter(claim__article=article)
    waits = sorted(
        (decided - submitted).total_seconds()
        for decided, submitted in reviews.values_list("created_at", "submitted_at")
    )
    median = None
    if waits:
        middle = len(waits) // 2
        median = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
    oldest = (
        claims.filter(review_state=Claim.ReviewState.PENDING)
        .select_related("created_by")
        .prefetch_related("article")
        .order_by(F("submitted_at").asc(nulls_last=True), "created_at")[:10]
    )
    return {
        "total": sum(by_verdict.values()),
        "by_verdict": [(value, label, by_verdict.get(value, 0)) for value, label in Claim.Verdict.choices],
        "by_state": [(value, label, by_state.get(value, 0)) for value, label in Claim.ReviewState.choices],
        "median_seconds_to_decision": median,
        "decisions": len(waits),
        "oldest_pending": list(oldest),
    }


# Exports: plain records in chunks, so memory stays flat and queries grow with claims / chunk size only.

CLAIM_COLUMNS = (
    "pk", "article_id", "start", "end", "exact", "prefix", "suffix", "anchor_state", "verdict", "speaker",
    "summary", "note", "review_state", "created_by__username", "created_by__first_name", "created_by__last_name",
    "created_at", "updated_at", "approved_at", "version", "canonical", "same_as_id", "same_as__review_state",
)  # fmt: skip
SOURCE_COLUMNS = (
    "claim_id",
    "url",
    "title",
    "publisher",
    "kind",
    "stance",
    "quoted_text",
    "accessed_on",
    "archived_url",
)
ARTICLE_COLUMNS = ("pk", "slug", "title", "publisher", "published_on", "source_url")
SAME_AS = CLAIM_COLUMNS.index("same_as_id")


def export_records(
    claims: QuerySet[Claim], chunk_size: int = 2000, *, appearances: bool = False
) -> Iterator[tuple[ClaimRecord, ArticleRecord]]:
    """Each claim (in id order) with its sources and its article, read `chunk_size` claims at a time; with
    `appearances`, also the other articles where the same claim is published (ClaimRecord.also_in, for ClaimReview).

    At most three queries per chunk (claims with their authors, their sources, the articles not seen yet; a fourth
    for the appearances), walking the ids rather than OFFSET, so a chunk deep into a million claims costs what the
    first did.
    """
    claims = claims.order_by("pk")
    articles: dict[int, ArticleRecord] = {}
    last = 0
    while True:
        rows = list(claims.filter(pk__gt=last).values_list(*CLAIM_COLUMNS)[:chunk_size])
        if not rows:
            return
        ids = [row[0] for row in rows]
        sources: dict[int, list[SourceRecord]] = defaultdict(list)
        for claim_id, *values in _sources_of(ids).order_by("claim_id", "pk").values_list(*SOURCE_COLUMNS):
            sources[claim_id].append(SourceRecord(*values))
        unseen = {row[1] for row in rows} - articles.keys()
        if unseen:
            for values in Article.objects.filter(pk__in=unseen).values_list(*ARTICLE_COLUMNS):
                articles[values[0]] = ArticleRecord(*values)
        published_groups = _published_groups([(row[0], row[SAME_AS]) for row in rows]) if appearances else {}
        for (
            pk,
            article_id,
            *values,
            first_name,
            last_name,
            created_at,
            updated_at,
            approved_at,
            version,
            canonical,
            same_as,
            same_as_state,
        ) in rows:
            claim = ClaimRecord(
                pk, article_id, *values,
                creator_name=f"{first_name} {last_name}".strip(),
                created_at=created_at, updated_at=updated_at, approved_at=approved_at, version=version,
                canonical=canonical, sources=tuple(sources.get(pk, ())),
                # The open formats publish: they name the claim stated again once it is published too.
                same_as=same_as if same_as_state == Claim.ReviewState.APPROVED else None,
                also_in=_elsewhere(group, pk, article_id) if (group := published_groups.get(same_as or pk)) else (),
            )  # fmt: skip
            yield claim, articles[article_id]
        if len(rows) < chunk_size:
            return  # a short chunk was the last: no query to find there are no more
        last = ids[-1]


def _published_groups(claims: list[tuple[int, int | None]]) -> dict[int, list[tuple[int, ArticleRecord]]]:
    """The approved claims of each same-claim group these claims ((id, same_as id) pairs) belong to, with their
    articles, by the group's first claim (a restatement's same_as names the first of its chain,
    services.link_claim). One query."""
    roots = {same_as or pk for pk, same_as in claims}
    originals = {same_as for _, same_as in claims if same_as}
    members = Claim.objects.filter(review_state=Claim.ReviewState.APPROVED).filter(
        Q(same_as_id__in=roots) | Q(pk__in=originals)
    )
    groups: dict[int, list[tuple[int, ArticleRecord]]] = defaultdict(list)
    for pk, same_as, *article in members.order_by().values_list(
        "pk", "same_as_id", *(f"article__{column}" for column in ARTICLE_COLUMNS)
    ):
        groups[same_as or pk].append((pk, ArticleRecord(*article)))
    return groups


def _elsewhere(members: Iterable[tuple[int, ArticleRecord]], pk: int, article_id: int) -> tuple[ArticleRecord, ...]:
    """The articles, other than the claim's own, where its group is published: each once, oldest first."""
    others = {article.id: article for member, article in members if member != pk and article.id != article_id}
    return tuple(sorted(others.values(), key=lambda a: (a.published_on or datetime.date.max, a.id)))


def _sources_of(ids: list[int]) -> QuerySet[Source]:
    """The sources of these claims (ids ascending). Where the ids are dense, as in an unfiltered export, an id
    range is half the time of binding each id; the few sources of claims in the range but not in the chunk
    are then left out by their claim, as export_records only looks up the chunk's own.
    """
    if ids[-1] - ids[0] < 2 * len(ids):
        return Source.objects.filter(claim_id__gte=ids[0], claim_id__lte=ids[-1])
    return Source.objects.filter(claim_id__in=ids)


def dismissed_suggestions(article: Article) -> dict[tuple[int, int], dict]:
    """The suggestions dismissed on the article's current text, by span: who dismissed each and when."""
    dismissals = DismissedSuggestion.objects.filter(article=article, text_revision=article.text_revision).order_by()
    return {
        (start, end): {"by": username, "at": at}
        for start, end, username, at in dismissals.values_list("start", "end", "dismissed_by__username", "dismissed_at")
    }


def reusable_sources(user, text: str, *, limit: int = 10) -> list[dict]:
    """Sources already cited on claims the user can see whose URL, title or publisher contain `text`: one per URL
    (as last cited), the most cited first, for the claim form to offer again."""
    matching = Source.objects.filter(claim__in=claims_visible_to(user)).filter(
        Q(url__icontains=text) | Q(title__icontains=text) | Q(publisher__icontains=text)
    )
    by_url = list(matching.values("url").annotate(uses=Count("id"), last=Max("id")).order_by("-uses", "-last")[:limit])
    latest = Source.objects.in_bulk([row["last"] for row in by_url])
    return [
        {
            "url": row["url"],
            "title": latest[row["last"]].title,
            "publisher": latest[row["last"]].publisher,
            "kind": latest[row["last"]].kind,
            "uses": row["uses"],
        }
        for row in by_url
    ]
