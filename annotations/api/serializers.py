"""Shapes of the API's JSON. Serializers check shape and types; services.py enforces the rules."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations import roles
from annotations.models import Article, Claim, Source
from annotations.queries import ClaimRow, SourceRow


class StrictFieldsMixin:
    """Unknown fields are an error, not silently dropped: a typo or a forged `review_state` is refused."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in sorted(unknown)})
        return super().to_internal_value(data)


class SourceSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Give the id of an existing source to keep it.")

    class Meta:
        model = Source
        fields = ["id", "url", "title", "publisher", "kind", "stance", "quoted_text", "accessed_on", "archived_url"]


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as clients read it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:claim-detail")
    sources = SourceSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    article_revision = serializers.IntegerField(
        source="anchored_revision", read_only=True, help_text="The article text revision the offsets refer to."
    )
    same_as = serializers.IntegerField(
        source="same_as_id", read_only=True, allow_null=True,
        help_text="The claim in another article that this one states again (linked with also-appears), or null. "
        "Readers outside the newsroom see it once that claim is approved.",
    )  # fmt: skip

    class Meta:
        model = Claim
        fields = [
            "id", "url", "article", "start", "end", "exact", "prefix", "suffix", "anchor_state", "article_revision",
            "verdict", "speaker", "summary", "note", "review_state", "sources", "created_by", "updated_by",
            "created_at", "updated_at", "approved_at", "version", "same_as",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, claim: Claim) -> dict:
        """The same JSON as the declared fields (which the schema documents), built directly.

        DRF's generic path (a field object per value, a reverse() per URL) cost about 0.15 ms per claim,
        most of an article page with 500 claims; this builds the dict in a few microseconds.
        """
        return claim_json(
            claim,
            created_by=claim.created_by.get_username(),
            updated_by=claim.updated_by.get_username(),
            sources=claim.sources.all(),
            context=self.context,
        )


def claim_json(claim: Claim | ClaimRow, *, created_by: str, updated_by: str, sources, context: dict) -> dict:
    """A claim's JSON from a Claim or a ClaimRow (queries.claim_rows), which have the same attributes."""
    base = context.get("claim_url_base")
    if base is None:  # once per list (setdefault would call reverse() for every claim)
        base = context["claim_url_base"] = _claim_url_base(context.get("request"))
    return {
        "id": claim.pk,
        "url": f"{base}{claim.pk}/",
        "article": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "exact": claim.exact,
        "prefix": claim.prefix,
        "suffix": claim.suffix,
        "anchor_state": claim.anchor_state,
        "article_revision": claim.anchored_revision,
        "verdict": claim.verdict,
        "speaker": claim.speaker,
        "summary": claim.summary,
        "note": claim.note,
        "review_state": claim.review_state,
        "sources": [_source_json(source) for source in sources],
        "created_by": created_by,
        "updated_by": updated_by,
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
        "approved_at": _iso(claim.approved_at) if claim.approved_at else None,
        "version": claim.version,
        "same_as": _same_as(claim, context),
    }


def _same_as(claim: Claim | ClaimRow, context: dict) -> int | None:
    """The claim this one states again, if the reader may see that one: the newsroom always, anyone else once it is
    approved (a draft's id is not published)."""
    if claim.same_as_id is None:
        return None
    newsroom = context.get("sees_unpublished")
    if newsroom is None:  # once per list
        request = context.get("request")
        newsroom = context["sees_unpublished"] = roles.sees_unpublished_claims(getattr(request, "user", None))
    if newsroom:
        return claim.same_as_id
    if isinstance(claim, ClaimRow):
        state = claim.same_as_state
    else:
        state = Claim.objects.filter(pk=claim.same_as_id).values_list("review_state", flat=True).first()
    return claim.same_as_id if state == Claim.ReviewState.APPROVED else None


def claim_rows_json(rows: list[ClaimRow], context: dict) -> list[dict]:
    return [
        claim_json(
            row,
            created_by=row.created_by_username,
            updated_by=row.updated_by_username,
            sources=row.sources,
            context=context,
        )
        for row in rows
    ]


def _claim_url_base(request) -> str:
    path = reverse("api:claim-list")
    return request.build_absolute_uri(path) if request is not None else path


def _iso(value) -> str:
    """DRF's ISO 8601 rendering of an aware UTC datetime."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _source_json(source: Source | SourceRow) -> dict:
    return {
        "id": source.pk,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "kind": source.kind,
        "stance": source.stance,
        "quoted_text": source.quoted_text,
        "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None,
        "archived_url": source.archived_url,
    }


class ClaimInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a client may send to create or change a claim. Offsets, a quote, or both locate it."""

    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all(), help_text="Required to create.")
    start = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    end = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    exact = serializers.CharField(required=False, trim_whitespace=False, max_length=20_000)
    prefix = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=64)
    suffix = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=64)
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
    speaker = serializers.CharField(required=False, allow_blank=True, max_length=200)
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The claim in one short line (about 75 characters), for ClaimReview's claimReviewed.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    sources = SourceSerializer(many=True, required=False, max_length=50)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you read (or send If-Match)."
    )
    article_revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The article text revision your offsets were computed on."
    )


class CommentSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5_000)


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail")
    # May be empty, which is not a URI: documented as a plain string.
    source_url = serializers.CharField(read_only=True, help_text="The original's http(s) URL, or empty when unknown.")
    claim_counts = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "url", "title", "slug", "byline", "publisher", "published_on", "source_url", "text_revision",
            "text_hash", "claim_counts", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "total": {"type": "integer"},
                "by_verdict": {"type": "object", "additionalProperties": {"type": "integer"}},
                "by_review_state": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
        }
    )
    def get_claim_counts(self, article: Article) -> dict:
        return {
            "total": article.claim_count,
            "by_verdict": {verdict: getattr(article, f"verdict_{verdict}") for verdict in Claim.Verdict.values},
            "by_review_state": {state: getattr(article, f"state_{state}") for state in Claim.ReviewState.values},
        }


class ArticleDetailSerializer(ArticleSerializer):
    page = serializers.SerializerMethodField(help_text="The article's page in the editor.")

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "page", "body_html", "body_text"]
        read_only_fields = fields

    def get_page(self, article: Article) -> str:
        return self.context["request"].build_absolute_uri(reverse("web:article-detail", args=[article.slug]))


class ArticleRevisionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    body_html = serializers.CharField(trim_whitespace=False, max_length=2_000_000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    text_revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The revision you corrected (or send If-Match)."
    )


class RevisionReportSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    revision = serializers.IntegerField()
    changed = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    claims = serializers.ListField(child=serializers.DictField())


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_null=True)
    changes = serializers.ListField(child=serializers.DictField())
    version = serializers.IntegerField()


class SpanQuerySerializer(serializers.Serializer):
    """A selection of the article's text, in code points (as claims' offsets)."""

    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)

    def validate(self, data: dict) -> dict:
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": ["end must be after start."]})
        if data["end"] > len(self.context["text"]):
            raise serializers.ValidationError(
                {"end": [f"The article's text has {len(self.context['text'])} characters."]}
            )
        return data


class EvidenceSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    exact = serializers.CharField()


class SpeakerGuessSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The full name, as the article first gives it.")
    score = serializers.FloatField(help_text="0 to 1.")
    rule = serializers.CharField(help_text="Which rule decided.")
    reason = serializers.CharField(help_text="The rule and the words that decided, in plain English.")
    evidence = EvidenceSerializer(help_text="The attribution's words in the article's text.")


class SpeakerAnswerSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    text_revision = serializers.IntegerField()
    speaker = SpeakerGuessSerializer(allow_null=True)


class DismissalSerializer(serializers.Serializer):
    by = serializers.CharField(allow_null=True, help_text="The username of the editor who dismissed it.")
    at = serializers.DateTimeField()


class DismissInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A suggestion to set aside (its span) in the text revision the editor saw."""

    start = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    text_revision = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The revision the offsets refer to."
    )

    def validate(self, data: dict) -> dict:
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": ["The end must come after the start."]})
        return data


class RestoreInputSerializer(StrictFieldsMixin, serializers.Serializer):
    text_revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class SuggestionSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    exact = serializers.CharField()
    score = serializers.FloatField(help_text="0 to 1: the rules that fired, combined.")
    kinds = serializers.ListField(child=serializers.CharField(), help_text="The rules that fired.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why each rule fired, with the words.")
    speaker = SpeakerGuessSerializer(allow_null=True)
    dismissed = DismissalSerializer(allow_null=True, help_text="Who set it aside and when, or null.")


class SuggestionsSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    text_revision = serializers.IntegerField(help_text="The text revision the offsets refer to.")
    suggestions = SuggestionSerializer(many=True)


class SourceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=2, max_length=200, help_text="At least 2 characters of a URL, title or publisher."
    )


class ReusableSourceSerializer(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    uses = serializers.IntegerField(help_text="How many sources cite this URL.")


class ReusableSourcesSerializer(serializers.Serializer):
    results = ReusableSourceSerializer(many=True)


class LinkInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A passage of another article where the same claim appears."""

    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all())
    start = serializers.IntegerField(min_value=0, max_value=10**9)
    end = serializers.IntegerField(min_value=1, max_value=10**9)


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


class MarkingClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verdict = serializers.CharField()
    linked = serializers.BooleanField(help_text="It is this same claim, linked (same_as).")


class PassageSerializer(serializers.Serializer):
    article = ArticleRefSerializer()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    exact = serializers.CharField()
    score = serializers.FloatField(
        help_text="0 to 1: how much of what matters the two texts share, or how close they are in meaning (the higher)."
    )
    shared = serializers.ListField(
        child=serializers.CharField(), help_text="The words that matched, most telling first."
    )
    meaning = serializers.FloatField(
        allow_null=True,
        help_text="The optional model's similarity in meaning (FACTCHECK_SIMILARITY=meaning); null when not compared.",
    )
    reason = serializers.CharField()
    claims = MarkingClaimSerializer(many=True, help_text="Claims already marking these words there.")


class AlsoAppearsSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    passages = PassageSerializer(many=True)


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(min_length=3, max_length=20_000, help_text="The new claim's words.")


class SimilarClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField()
    exact = serializers.CharField()
    verdict = serializers.CharField()
    review_state = serializers.CharField()
    speaker = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()
    shared = serializers.ListField(child=serializers.CharField())
    meaning = serializers.FloatField(
        allow_null=True,
        help_text="The optional model's similarity in meaning (FACTCHECK_SIMILARITY=meaning); null when not compared.",
    )
    reason = serializers.CharField()


class SimilarClaimsSerializer(serializers.Serializer):
    results = SimilarClaimSerializer(many=True)
