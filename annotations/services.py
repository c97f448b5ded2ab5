"""Every state change of the domain. Views, commands and the admin call these; nothing else writes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from annotations import anchoring, notifications, roles, sanitize, suggest, text
from annotations.exports.w3c import AnnotationInput
from annotations.ingest import ArticleInput
from annotations.models import Article, ArticleRevision, Claim, DismissedSuggestion, Review, Source

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TEXT_FIELDS = {"body_html", "body_text", "text_hash"}


class DomainError(Exception):
    """A refused action, with a message for the user and a code the API maps to a status."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class ImportOutcome:
    article: Article
    action: str  # "created", "updated" or "unchanged"
    changed_fields: tuple[str, ...] = ()


def slug_for(title: str) -> str:
    return slugify(title)[:180].strip("-") or "article"


def unique_slug(title: str) -> str:
    base = slug_for(title)
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_text_fields(html: str) -> dict[str, str]:
    """The sanitized body of an article, its plain text and the text's hash."""
    body_html = sanitize.clean_article_html(html)
    body_text = text.text_of(body_html)
    if not body_text.strip():
        raise DomainError("The article has no text.", field="body_html")
    return {"body_html": body_html, "body_text": body_text, "text_hash": text.text_hash(body_text)}


def _article_fields(data: ArticleInput) -> dict[str, object]:
    """The sanitized fields of an article; metadata the input does not state is left out."""
    body = article_text_fields(data.body_html)
    if data.source_url and not sanitize.is_web_url(data.source_url):
        raise DomainError(
            f"The original URL must be an http or https address: {data.source_url!r}.", field="source_url"
        )
    stated = {
        "title": sanitize.clean_plain_text(data.title).strip()[:300],
        "byline": sanitize.clean_plain_text(data.byline).strip()[:300],
        "publisher": sanitize.clean_plain_text(data.publisher).strip()[:200],
        "published_on": data.published_on,
        "source_url": data.source_url,
    }
    return {**{name: value for name, value in stated.items() if value}, **body}


def import_article(data: ArticleInput, *, by: User | None = None) -> ImportOutcome:
    """Create an article, or update the same one: same original URL, else same text, else same slug.

    Importing the same file twice changes nothing, and metadata the file does not state (a publisher
    given on an earlier import, a title set by hand) is kept. A new text is a revision: the article's
    claims are re-anchored and the previous text is kept (see `revise_article`).
    """
    fields = _article_fields(data)
    with transaction.atomic():
        existing = _find_existing(data, fields)
        if existing is None:
            fields.setdefault("title", text.title_from_text(str(fields["body_text"])))
            slug = data.slug or unique_slug(str(fields["title"]))
            article = Article(slug=slug, **fields)
            article._history_user = by
            article.save()
            return ImportOutcome(article, "created")
        changed = tuple(name for name, value in fields.items() if getattr(existing, name) != value)
        if not changed:
            return ImportOutcome(existing, "unchanged")
        metadata = [name for name in changed if name not in TEXT_FIELDS]
        if metadata:
            for name in metadata:
                setattr(existing, name, fields[name])
            existing._history_user = by
            existing.save(update_fields=[*metadata, "updated_at"])
        if "body_html" in changed:
            revise_article(existing, str(fields["body_html"]), by=by, reason="Imported a new version of the file")
        return ImportOutcome(
            existing, "updated", tuple(name for name in changed if name not in {"body_text", "text_hash"})
        )


def _find_existing(data: ArticleInput, fields: dict[str, object]) -> Article | None:
    articles = Article.objects.select_for_update()
    if fields.get("source_url"):
        return articles.filter(source_url=fields["source_url"]).first()
    unlinked = articles.filter(source_url="")
    if data.slug:
        return unlinked.filter(slug=data.slug).first()
    same_text = unlinked.filter(body_html=fields["body_html"]).first()
    if same_text is not None or "title" not in fields:
        return same_text
    return unlinked.filter(slug=slug_for(str(fields["title"]))).first()


# Claims.

CLAIM_TEXT_FIELDS = ("speaker", "note", "summary")
SOURCE_FIELDS = ("url", "title", "publisher", "kind", "stance", "quoted_text", "accessed_on", "archived_url")


def create_claim(
    article: Article,
    *,
    by: User,
    verdict: str,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
    speaker: str = "",
    note: str = "",
    summary: str = "",
    sources: Iterable[Mapping[str, Any]] = (),
    expected_revision: int | None = None,
    canonical: str = "",
    same_as: Claim | None = None,
) -> Claim:
    """Mark a span of an article as a claim, with its verdict, speaker, note and sources.

    The span is given by offsets, by its quote, or both (see anchoring.selectors_for_claim); the
    server computes prefix and suffix. `expected_revision` is the text revision the client selected
    in: if the article was revised since, its offsets would point at other words, so it is refused.
    `canonical` is the IRI other systems know the claim by (W3C Web Annotation), kept as given.
    """
    check_can_create(by)
    if canonical and not is_absolute_iri(canonical):
        raise DomainError(
            "canonical must be an absolute URI of at most 1,000 ASCII characters, like urn:uuid:... or https://...",
            field="canonical",
        )
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        _check_revision(article, expected_revision)
        selectors = _claim_selectors(article, start=start, end=end, exact=exact, prefix=prefix, suffix=suffix)
        claim = Claim(
            article=article,
            **asdict(selectors),
            anchor_state=Claim.AnchorState.ANCHORED,
            anchored_revision=article.text_revision,
            verdict=verdict,
            speaker=sanitize.clean_plain_text(speaker).strip(),
            note=sanitize.clean_plain_text(note).strip(),
            summary=sanitize.clean_plain_text(summary).strip(),
            canonical=canonical,
            same_as=same_as,
            created_by=by,
            updated_by=by,
        )
        _validate(claim, exclude=["article", "created_by", "updated_by"])
        claim._history_user = by
        claim.save()
        _replace_sources(claim, sources, by=by)
    return claim


def link_claim(original: Claim, article: Article, *, start: int, end: int, by: User) -> Claim:
    """Mark the same claim where another article states it, reusing the original's verdict, speaker, summary, note
    and sources: one click for the editor. The new claim is a draft of its own (reviewed as any other) and names
    the original as `same_as` (the first of a chain, so every restatement points at one claim)."""
    check_can_create(by)
    if article.pk == original.article_id:
        raise DomainError(
            "The same claim is linked across articles: choose a passage in another article.", field="article"
        )
    sources = [{name: getattr(source, name) for name in SOURCE_FIELDS} for source in original.sources.all()]
    return create_claim(
        article, by=by, start=start, end=end, verdict=original.verdict, speaker=original.speaker,
        summary=original.summary, note=original.note, sources=sources, same_as=original.same_as or original,
    )  # fmt: skip


def dismiss_suggestion(article: Article, *, start: int, end: int, text_revision: int, by: User) -> DismissedSuggestion:
    """Set a suggested claim aside for the whole newsroom, for this revision of the text. Only a span the rules
    suggest in the current text can be dismissed; dismissing it again keeps the first dismissal (who and when)."""
    check_can_dismiss(by)
    _check_revision(article, text_revision, field="text_revision", then="reload the suggestions")
    if not 0 <= start < end <= len(article.body_text):
        raise DomainError(
            f"The suggestion must lie within the article's text (0 to {len(article.body_text)}).", field="end"
        )
    if (start, end) not in {(found.start, found.end) for found in suggest.suggest_claims(article.body_text)}:
        raise DomainError("No suggestion has exactly these words in the current text: reload the suggestions.",
                          field="start")  # fmt: skip
    dismissal, _ = DismissedSuggestion.objects.get_or_create(
        article=article, text_revision=text_revision, start=start, end=end, defaults={"dismissed_by": by}
    )
    return dismissal


def restore_suggestions(article: Article, *, text_revision: int, by: User) -> int:
    """Show again every suggestion dismissed on this revision of the text; how many there were."""
    check_can_dismiss(by)
    _check_revision(article, text_revision, field="text_revision", then="reload the suggestions")
    deleted, _ = DismissedSuggestion.objects.filter(article=article, text_revision=text_revision).delete()
    return deleted


def check_can_dismiss(by: User) -> None:
    if not roles.is_editor(by):
        raise DomainError("Only editors can dismiss suggestions or show them again.", code="forbidden")


def update_claim(
    claim: Claim,
    *,
    by: User,
    version: int,
    changes: Mapping[str, Any],
    expected_revision: int | None = None,
) -> Claim:
    """Change a claim's anchor, verdict, speaker, note or sources, if nobody changed it since `version`.

    The version check is part of the UPDATE itself, so of two concurrent edits exactly one wins and the
    other gets a "precondition_failed" error: nothing is overwritten silently. Moving the anchor (also to
    re-attach an orphan) validates it like a new claim.
    """
    check_can_edit(claim, by)
    if not changes:
        # An empty PATCH: a stale version is still refused, but no new version or history entry is written, which
        # would make everyone else's next save fail with 412 for nothing.
        if not Claim.objects.filter(pk=claim.pk, version=version).exists():
            raise _stale(claim)
        return claim
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=claim.article_id)
        fields: dict[str, Any] = {}
        if {"start", "end", "exact"} & changes.keys():
            _check_revision(article, expected_revision)
            selectors = _claim_selectors(
                article,
                start=changes.get("start"),
                end=changes.get("end"),
                exact=changes.get("exact"),
                prefix=changes.get("prefix"),
                suffix=changes.get("suffix"),
            )
            fields |= asdict(selectors)
            fields |= {"anchor_state": Claim.AnchorState.ANCHORED, "anchored_revision": article.text_revision}
        if "verdict" in changes:
            fields["verdict"] = changes["verdict"]
        for name in CLAIM_TEXT_FIELDS:
            if name in changes:
                fields[name] = sanitize.clean_plain_text(changes[name] or "").strip()
        candidate = Claim(**{**_claim_values(claim), **fields})
        _validate(candidate, exclude=["article", "created_by", "updated_by"])

        # The state is part of the condition too: a claim submitted or approved meanwhile is not edited.
        updated = Claim.objects.filter(pk=claim.pk, version=version, review_state__in=EDITABLE_STATES).update(
            **fields, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
        )
        if not updated:
            raise _stale(claim)
        claim.refresh_from_db()
        if "sources" in changes:
            _replace_sources(claim, changes["sources"], by=by)
        _record_history(claim, by=by, reason="Edited")
    return claim


def check_can_create(by: User) -> None:
    if not roles.is_editor(by):
        raise DomainError("Only editors can create claims.", code="forbidden")


EDITABLE_STATES = (Claim.ReviewState.DRAFT, Claim.ReviewState.CHANGES_REQUESTED, Claim.ReviewState.PENDING)


def check_can_edit(claim: Claim, by: User) -> None:
    """Editors edit their own drafts and the claims sent back to them; admins edit any claim not approved."""
    if claim.review_state == Claim.ReviewState.APPROVED:
        raise DomainError("This claim is approved and locked; a reviewer must reopen it first.", code="conflict")
    if roles.is_admin(by):
        return
    if not roles.is_editor(by):
        raise DomainError("Only editors can change claims.", code="forbidden")
    if claim.created_by_id != by.pk:
        raise DomainError("Editors can change only their own claims.", code="forbidden")
    if claim.review_state == Claim.ReviewState.PENDING:
        raise DomainError(
            "This claim is waiting for review; it can be changed once a reviewer sends it back.", code="conflict"
        )


def delete_claim(claim: Claim, *, by: User, version: int) -> None:
    """Delete a claim the user may edit, if nobody changed it since `version`. Its history keeps the deletion."""
    check_can_edit(claim, by)
    with transaction.atomic():
        current = Claim.objects.select_for_update().filter(pk=claim.pk, version=version).first()
        if current is None:
            raise _stale(claim)
        for source in current.sources.all():
            source._history_user = by
            source.delete()
        current._history_user = by
        current.delete()


def _stale(claim: Claim) -> DomainError:
    return DomainError(
        "Someone else changed this claim since you loaded it; reload it to see their changes.",
        code="precondition_failed",
        field="version",
    )


# Review workflow.

SUBMITTABLE_STATES = (Claim.ReviewState.DRAFT, Claim.ReviewState.CHANGES_REQUESTED)
REQUIRED_STANCE = {
    Claim.Verdict.VERIFIED: (Source.Stance.SUPPORTS, "A verified claim needs at least one source that supports it."),
    Claim.Verdict.DISPUTED: (
        Source.Stance.CONTRADICTS,
        "A disputed claim needs at least one source that contradicts it.",
    ),
    Claim.Verdict.ATTRIBUTED: (
        Source.Stance.ORIGIN,
        "An attributed claim needs its origin: a source where the speaker said it.",
    ),
}


def submit_claim(claim: Claim, *, by: User, comment: str = "") -> Claim:
    """Send a draft (or a claim sent back) for review, once its verdict is backed as the verdict requires."""
    check_can_edit(claim, by)
    if claim.review_state not in SUBMITTABLE_STATES:
        raise DomainError(
            f"Only drafts and claims sent back can be submitted; this one is {claim.get_review_state_display().lower()}.",
            code="conflict",
        )
    stance, message = REQUIRED_STANCE[Claim.Verdict(claim.verdict)]
    if claim.verdict == Claim.Verdict.ATTRIBUTED and not claim.speaker:
        raise DomainError("An attributed claim needs its speaker.", field="speaker")
    if not claim.sources.filter(stance=stance).exists():
        raise DomainError(message, field="sources")
    return _transition(
        claim,
        by=by,
        from_states=SUBMITTABLE_STATES,
        to=Claim.ReviewState.PENDING,
        reason="Submitted for review",
        comment=comment,
        submitted_at=timezone.now(),
        notify=notifications.work_waiting,
    )


def approve_claim(claim: Claim, *, by: User, comment: str = "") -> Claim:
    """Approve a pending claim. The approver may be neither its author nor its last editor."""
    _check_reviewer(claim, by)
    if claim.review_state != Claim.ReviewState.PENDING:
        raise DomainError("Only claims waiting for review can be approved.", code="conflict")
    if by.pk in (claim.created_by_id, claim.updated_by_id):
        raise DomainError("A claim needs a second pair of eyes: you wrote or last edited it.", code="forbidden")
    return _transition(claim, by=by, from_states=[Claim.ReviewState.PENDING], to=Claim.ReviewState.APPROVED,
                       reason="Approved", comment=comment, decision=Review.Decision.APPROVE,
                       approved_at=timezone.now())  # fmt: skip


def request_changes(claim: Claim, *, by: User, comment: str) -> Claim:
    """Send a pending claim back to its editor, saying what to change."""
    _check_reviewer(claim, by)
    if claim.review_state != Claim.ReviewState.PENDING:
        raise DomainError("Only claims waiting for review can be sent back.", code="conflict")
    if not sanitize.clean_plain_text(comment).strip():
        raise DomainError("Say what needs to change: a comment is required.", field="comment")
    return _transition(claim, by=by, from_states=[Claim.ReviewState.PENDING], to=Claim.ReviewState.CHANGES_REQUESTED,
                       reason="Sent back", comment=comment, decision=Review.Decision.REQUEST_CHANGES,
                       notify=notifications.sent_back)  # fmt: skip


def reopen_claim(claim: Claim, *, by: User, comment: str) -> Claim:
    """Unlock an approved claim and send it back to its editor; the reason is required."""
    _check_reviewer(claim, by)
    if claim.review_state != Claim.ReviewState.APPROVED:
        raise DomainError("Only approved claims can be reopened.", code="conflict")
    if not sanitize.clean_plain_text(comment).strip():
        raise DomainError("Give the reason for reopening an approved claim.", field="comment")
    return _transition(claim, by=by, from_states=[Claim.ReviewState.APPROVED], to=Claim.ReviewState.CHANGES_REQUESTED,
                       reason="Reopened", comment=comment, decision=Review.Decision.REQUEST_CHANGES,
                       review_prefix="Reopened: ", notify=notifications.sent_back)  # fmt: skip


def _check_reviewer(claim: Claim, by: User) -> None:
    if not roles.is_reviewer(by):
        raise DomainError("Only reviewers can approve claims, send them back or reopen them.", code="forbidden")


def _transition(
    claim: Claim,
    *,
    by: User,
    from_states: Iterable[str],
    to: str,
    reason: str,
    comment: str = "",
    decision: str | None = None,
    review_prefix: str = "",
    submitted_at: datetime.datetime | None = None,
    approved_at: datetime.datetime | None = None,
    notify: Callable[[Claim], None] | None = None,
) -> Claim:
    """Move the claim to `to` if it is still in one of `from_states` (checked by the UPDATE itself).

    `notify` runs once the transaction has committed, so nobody is told about a change that was rolled back.
    """
    comment = sanitize.clean_plain_text(comment).strip()
    extra: dict[str, Any] = {"submitted_at": submitted_at} if submitted_at else {}
    # Only an approved claim has an approval date: leaving the state clears it.
    extra["approved_at"] = approved_at if to == Claim.ReviewState.APPROVED else None
    with transaction.atomic():
        moved = Claim.objects.filter(pk=claim.pk, review_state__in=list(from_states)).update(
            review_state=to, version=F("version") + 1, updated_at=timezone.now(), **extra
        )
        if not moved:
            raise DomainError("The claim's review state changed meanwhile; reload it.", code="conflict")
        if decision:
            Review.objects.create(
                claim=claim,
                reviewer=by,
                decision=decision,
                comment=review_prefix + comment,
                submitted_at=claim.submitted_at,
            )
        claim.refresh_from_db()
        _record_history(claim, by=by, reason=f"{reason}: {comment}" if comment else reason)
        if notify is not None:
            # robust: a failed notification is logged, never turned into an error for a change that was kept.
            transaction.on_commit(lambda: notify(claim), robust=True)
    return claim


def is_absolute_iri(value: str) -> bool:
    """An absolute URI in ASCII: a scheme, a colon, and only characters URIs allow (RFC 3986).

    `canonical` is kept exactly as given and exported as it is, so it must already be a valid URI; and at
    most 1,000 characters, which an index can hold.
    """
    return bool(_ABSOLUTE_URI.fullmatch(value)) and not _NOT_IN_URIS.search(value) and len(value) <= 1000


_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+")
_NOT_IN_URIS = re.compile(r"[<>\"{}|\\^`]")


def _check_revision(
    article: Article,
    expected_revision: int | None,
    field: str = "article_revision",
    then: str = "reload it and select the words again",
) -> None:
    if expected_revision is not None and expected_revision != article.text_revision:
        raise DomainError(
            f"The article was revised (now revision {article.text_revision}, you had {expected_revision}); {then}.",
            code="conflict",
            field=field,
        )


def _claim_selectors(article: Article, **given: Any) -> anchoring.Selectors:
    try:
        return anchoring.selectors_for_claim(article.body_text, **given)
    except anchoring.AnchorError as error:
        raise DomainError(str(error), field=error.field) from None


def _claim_values(claim: Claim) -> dict[str, Any]:
    return {field.attname: getattr(claim, field.attname) for field in Claim._meta.concrete_fields}


def _validate(instance: Claim | Source, *, exclude: list[str], prefix: str = "") -> None:
    """Field rules of the model (choices, URL schemes, lengths) as one DomainError naming the field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise DomainError(f"{name}: {' '.join(messages)}", field=f"{prefix}{name}") from None


def _replace_sources(claim: Claim, sources: Iterable[Mapping[str, Any]], *, by: User) -> None:
    """Make the claim's sources exactly `sources`: rows with a known id are updated, others created."""
    existing = {source.pk: source for source in claim.sources.all()}
    keep = set()
    for index, given in enumerate(sources):
        source = existing.get(given.get("id")) or Source(claim=claim)
        for name in SOURCE_FIELDS:
            if name in given:
                value = given[name]
                setattr(source, name, sanitize.clean_plain_text(value).strip() if isinstance(value, str) else value)
        _validate(source, exclude=["claim"], prefix=f"sources[{index}].")
        source._history_user = by
        source.save()
        keep.add(source.pk)
    for pk, source in existing.items():
        if pk not in keep:
            source._history_user = by
            source.delete()


def refresh_source_titles(claim_id: int) -> None:
    """Copy the titles of the claim's sources onto it, where full-text search finds them (annotations/search.py).
    Called on every save and delete of a source (annotations/signals.py), whatever made it. The claim row is locked
    first, as update_claim does before it touches sources: two writers of one claim's sources take turns (neither
    overwrites the other's titles) and always lock in the same order (claim, then sources), so they cannot
    deadlock."""
    with transaction.atomic():
        # order_by(): the model's default order joins the article, and FOR UPDATE would lock the article's row too
        # (update_claim locks the article first, so the two would deadlock; the concurrency test caught it).
        if not Claim.objects.select_for_update().filter(pk=claim_id).order_by().values_list("pk", flat=True):
            return  # the claim is being deleted
        titles = "\n".join(Source.objects.filter(claim_id=claim_id).order_by("pk").values_list("title", flat=True))
        Claim.objects.filter(pk=claim_id).exclude(source_titles=titles).update(source_titles=titles)


def _record_history(claim: Claim, *, by: User | None, reason: str) -> None:
    claim._history_user = by
    claim._change_reason = reason
    Claim.history.bulk_history_create([claim], update=True)


# Revising an article.


@dataclass(frozen=True)
class ClaimOutcome:
    claim: int
    state: str  # anchored, relocated, changed (relocated to edited words) or orphaned
    start: int
    end: int
    exact: str
    previous_exact: str
    score: float
    review_state: str
    sent_back_for_review: bool


@dataclass(frozen=True)
class RevisionReport:
    article: int
    revision: int
    changed: bool
    outcomes: tuple[ClaimOutcome, ...] = ()

    def counts(self) -> dict[str, int]:
        states = ("anchored", "relocated", "changed", "orphaned")
        return {state: sum(outcome.state == state for outcome in self.outcomes) for state in states}

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "revision": self.revision,
            "changed": self.changed,
            "counts": self.counts(),
            "claims": [asdict(outcome) for outcome in self.outcomes],
        }


def revise_article(
    article: Article,
    new_html: str,
    *,
    by: User | None,
    reason: str = "",
    expected_revision: int | None = None,
) -> RevisionReport:
    # `by` is None for commands run by the system (import, revise_article), which are trusted.
    """Replace an article's text and re-anchor every claim, in one transaction. Nothing is deleted.

    A claim found with the same words stays as it was (an approved one stays approved); one whose words
    were edited is moved to the new words and, if it was approved, goes back to pending review; one that
    cannot be found becomes an orphan that keeps its last quote, its sources and its history. The
    previous text is kept as an ArticleRevision with the report, and every outcome is written to the
    claim's history.
    """
    if by is not None and not roles.is_editor(by):
        raise DomainError("Only editors and admins can revise an article's text.", code="forbidden")
    body = article_text_fields(new_html)
    body_html, body_text = body["body_html"], body["body_text"]
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if expected_revision is not None and expected_revision != article.text_revision:
            raise DomainError(
                f"The article was revised by someone else (now revision {article.text_revision}); "
                "reload it and apply your correction again.",
                code="precondition_failed",
                field="text_revision",
            )
        if body_html == article.body_html:
            return RevisionReport(article.pk, article.text_revision, changed=False)

        number = article.text_revision + 1
        revision = ArticleRevision.objects.create(
            article=article,
            number=number,
            previous_body_html=article.body_html,
            previous_body_text=article.body_text,
            previous_text_hash=article.text_hash,
            revised_by=by,
            reason=sanitize.clean_plain_text(reason).strip()[:300],
        )
        claims = list(article.claims.select_for_update().order_by("pk"))
        resolutions = anchoring.reanchor(body_text, [_selectors_of(claim) for claim in claims])
        outcomes = [
            _apply_resolution(claim, resolution, body_text, number)
            for claim, resolution in zip(claims, resolutions, strict=True)
        ]
        now = timezone.now()
        for claim in claims:
            claim.updated_at = now
            claim._history_user = by
        _write_fields(claims, [*REANCHOR_FIELDS, "updated_at"])
        Claim.history.bulk_history_create(claims, update=True, default_date=now, batch_size=500)

        article.body_html, article.body_text, article.text_hash = body_html, body_text, body["text_hash"]
        article.text_revision = number
        article._history_user = by
        article._change_reason = f"Revision {number}" + (f": {revision.reason}" if revision.reason else "")
        article.save()
        report = RevisionReport(article.pk, number, changed=True, outcomes=tuple(outcomes))
        revision.report = report.as_dict()
        revision.save(update_fields=["report"])
    return report


REANCHOR_FIELDS = [
    "start", "end", "exact", "prefix", "suffix", "anchor_state", "anchored_revision", "review_state", "version",
]  # fmt: skip


def _write_fields(claims: list[Claim], names: list[str]) -> None:
    """UPDATE many claims' fields with one prepared statement (executemany).

    Django's bulk_update builds a CASE expression per field and row; for the 2,000 claims of a long
    article it took 3 s on SQLite, against about 0.1 s for this.
    """
    meta = Claim._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(claim, field.attname), connection) for field in fields] + [claim.pk]
        for claim in claims
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _selectors_of(claim: Claim) -> anchoring.Selectors:
    return anchoring.Selectors(claim.start, claim.end, claim.exact, claim.prefix, claim.suffix)


def _apply_resolution(claim: Claim, resolution: anchoring.Resolution, body_text: str, number: int) -> ClaimOutcome:
    """Set the claim's new anchor and, where its words changed or vanished, send it back for review."""
    previous_exact, before = claim.exact, _claim_values(claim)
    was_approved = claim.review_state == Claim.ReviewState.APPROVED
    if resolution.is_orphaned:
        claim.anchor_state = Claim.AnchorState.ORPHANED
        state = "orphaned"
        message = f"Revision {number}: the quote was not found; kept as an orphan with its last quote."
    else:
        selectors = anchoring.build_selectors(body_text, resolution.start, resolution.end)
        for name, value in asdict(selectors).items():
            setattr(claim, name, value)
        claim.anchored_revision = number
        claim.anchor_state = Claim.AnchorState(resolution.state)
        state = "changed" if selectors.exact != previous_exact else resolution.state
        message = {
            "anchored": f"Revision {number}: the quote is unchanged and in place.",
            "relocated": f"Revision {number}: the quote is unchanged; it moved to {selectors.start}-{selectors.end}.",
            "changed": f"Revision {number}: the quote was edited, from “{previous_exact}” to “{selectors.exact}” "
            f"(similarity score {resolution.score:.2f}).",
        }[state]
    sent_back = was_approved and state in {"changed", "orphaned"}
    if sent_back:
        claim.review_state = Claim.ReviewState.PENDING
        message += " Its approval was withdrawn: it needs review again."
    if any(
        getattr(claim, name) != before[name] for name in REANCHOR_FIELDS if name not in {"version", "anchored_revision"}
    ):
        claim.version += 1
    claim._change_reason = message
    return ClaimOutcome(
        claim=claim.pk,
        state=state,
        start=claim.start,
        end=claim.end,
        exact=claim.exact,
        previous_exact=previous_exact,
        score=resolution.score,
        review_state=claim.review_state,
        sent_back_for_review=sent_back,
    )


# W3C Web Annotations coming in: the protocol container and `import_annotations`.


@dataclass(frozen=True)
class AnnotationOutcome:
    action: str  # "created", "matched" (already here), "unplaced" or "invalid" (nothing written)
    claim: Claim | None = None
    how: str = ""  # how the words were found (anchored, relocated: the words used), or why not


_ARTICLE_PATH = re.compile(r"/articles/(?P<slug>[^/]+)/?")
_ANNOTATION_PATH = re.compile(r"/annotations/(?P<pk>[0-9]{1,18})")


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError:  # e.g. "http://[bad/": not a URL at all
        return None


def article_for_url(url: str, *, hosts: Iterable[str]) -> Article | None:
    """The article an annotation's target names: by its original URL, or by its page on this site
    (`hosts`: the names this site answers to; another site's /articles/<slug>/ is not ours).
    """
    article = Article.objects.filter(source_url=url).first() if sanitize.is_web_url(url) else None
    parts = _split(url)
    if article is None and parts is not None and parts.netloc in set(hosts):
        match = _ARTICLE_PATH.fullmatch(parts.path)
        if match:
            article = Article.objects.filter(slug=match["slug"]).first()
    return article


def own_claim(iri: str, *, hosts: Iterable[str]) -> Claim | None:
    """The claim an IRI of this site's own /annotations/N names, if it exists."""
    parts = _split(iri)
    match = _ANNOTATION_PATH.fullmatch(parts.path) if parts is not None and parts.netloc in set(hosts) else None
    return Claim.objects.filter(pk=int(match["pk"])).first() if match else None


def anchor_annotation(article: Article, given: AnnotationInput, *, fuzzy: bool) -> tuple[anchoring.Selectors, str]:
    """Where an annotation's words are in the article now: its position when the quote still stands
    there, else the quote itself found elsewhere (the client counted UTF-16 units, or the text moved).
    With `fuzzy` (imports: the text may have been revised since) slightly changed words are re-anchored as
    after a revision; without it (POST and PUT) only the very words are accepted. Words that cannot be
    found are an error: nothing is placed on other words.
    """
    text_ = article.body_text
    start, end = given.start, given.end
    fits = start is not None and end is not None and start < end <= len(text_)
    if fits and (given.exact is None or text_[start:end] == given.exact):
        return anchoring.build_selectors(text_, start, end), Claim.AnchorState.ANCHORED
    if not given.exact:
        raise DomainError(
            "The target's position does not fit the article and it gives no quote to look for.",
            field="target.selector",
        )
    stored = anchoring.Selectors(start or 0, end or 0, given.exact, given.prefix or "", given.suffix or "")
    found = anchoring.resolve(text_, stored, expected_start=start)
    if found.state == Claim.AnchorState.ORPHANED:
        raise DomainError(
            f"The quote “{given.exact[:80]}” was not found in the article “{article.title}”.", field="target.selector"
        )
    if found.exact != given.exact:
        if not fuzzy:
            raise DomainError(
                f"The quote “{given.exact[:80]}” is not in the article as given; the closest words are "
                f"“{found.exact[:80]}”. Send the article's exact words.",
                field="target.selector",
            )
        return anchoring.build_selectors(
            text_, found.start, found.end
        ), f"relocated to changed words “{found.exact[:80]}”"
    return anchoring.build_selectors(text_, found.start, found.end), Claim.AnchorState.RELOCATED


def claim_from_annotation(
    given: AnnotationInput, *, by: User, hosts: Iterable[str], canonical: str = "", fuzzy: bool = False
) -> tuple[Claim, str]:
    """Create the claim a W3C annotation describes (POST to the container, or an import)."""
    check_can_create(by)
    article = article_for_url(given.target_url, hosts=hosts)
    if article is None:
        raise DomainError(f"No article here has the URL {given.target_url}.", field="target.source")
    selectors, how = anchor_annotation(article, given, fuzzy=fuzzy)
    # The words go with the offsets: create_claim checks them again under the article's lock, so a revision
    # landing meanwhile is refused instead of the claim landing on other words.
    claim = create_claim(
        article,
        by=by,
        verdict=given.verdict,
        start=selectors.start,
        end=selectors.end,
        exact=selectors.exact,
        speaker=given.speaker,
        note=given.note,
        summary=given.summary,
        sources=given.sources,
        canonical=canonical,
        expected_revision=article.text_revision,
    )
    return claim, how


def import_annotation(given: AnnotationInput, *, by: User, hosts: Iterable[str]) -> AnnotationOutcome:
    """Bring in an annotation unless it is already here: this site's own annotation, the same canonical
    IRI, or the same verdict on the same words of the same article. Importing twice creates nothing new.
    """
    for iri in (given.canonical, given.id):
        existing = own_claim(iri, hosts=hosts) if iri else None
        if existing is not None:
            return AnnotationOutcome("matched", existing, "this site's own annotation")
    if given.key:
        existing = Claim.objects.filter(canonical=given.key).first()
        if existing is not None:
            return AnnotationOutcome("matched", existing, "same canonical IRI")
    article = article_for_url(given.target_url, hosts=hosts)
    if article is None:
        return AnnotationOutcome("unplaced", how=f"no article has the URL {given.target_url}")
    try:
        selectors, _ = anchor_annotation(article, given, fuzzy=True)
    except DomainError as error:
        return AnnotationOutcome("unplaced", how=error.message)
    same = Claim.objects.filter(
        article=article, start=selectors.start, end=selectors.end, verdict=given.verdict
    ).first()
    if same is not None:
        return AnnotationOutcome("matched", same, "same verdict on the same words")
    # The annotation's identity elsewhere, so that a later import recognises it: its canonical, else its id.
    key = next((iri for iri in (given.canonical, given.id) if is_absolute_iri(iri)), "")
    try:
        with transaction.atomic():
            claim, how = claim_from_annotation(given, by=by, hosts=hosts, canonical=key, fuzzy=True)
    except DomainError as error:
        return AnnotationOutcome("invalid", how=f"{error.field}: {error.message}" if error.field else error.message)
    return AnnotationOutcome("created", claim, how)


def update_claim_from_annotation(
    claim: Claim, given: AnnotationInput, *, by: User, version: int, hosts: Iterable[str]
) -> Claim:
    """Replace a claim with what a W3C annotation says (PUT): anchor, verdict, texts and sources.

    Sources that are still there (same URL and stance) keep their identity, so their history shows edits
    rather than a deletion and a new source.
    """
    check_can_edit(claim, by)
    article = article_for_url(given.target_url, hosts=hosts)
    if article is None or article.pk != claim.article_id:
        raise DomainError("An annotation cannot move to another article.", field="target.source")
    unused = {(source.url, source.stance): source.pk for source in reversed(claim.sources.order_by("pk"))}
    sources = [
        {**source, "id": unused.pop((source["url"], source["stance"]))}
        if (source["url"], source["stance"]) in unused
        else source
        for source in given.sources
    ]
    changes: dict[str, Any] = {
        "verdict": given.verdict,
        "speaker": given.speaker,
        "note": given.note,
        "summary": given.summary,
        "sources": sources,
    }
    # The anchor moves only when the target says other words (an orphan's quote alone keeps it as is).
    same_words = (
        given.exact in (None, claim.exact) and given.start in (None, claim.start) and given.end in (None, claim.end)
    )
    if not same_words:
        selectors, _ = anchor_annotation(article, given, fuzzy=False)
        changes |= {"start": selectors.start, "end": selectors.end, "exact": selectors.exact}
    return update_claim(claim, by=by, version=version, changes=changes, expected_revision=article.text_revision)
