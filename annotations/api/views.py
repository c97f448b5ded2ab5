"""REST endpoints: parse the request, call a query or a service, present the result."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.http import JsonResponse
from django.http.response import HttpResponseBase
from django.views.defaults import page_not_found
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import assistance, queries, roles, services
from annotations.api import caching, exports, serializers
from annotations.api.filters import ClaimFilter, FilterBackend
from annotations.api.pagination import Pagination
from annotations.api.renderers import FastJSONRenderer
from annotations.availability import OutcomeUnknown, is_unavailable
from annotations.exports import w3c
from annotations.models import Article, Claim

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, description='The claim\'s ETag, as read (e.g. "claim-12-v3").'
)
_ETAG = re.compile(r'^(?:W/)?"?(?P<tag>[^"]*)"?$')


def claim_etag(claim: Claim) -> str:
    return f'"claim-{claim.pk}-v{claim.version}"'


def article_etag(article: Article) -> str:
    return f'"article-{article.pk}-r{article.text_revision}"'


def expected_version(request: Request, claim: Claim, body_version: int | None) -> int:
    """The version the client last read: from If-Match, else from the body's `version`; 428 without either."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        match = _ETAG.match(header.split(",")[0].strip())
        tag = match["tag"] if match else ""
        prefix = f"claim-{claim.pk}-v"
        if not tag.startswith(prefix) or not tag[len(prefix) :].isdigit():
            raise services.DomainError(
                f"If-Match must be the claim's ETag as you read it, like {claim_etag(claim)}.",
                code="precondition_failed",
            )
        return int(tag[len(prefix) :])
    if body_version is not None:
        return body_version
    raise services.DomainError(
        "Send the version you read: the If-Match header with the claim's ETag, or `version` in the body.",
        code="precondition_required",
    )


def in_transaction(write: Callable[[], Response]) -> Response:
    """Make a change and read the answer in one transaction, once the request is parsed and checked.

    The answer shows this change, not a later one. If anything fails before the commit, the change is rolled back:
    an error answer means nothing was kept, and a retry cannot make a duplicate. If the database fails during the
    commit itself, nobody can know whether it was kept: OutcomeUnknown (503, "outcome_unknown") says so.
    """
    committing = False
    try:
        with transaction.atomic():
            response = write()
            committing = True
    except Exception as error:
        if committing and is_unavailable(error):
            raise OutcomeUnknown from error
        raise
    return response


def claim_response(request: Request, claim: Claim, status_code: int = status.HTTP_200_OK) -> Response:
    """The claim as it now is, with its ETag."""
    claim = queries.claims_visible_to(request.user).get(pk=claim.pk)
    data = serializers.ClaimSerializer(claim, context={"request": request}).data
    return Response(data, status=status_code, headers={"ETag": claim_etag(claim)})


@extend_schema_view(
    list=extend_schema(summary="List articles with their claim counts"),
    retrieve=extend_schema(summary="An article with its text"),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = "[^/]+"  # any id reaches the view and gets a JSON 404, not Django's HTML one

    def get_queryset(self) -> QuerySet[Article]:
        return queries.articles_with_counts(self.request.user)

    def get_serializer_class(self):
        return serializers.ArticleDetailSerializer if self.action == "retrieve" else serializers.ArticleSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = article_etag(self.get_object())
        return response

    @extend_schema(
        summary="Revise the article's text; every claim is re-anchored",
        request=serializers.ArticleRevisionInputSerializer,
        responses={200: serializers.RevisionReportSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="The article's ETag.")],
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        article = self.get_object()
        given = serializers.ArticleRevisionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        expected = given.validated_data.get("text_revision")
        header = request.headers.get("If-Match", "").strip()
        if header:
            match = re.fullmatch(rf'(?:W/)?"?article-{article.pk}-r(\d+)"?', header)
            if not match:
                raise services.DomainError(
                    f"If-Match must be the article's ETag, like {article_etag(article)}.", code="precondition_failed"
                )
            expected = int(match[1])

        def revise() -> Response:
            report = services.revise_article(
                article,
                given.validated_data["body_html"],
                by=request.user,
                reason=given.validated_data.get("reason", ""),
                expected_revision=expected,
            )
            article.refresh_from_db()
            return Response(report.as_dict(), headers={"ETag": article_etag(article)})

        return in_transaction(revise)

    @extend_schema(
        summary="Sentences worth checking, with their reasons and likely speaker (newsroom only)",
        responses={200: serializers.SuggestionsSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        newsroom_only(self, request, "Suggestions")
        claimed = queries.claims_visible_to(request.user).filter(article=article).values_list("start", "end")
        found = assistance.suggestions(
            article.body_text, claimed=list(claimed), dismissed=queries.dismissed_suggestions(article)
        )
        return Response({"article": article.pk, "text_revision": article.text_revision, "suggestions": found})

    @extend_schema(
        summary="Dismiss a suggestion for the whole newsroom, for this text revision (editors)",
        request=serializers.DismissInputSerializer,
        responses={201: serializers.DismissalSerializer},
        methods=["POST"],
    )
    @extend_schema(
        summary="Show every dismissed suggestion of this text revision again (editors)",
        parameters=[serializers.RestoreInputSerializer],
        responses={200: OpenApiTypes.OBJECT},
        methods=["DELETE"],
    )
    @action(
        detail=True, methods=["post", "delete"], url_path="suggestions/dismissed", pagination_class=None,
        filter_backends=[],
    )  # fmt: skip
    def dismissed_suggestions(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        services.check_can_dismiss(request.user)  # a refusal says so before any detail of the input
        if request.method == "DELETE":
            # Only its own parameter: others in the query (?format=json) are not unknown fields of a body.
            given = serializers.RestoreInputSerializer(
                data={"text_revision": request.query_params.get("text_revision")}
            )
            given.is_valid(raise_exception=True)
            restored = services.restore_suggestions(article, by=request.user, **given.validated_data)
            return Response({"restored": restored})
        given = serializers.DismissInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        dismissal = services.dismiss_suggestion(article, by=request.user, **given.validated_data)
        by = dismissal.dismissed_by.get_username() if dismissal.dismissed_by else None
        return Response({"by": by, "at": dismissal.dismissed_at}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Who likely said the selected words, and why (newsroom only)",
        parameters=[serializers.SpanQuerySerializer],
        responses={200: serializers.SpeakerAnswerSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def speaker(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        newsroom_only(self, request, "Speaker guesses")
        span = serializers.SpanQuerySerializer(data=request.query_params, context={"text": article.body_text})
        span.is_valid(raise_exception=True)
        guess = assistance.speaker(article.body_text, span.validated_data["start"], span.validated_data["end"])
        return Response({"article": article.pk, "text_revision": article.text_revision, "speaker": guess})


def newsroom_only(view, request: Request, what: str) -> None:
    if not roles.sees_unpublished_claims(request.user):
        view.permission_denied(request, message=f"{what} are for the newsroom.")


@extend_schema_view(
    list=extend_schema(
        summary="List claims (filter, search, order, page)",
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag of an earlier answer: 304 Not Modified, with no body, while nothing has changed.",
            )
        ],
    ),
    retrieve=extend_schema(summary="A claim with its sources"),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.ClaimSerializer
    lookup_value_regex = "[^/]+"
    pagination_class = Pagination
    filter_backends = [FilterBackend]
    filterset_class = ClaimFilter

    def get_queryset(self) -> QuerySet[Claim]:
        return queries.claims_visible_to(self.request.user).order_by("article_id", "start", "end", "pk")

    def list(self, request: Request) -> HttpResponseBase:
        def build() -> Response:
            if request.query_params.get("q", "").strip():
                self.paginator.count_limit = self.paginator.search_count_limit
            claims = self.filter_queryset(self.get_queryset())
            rows = self.paginator.paginate_queryset(claims, request, view=self, read=queries.claim_rows)
            return self.get_paginated_response(serializers.claim_rows_json(rows, self.get_serializer_context()))

        return caching.kept_json(request, build)

    def get_renderers(self):
        # A single claim also comes as a W3C Web Annotation: Accept: application/ld+json.
        renderers = super().get_renderers()
        return [*renderers, AnnotationRenderer()] if self.action == "retrieve" else renderers

    def handle_exception(self, exc):
        # Errors are plain JSON, also when the claim was asked for as an annotation.
        if isinstance(getattr(self.request, "accepted_renderer", None), AnnotationRenderer):
            self.request.accepted_renderer, self.request.accepted_media_type = FastJSONRenderer(), "application/json"
        return super().handle_exception(exc)

    @extend_schema(
        responses={
            (200, "application/json"): serializers.ClaimSerializer,
            (200, w3c.PROFILE_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.OBJECT, description="A W3C Web Annotation"),
        }
    )
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        claim = self.get_object()
        headers = {"ETag": claim_etag(claim), "Vary": "Accept"}
        if isinstance(request.accepted_renderer, AnnotationRenderer):
            headers["ETag"] = "W/" + claim_etag(claim)  # another representation of the same version
            record, article = next(queries.export_records(Claim.objects.filter(pk=claim.pk)))
            document = w3c.annotation(record, article, exports.site_for(request))
            return Response(document, headers=headers, content_type=w3c.PROFILE_MEDIA_TYPE)
        return Response(self.get_serializer(claim).data, headers=headers)

    @extend_schema(
        summary="Create a claim", request=serializers.ClaimInputSerializer, responses={201: serializers.ClaimSerializer}
    )
    def create(self, request: Request) -> Response:
        services.check_can_create(request.user)  # a refusal says so before any detail of the input
        given = serializers.ClaimInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("version", None)
        article, revision = data.pop("article"), data.pop("article_revision", None)
        return in_transaction(lambda: claim_response(
            request, services.create_claim(article, by=request.user, expected_revision=revision, **data), 201
        ))  # fmt: skip

    @extend_schema(
        summary="Change a claim (needs If-Match or version)",
        request=serializers.ClaimInputSerializer,
        responses={200: serializers.ClaimSerializer},
        parameters=[IF_MATCH],
    )
    def partial_update(self, request: Request, pk: str, partial: bool = True) -> Response:
        claim = self.get_object()
        services.check_can_edit(claim, request.user)
        given = serializers.ClaimInputSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        if not partial:
            # PUT replaces the claim: what it leaves out is emptied (the anchor is kept unless given).
            changes = {"speaker": "", "note": "", "summary": "", "sources": [], **changes}
        version = expected_version(request, claim, changes.pop("version", None))
        expected_revision = changes.pop("article_revision", None)
        if changes.pop("article", claim.article) != claim.article:
            raise services.DomainError("A claim cannot move to another article.", field="article")
        return in_transaction(lambda: self._precondition(request, claim, lambda: services.update_claim(
            claim, by=request.user, version=version, changes=changes, expected_revision=expected_revision
        )))  # fmt: skip

    @extend_schema(summary="Replace a claim (needs If-Match or version)", request=serializers.ClaimInputSerializer,
                   responses={200: serializers.ClaimSerializer}, parameters=[IF_MATCH])  # fmt: skip
    def update(self, request: Request, pk: str) -> Response:
        return self.partial_update(request, pk, partial=False)

    @extend_schema(summary="Delete a claim (needs If-Match)", parameters=[IF_MATCH], responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        services.check_can_edit(claim, request.user)
        version = expected_version(request, claim, None)
        return in_transaction(lambda: self._precondition(
            request, claim, lambda: services.delete_claim(claim, by=request.user, version=version)
        ))  # fmt: skip

    def _precondition(self, request: Request, claim: Claim, change) -> Response:
        """Run a change; on a stale version answer 412 with the claim as it is now, so nothing is lost."""
        try:
            changed = change()
        except services.DomainError as error:
            if error.code != "precondition_failed":
                raise
            current = self.get_queryset().filter(pk=claim.pk).first()
            body = {"detail": error.message, "code": error.code}
            if current is not None:
                body["current"] = self.get_serializer(current).data
            headers = {"ETag": claim_etag(current)} if current is not None else {}
            return Response(body, status=status.HTTP_412_PRECONDITION_FAILED, headers=headers)
        return claim_response(request, changed) if changed is not None else Response(status=status.HTTP_204_NO_CONTENT)

    def _review(self, request: Request, pk: str, transition) -> Response:
        claim = self.get_object()
        given = serializers.CommentSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        comment = given.validated_data.get("comment", "")
        return in_transaction(lambda: claim_response(request, transition(claim, by=request.user, comment=comment)))

    @extend_schema(
        summary="Submit for review", request=serializers.CommentSerializer, responses={200: serializers.ClaimSerializer}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, services.submit_claim)

    @extend_schema(
        summary="Approve (reviewers)",
        request=serializers.CommentSerializer,
        responses={200: serializers.ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, services.approve_claim)

    @extend_schema(summary="Send back with a comment (reviewers)", request=serializers.CommentSerializer,
                   responses={200: serializers.ClaimSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, services.request_changes)

    @extend_schema(summary="Reopen an approved claim with a reason (reviewers)", request=serializers.CommentSerializer,
                   responses={200: serializers.ClaimSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._review(request, pk, services.reopen_claim)

    @extend_schema(
        methods=["GET"],
        summary="Passages of other articles that state the same thing (newsroom only)",
        responses={200: serializers.AlsoAppearsSerializer},
    )
    @extend_schema(
        methods=["POST"],
        summary="Mark the same claim in another article, reusing this one's verdict and sources (editors)",
        request=serializers.LinkInputSerializer,
        responses={201: serializers.ClaimSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="also-appears", pagination_class=None, filter_backends=[])
    def also_appears(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        newsroom_only(self, request, "Links across articles")
        if request.method == "POST":
            services.check_can_create(request.user)
            given = serializers.LinkInputSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            where = given.validated_data
            return in_transaction(lambda: claim_response(request, services.link_claim(
                claim, where["article"], start=where["start"], end=where["end"], by=request.user
            ), status.HTTP_201_CREATED))  # fmt: skip
        passages = assistance.also_appears(claim, queries.claims_visible_to(request.user))
        return Response({"claim": claim.pk, "passages": passages})

    @extend_schema(
        summary="Earlier claims that state what a text states, with their verdicts (newsroom only)",
        parameters=[serializers.SimilarQuerySerializer],
        responses={200: serializers.SimilarClaimsSerializer},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request: Request) -> Response:
        newsroom_only(self, request, "Similar claims")
        given = serializers.SimilarQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        claims = queries.claims_visible_to(request.user)
        return Response({"results": assistance.claims_like(given.validated_data["text"], claims)})

    @extend_schema(
        summary="Who changed what, oldest first (newsroom only)",
        responses={200: serializers.HistoryEntrySerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        if not roles.sees_unpublished_claims(request.user):
            # The review trail (reviewers' comments, earlier drafts) is the newsroom's own.
            self.permission_denied(request, message="A claim's history is visible to the newsroom only.")
        return Response(serializers.HistoryEntrySerializer(queries.claim_history(claim), many=True).data)


class SourceReuseView(APIView):
    """Sources already cited, for the claim form to offer as the editor types a URL or title."""

    @extend_schema(
        summary="Sources already cited whose URL, title or publisher contain q (newsroom only)",
        parameters=[serializers.SourceQuerySerializer],
        responses={200: serializers.ReusableSourcesSerializer},
    )
    def get(self, request: Request) -> Response:
        newsroom_only(self, request, "Earlier sources")
        given = serializers.SourceQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        return Response({"results": queries.reusable_sources(request.user, given.validated_data["q"])})


class AnnotationRenderer(FastJSONRenderer):
    """Matches Accept: application/ld+json with or without the profile; answers with the profile."""

    media_type = "application/ld+json"
    format = "jsonld"


def not_found(request, exception=None):
    """Django's 404 for paths no route matches: JSON under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)
