"""Articles, the claims marked in them, the sources behind each verdict, and the reviews.

Structural rules (offsets, choices, URL schemes) are database constraints, so the database itself
refuses a bad row whichever code path wrote it. Workflows live in services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

# Django's URLValidator accepts ftp:// by default; a source or article link is a web page.
web_url_validator = URLValidator(schemes=["http", "https"])


def web_url_check(field: str, *, blank: bool) -> Q:
    """A check constraint: the field is empty (when allowed) or starts with http:// or https://."""
    condition = Q(**{f"{field}__istartswith": "http://"}) | Q(**{f"{field}__istartswith": "https://"})
    return condition | Q(**{field: ""}) if blank else condition


def choices_check(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class WebURLField(models.URLField):
    """A URL limited to http and https, in forms, serializers and the database alike."""

    default_validators = [web_url_validator]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 2000)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"form_class": forms.URLField, "assume_scheme": "https", **kwargs})


class Verdict(models.TextChoices):
    ATTRIBUTED = "attributed", "Attributed"
    DISPUTED = "disputed", "Disputed"
    VERIFIED = "verified", "Verified"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    RELOCATED = "relocated", "Relocated"
    ORPHANED = "orphaned", "Orphaned"


class SourceKind(models.TextChoices):
    PRIMARY_DOCUMENT = "primary_document", "Primary document"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    SOCIAL_MEDIA_POST = "social_media_post", "Social media post"
    NEWS_REPORT = "news_report", "News report"
    EXPERT = "expert", "Expert"
    DATASET = "dataset", "Dataset"


class Stance(models.TextChoices):
    ORIGIN = "origin", "Origin (where the speaker said it)"
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"


class ArticleManager(models.Manager["Article"]):
    def get_by_natural_key(self, slug: str) -> Article:
        return self.get(slug=slug)


class Article(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    byline = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True, help_text="Empty when the date is unknown.")
    source_url = WebURLField(blank=True, verbose_name="original URL")
    body_html = models.TextField(help_text="Sanitized HTML of the article body.")
    body_text = models.TextField(
        editable=False, help_text="The textContent of body_html; claim offsets count its code points."
    )
    # Bumped by every revision of the text; a claim anchored against an older one has stale offsets.
    text_revision = models.PositiveIntegerField(default=1, editable=False)
    text_hash = models.CharField(max_length=64, editable=False, help_text="SHA-256 of body_text.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleManager()
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"], condition=~Q(source_url=""), name="article_source_url_unique"
            ),
            models.CheckConstraint(condition=web_url_check("source_url", blank=True), name="article_source_url_web"),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Claim(models.Model):
    Verdict = Verdict
    ReviewState = ReviewState
    AnchorState = AnchorState

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
    # W3C Web Annotation TextPositionSelector: code points of Article.body_text, end exclusive.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # W3C Web Annotation TextQuoteSelector.
    exact = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    anchor_state = models.CharField(max_length=16, choices=AnchorState.choices, default=AnchorState.ANCHORED)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    speaker = models.CharField(max_length=200, blank=True, help_text="Who made the claim.")
    note = models.TextField(blank=True)
    summary = models.CharField(
        max_length=200,
        blank=True,
        help_text="The claim restated in a short line (about 75 characters) for ClaimReview; the quote when empty.",
    )
    review_state = models.CharField(max_length=24, choices=ReviewState.choices, default=ReviewState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims_created")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims_updated")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every write is `UPDATE ... WHERE version = seen` and bumps it.
    version = models.PositiveIntegerField(default=1)
    # The article text revision these offsets were computed against (Article.text_revision).
    anchored_revision = models.PositiveIntegerField(default=1)
    # When the claim was last submitted for review: the queue's order and the time to a decision.
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the claim was last approved (its ClaimReview's datePublished); empty unless approved.
    approved_at = models.DateTimeField(null=True, blank=True)
    # The W3C `canonical` IRI: kept from an imported or POSTed annotation so systems can recognise it.
    canonical = models.CharField(max_length=2000, blank=True, default="")
    # The titles of the claim's sources, one per line, kept by services.refresh_source_titles: full-text
    # search covers them with the claim's own words in one index (annotations/search.py).
    # On PostgreSQL, exact, note, speaker and source_titles feed the generated column search_document (migration
    # 0006), which Django does not know: a migration changing one of their types must drop and re-create it.
    source_titles = models.TextField(blank=True, default="", editable=False)
    # The same claim in another article: this one was linked to it and reused its verdict (services.link_claim).
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="restatements",
        help_text="The claim this one states again, in another article; its verdict and sources were reused.",
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["source_titles"])

    class Meta:
        ordering = ["article", "start", "end", "pk"]
        permissions = [("review_claim", "Can approve claims or send them back")]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(end__gt=models.F("start")), name="claim_span_valid"),
            models.CheckConstraint(condition=~Q(exact=""), name="claim_exact_not_empty"),
            models.CheckConstraint(condition=choices_check("verdict", Verdict), name="claim_verdict_valid"),
            models.CheckConstraint(
                condition=choices_check("review_state", ReviewState), name="claim_review_state_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("anchor_state", AnchorState), name="claim_anchor_state_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
        ]
        indexes = [
            models.Index(fields=["article", "start"], name="claim_article_start"),
            models.Index(fields=["review_state", "updated_at"], name="claim_state_updated"),
            models.Index(fields=["canonical"], name="claim_canonical", condition=~Q(canonical="")),
            # The claim list's filters and orderings (the article's are claim_article_start; full-text search
            # has a GIN index on PostgreSQL, and the speaker a trigram one: migrations 0005 and 0006).
            models.Index(fields=["verdict", "article"], name="claim_verdict"),
            # Verdict and state together, in the list's order: a page and a capped count read only the index.
            models.Index(fields=["review_state", "verdict", "article", "start"], name="claim_state_verdict"),
            models.Index(fields=["anchor_state"], name="claim_anchor_state", condition=~Q(anchor_state="anchored")),
            models.Index(fields=["updated_at", "id"], name="claim_updated"),
            models.Index(fields=["created_at", "id"], name="claim_created"),
        ]

    def __str__(self) -> str:
        quote = self.exact if len(self.exact) <= 60 else self.exact[:59] + "…"
        return f"“{quote}” ({self.get_verdict_display().lower()})"

    @property
    def is_orphaned(self) -> bool:
        return self.anchor_state == self.AnchorState.ORPHANED


class Source(models.Model):
    Kind = SourceKind
    Stance = Stance

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sources")
    url = WebURLField()
    title = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    stance = models.CharField(max_length=16, choices=Stance.choices)
    quoted_text = models.TextField(blank=True, help_text="The passage of the source that bears on the claim.")
    accessed_on = models.DateField(null=True, blank=True)
    archived_url = WebURLField(blank=True, help_text="A copy in a web archive.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "pk"]
        constraints = [
            models.CheckConstraint(condition=web_url_check("url", blank=False), name="source_url_web"),
            models.CheckConstraint(condition=web_url_check("archived_url", blank=True), name="source_archived_url_web"),
            models.CheckConstraint(condition=choices_check("kind", SourceKind), name="source_kind_valid"),
            models.CheckConstraint(condition=choices_check("stance", Stance), name="source_stance_valid"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @classmethod
    def from_db(cls, db, field_names, values):
        source = super().from_db(db, field_names, values)
        # The claim it was read with: a source moved to another claim changes both claims' source_titles.
        source.loaded_claim_id = source.__dict__.get("claim_id")
        return source


class ArticleRevision(models.Model):
    """One correction of an article's text: what it was before, who changed it, what became of its claims."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="The text revision this correction produced.")
    previous_body_html = models.TextField()
    previous_body_text = models.TextField()
    previous_text_hash = models.CharField(max_length=64)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="article_revisions"
    )
    reason = models.CharField(max_length=300, blank=True)
    # {"anchored": n, "relocated": n, "changed": n, "orphaned": n, "claims": [{claim, state, ...}, ...]}
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=2), name="article_revision_number_after_first"),
        ]

    def __str__(self) -> str:
        return f"{self.article} — revision {self.number}"


class Review(models.Model):
    """One reviewer's decision on a claim. Reviews are never edited: they are the review trail."""

    Decision = ReviewDecision

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    # When the claim decided on had been submitted: the time to a decision is created_at - submitted_at.
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=choices_check("decision", ReviewDecision), name="review_decision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer} on claim {self.claim_id}"


class DismissedSuggestion(models.Model):
    """A suggested claim (annotations/suggest.py) that an editor set aside: hidden from the whole newsroom's list of
    suggestions for this text of the article. A revised text gets a fresh look: dismissals hold for one revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="dismissed_suggestions")
    text_revision = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "text_revision", "start", "end"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "text_revision", "start", "end"], name="dismissed_suggestion_unique"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="dismissed_suggestion_span_valid"),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.start} to {self.end} dismissed on {self.article} (revision {self.text_revision})"
