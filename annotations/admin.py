"""The admin: every model, with filters, search, sources inline on claims, and change history."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from annotations import services
from annotations.models import Article, ArticleRevision, Claim, DismissedSuggestion, Review, Source


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    fields = ["number", "revised_by", "reason", "outcome", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, article=None) -> bool:
        return False

    @admin.display(description="claims")
    def outcome(self, revision: ArticleRevision) -> str:
        counts = revision.report.get("counts", {})
        return ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "none"


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "slug", "byline", "publisher", "published_on", "source_url", "body_html"]

    def clean_body_html(self) -> str:
        body_html = self.cleaned_data["body_html"]
        try:
            services.article_text_fields(body_html)
        except services.DomainError as error:
            raise ValidationError(error.message) from None
        return body_html


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleForm
    list_display = ["title", "publisher", "published_on", "claim_total", "updated_at"]
    list_filter = ["publisher", "published_on"]
    search_fields = ["title", "byline", "publisher", "source_url", "body_text"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["body_text", "text_revision", "text_hash", "created_at", "updated_at"]
    date_hierarchy = "published_on"

    @admin.display(description="claims", ordering="claim_count")
    def claim_total(self, article: Article) -> int:
        return article.claim_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    inlines = [ArticleRevisionInline]

    def save_model(self, request, article: Article, form, change: bool) -> None:
        """A new body is a revision: sanitized, and every claim re-anchored (services.revise_article)."""
        revised_html = article.body_html if change and "body_html" in form.changed_data else None
        if revised_html is not None:
            article.body_html = Article.objects.values_list("body_html", flat=True).get(pk=article.pk)
        elif not change:
            for name, value in services.article_text_fields(article.body_html).items():
                setattr(article, name, value)
        article._history_user = request.user
        super().save_model(request, article, form, change)
        if revised_html is not None:
            report = services.revise_article(article, revised_html, by=request.user, reason="Edited in the admin")
            counts = ", ".join(f"{n} {state}" for state, n in report.counts().items() if n)
            self.message_user(request, f"Revision {report.revision} saved; claims re-anchored: {counts or 'none'}.")


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0
    fields = [("url", "title"), ("publisher", "kind", "stance"), "quoted_text", ("accessed_on", "archived_url")]


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["reviewer", "decision", "comment", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, claim=None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["short_quote", "article", "verdict", "speaker", "review_state", "anchor_state", "updated_at"]
    list_filter = ["verdict", "review_state", "anchor_state", "article", "created_by"]
    search_fields = ["exact", "speaker", "note", "sources__title", "article__title"]
    list_select_related = ["article"]
    readonly_fields = [
        "article", "start", "end", "exact", "prefix", "suffix", "anchor_state", "anchored_revision", "review_state",
        "created_by", "updated_by", "created_at", "updated_at", "version", "same_as",
    ]  # fmt: skip
    fields = [
        "article", ("start", "end", "anchor_state", "anchored_revision"), "exact", ("prefix", "suffix"),
        ("verdict", "review_state"), "speaker", "note", "same_as",
        ("created_by", "created_at"), ("updated_by", "updated_at"), "version",
    ]  # fmt: skip
    # The anchor comes from selecting words in the article, and the review state changes only through
    # the review workflow (submit, approve, send back), so neither is edited by hand here.
    inlines = [SourceInline, ReviewInline]
    history_list_display = ["verdict", "review_state", "anchor_state", "speaker"]

    @admin.display(description="quote", ordering="exact")
    def short_quote(self, claim: Claim) -> str:
        return str(claim)

    def has_add_permission(self, request) -> bool:
        # A claim is made by selecting its words in the article; its anchor is never typed by hand.
        return False

    def has_change_permission(self, request, claim: Claim | None = None) -> bool:
        return super().has_change_permission(request, claim) and (claim is None or _may_edit(claim, request.user))

    def has_delete_permission(self, request, claim: Claim | None = None) -> bool:
        return super().has_delete_permission(request, claim) and (claim is None or _may_edit(claim, request.user))

    def save_model(self, request, claim: Claim, form, change: bool) -> None:
        claim.updated_by = request.user
        claim.version += 1
        super().save_model(request, claim, form, change)


def _may_edit(claim: Claim, user) -> bool:
    """The same rule as the API and the pages: own drafts for editors, anything not approved for admins."""
    try:
        services.check_can_edit(claim, user)
    except services.DomainError:
        return False
    return True


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "publisher", "kind", "stance", "claim"]
    list_filter = ["kind", "stance"]
    search_fields = ["url", "title", "publisher", "quoted_text"]
    list_select_related = ["claim"]
    raw_id_fields = ["claim"]

    def has_change_permission(self, request, source: Source | None = None) -> bool:
        allowed = super().has_change_permission(request, source)
        return allowed and (source is None or _may_edit(source.claim, request.user))

    def has_delete_permission(self, request, source: Source | None = None) -> bool:
        allowed = super().has_delete_permission(request, source)
        return allowed and (source is None or _may_edit(source.claim, request.user))


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["claim", "reviewer", "decision", "created_at"]
    list_filter = ["decision", "reviewer"]
    search_fields = ["comment", "claim__exact"]
    list_select_related = ["claim", "reviewer"]
    readonly_fields = ["claim", "reviewer", "decision", "comment", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, review=None) -> bool:
        return False


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "revised_by", "reason", "created_at"]
    list_filter = ["revised_by"]
    search_fields = ["article__title", "reason"]
    list_select_related = ["article", "revised_by"]
    readonly_fields = [
        "article", "number", "revised_by", "reason", "created_at", "previous_text_hash", "previous_body_text",
        "previous_body_html", "report",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, revision=None) -> bool:
        return False


@admin.register(DismissedSuggestion)
class DismissedSuggestionAdmin(admin.ModelAdmin):
    """Suggestions editors set aside; deleting one here shows it again in the editor."""

    list_display = ["article", "text_revision", "start", "end", "dismissed_by", "dismissed_at"]
    list_filter = ["dismissed_by"]
    search_fields = ["article__title"]
    list_select_related = ["article", "dismissed_by"]
    readonly_fields = ["article", "text_revision", "start", "end", "dismissed_by", "dismissed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, dismissal=None) -> bool:
        return False
