"""Export endpoints: every visible claim that matches the list's filters, streamed in an open format.

GET /api/v1/export/annotations.jsonld   W3C AnnotationCollection (paged; ?page=all streams every claim)
GET /api/v1/export/claimreview.jsonld   schema.org ClaimReview of the approved claims (streamed)
GET /api/v1/export/claims.csv           one row per claim (streamed)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from annotations import queries
from annotations.api.filters import ClaimFilter
from annotations.exports import stream, w3c
from annotations.exports.records import Site
from annotations.models import Claim

PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


def site_for(request: Request) -> Site:
    """IRIs on the host the client used (FACTCHECK_SITE_URL when there is no request: the command)."""
    return Site(
        base_url=request.build_absolute_uri("/").rstrip("/"),
        publisher_name=settings.PUBLISHER_NAME,
        publisher_url=settings.PUBLISHER_URL,
    )


class FormatFirstNegotiation(DefaultContentNegotiation):
    """An export has one format whatever Accept says; errors are JSON. Request bodies are matched as usual."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportFilter(ClaimFilter):
    """The claim list's filters; exports come in id order, so `ordering` is not one of them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("ordering")


FILTER_PARAMETERS = [
    OpenApiParameter(name, str, description=f"As on the claim list: {help_text}")
    for name, help_text in [
        ("article", "an article id."),
        ("verdict", "attributed, disputed or verified."),
        ("review_state", "draft, pending, approved or changes_requested."),
        ("anchor_state", "anchored, relocated or orphaned."),
        ("speaker", "part of the speaker's name."),
        ("created_by", "a username."),
        ("q", "words in the quote, note, speaker or source titles."),
        ("updated_after", "claims changed after this ISO 8601 time."),
    ]
]


class ExportView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatFirstNegotiation

    def claims(self, request: Request) -> QuerySet[Claim]:
        filters = ExportFilter(request.query_params, queryset=queries.claims_visible_to(request.user))
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        # The export reads its own columns (queries.export_records); the list's prefetches are not needed.
        return filters.qs.select_related(None).prefetch_related(None)


class AnnotationsExport(ExportView):
    @extend_schema(
        summary="Claims as a W3C Web Annotation collection",
        description="Without `page`: the AnnotationCollection (`total`, `first`, `last`). `page=N` (from 1): an "
        "AnnotationPage of `page_size` annotations (up to 1000). `page=all`: the collection with every annotation "
        "in one embedded page, streamed.",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("page", str, description="A page number from 1, or `all`."),
            OpenApiParameter("page_size", int, description="Annotations per page (100; at most 1000)."),
        ],
        responses={(200, w3c.PROFILE_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request: Request) -> HttpResponse:
        claims, site = self.claims(request), site_for(request)
        iri = collection_iri(request)
        total = claims.count()
        page, size = page_params(request)
        if page == "all":
            body = stream.w3c_collection(
                queries.export_records(claims), site, iri=iri, label=COLLECTION_LABEL, total=total
            )
            return jsonld_stream(body, w3c.PROFILE_MEDIA_TYPE)
        last = max(1, -(-total // size))
        if page is None:
            document = w3c.collection(
                iri=iri,
                label=COLLECTION_LABEL,
                total=total,
                first=page_iri(iri, 1, size),
                last=page_iri(iri, last, size),
            )
            return jsonld_stream(iter([stream.dumps(document).encode()]), w3c.PROFILE_MEDIA_TYPE)
        if page > last:
            raise ValidationError({"page": [f"There are {last} pages of {size}."]})
        start = (page - 1) * size
        # Ids of the page first (an index scan), then the records of just those claims.
        ids = list(claims.order_by("pk").values_list("pk", flat=True)[start : start + size])
        records = queries.export_records(Claim.objects.filter(pk__in=ids))
        document = w3c.page(
            iri=page_iri(iri, page, size),
            collection_iri=iri,
            total=total,
            start_index=start,
            items=stream.ITEMS,  # type: ignore[arg-type]
            next_iri=page_iri(iri, page + 1, size) if page < last else None,
            prev_iri=page_iri(iri, page - 1, size) if page > 1 else None,
        )
        items = (w3c.annotation(claim, article, site, embedded=True) for claim, article in records)
        return jsonld_stream(stream.json_document(document, items), w3c.PROFILE_MEDIA_TYPE)


COLLECTION_LABEL = "Claims from Factcheck"


def collection_iri(request: Request) -> str:
    """The export's own address with its filters, without paging."""
    params = request.query_params.copy()
    for name in ("page", "page_size"):
        params.pop(name, None)
    query = params.urlencode()
    return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")


def page_iri(collection: str, page: int, size: int) -> str:
    joiner = "&" if "?" in collection else "?"
    suffix = "" if size == PAGE_SIZE else f"&page_size={size}"
    return f"{collection}{joiner}page={page}{suffix}"


def page_params(request: Request) -> tuple[int | str | None, int]:
    given_page, given_size = request.query_params.get("page"), request.query_params.get("page_size")
    size = PAGE_SIZE
    if given_size is not None:
        if not is_number(given_size) or not 1 <= int(given_size) <= MAX_PAGE_SIZE:
            raise ValidationError({"page_size": [f"A number from 1 to {MAX_PAGE_SIZE}."]})
        size = int(given_size)
    if given_page is None or given_page == "all":
        return given_page, size
    if not is_number(given_page) or int(given_page) < 1:
        raise ValidationError({"page": ["A page number from 1, or `all`."]})
    return int(given_page), size


def is_number(value: str) -> bool:
    """ASCII digits only: str.isdigit() is true for "²", which int() refuses."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def primed(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The stream with its first chunk already made: the first query runs before the 200 goes out, so
    a failure there is an error answer, not a 200 cut short."""
    first = next(chunks, b"")
    return itertools.chain([first], chunks)


def jsonld_stream(body: Iterator[bytes], content_type: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(primed(body), content_type=content_type)


class ClaimReviewExport(ExportView):
    @extend_schema(
        summary="Approved claims as schema.org ClaimReview",
        description='One JSON-LD document, `{"@context": "https://schema.org", "@graph": [...]}`, streamed.',
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request: Request) -> HttpResponse:
        claims = self.claims(request).filter(review_state=Claim.ReviewState.APPROVED)
        return jsonld_stream(
            stream.claim_reviews(queries.export_records(claims, appearances=True), site_for(request)),
            "application/ld+json",
        )


class CSVExport(ExportView):
    @extend_schema(
        summary="Claims as CSV",
        description="One row per claim; formulas are neutralised. UTF-8 with a byte-order mark.",
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request) -> HttpResponse:
        response = StreamingHttpResponse(
            primed(stream.csv_rows(queries.export_records(self.claims(request)), site_for(request))),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        return response
