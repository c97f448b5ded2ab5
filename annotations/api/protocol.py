"""A W3C Web Annotation Protocol container (https://www.w3.org/TR/annotation-protocol/) at /annotations/.

Everyone who may read claims reads them here as annotations (anonymous readers: approved claims);
editors create, replace and delete them with a token or a session, under the same rules as the REST API
(services.py). A generic W3C client can therefore read and write our claims.

    GET/HEAD/OPTIONS /annotations/              the container: an AnnotationCollection (ldp:BasicContainer)
    GET /annotations/?page=N[&iris=1]           a page of annotations (or of their IRIs)
    POST /annotations/                          create (application/ld+json) -> 201, Location
    GET/HEAD/OPTIONS/PUT/DELETE /annotations/ID one annotation; PUT and DELETE need If-Match
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from annotations import queries, services
from annotations.api.exports import FormatFirstNegotiation, is_number, site_for
from annotations.api.parsers import JSONLDParser
from annotations.api.views import claim_etag, expected_version, in_transaction
from annotations.exports import stream, w3c
from annotations.exports.records import Site
from annotations.models import Claim

PAGE_SIZE = 100
LDP = "http://www.w3.org/ns/ldp#"
CONTAINER_LINKS = (
    f'<{LDP}BasicContainer>; rel="type", '
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
ANNOTATION_LINKS = f'<{LDP}Resource>; rel="type"'
PREFER_MINIMAL = LDP + "PreferMinimalContainer"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
CONTAINER_METHODS = "GET, HEAD, OPTIONS, POST"
ANNOTATION_METHODS = "GET, HEAD, OPTIONS, PUT, DELETE"


def hosts(request: Request) -> set[str]:
    """The names this site answers to: an article page URL on one of them is one of ours."""
    return {request.get_host(), urlsplit(settings.SITE_URL).netloc}


def jsonld(document: dict, *, status_code: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(stream.dumps(document), status=status_code, content_type=w3c.PROFILE_MEDIA_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class ProtocolView(APIView):
    parser_classes = [JSONLDParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatFirstNegotiation

    def claims(self) -> QuerySet[Claim]:
        return Claim.objects.filter(queries.visible_claims_filter(self.request.user))

    def read_body(self, request: Request) -> w3c.AnnotationInput:
        try:
            return w3c.read_annotation(request.data)
        except w3c.AnnotationError as error:
            raise ValidationError({error.field or "annotation": [str(error)]}) from None

    def annotation_of(self, claim: Claim, site: Site) -> dict:
        record, article = next(queries.export_records(Claim.objects.filter(pk=claim.pk)))
        return w3c.annotation(record, article, site)


@extend_schema(exclude=True)  # W3C protocol, documented in docs/api.md rather than in the REST schema
class ContainerView(ProtocolView):
    def get(self, request: Request) -> HttpResponse:
        site = site_for(request)
        claims = self.claims()
        stats = claims.aggregate(total=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
        total = stats["total"]
        last_page = max(0, -(-total // PAGE_SIZE) - 1)
        iris = request.query_params.get("iris") == "1" or PREFER_IRIS in request.headers.get("Prefer", "")
        page_param = request.query_params.get("page")
        base = site.container
        headers = {
            "Allow": CONTAINER_METHODS,
            "Vary": "Accept, Prefer",
            "Accept_Post": w3c.PROFILE_MEDIA_TYPE,
        }
        minimal = PREFER_MINIMAL in request.headers.get("Prefer", "")
        version = hashlib.sha256(
            json.dumps([total, str(stats["changed"]), stats["last"], iris, minimal, page_param]).encode()
        ).hexdigest()[:20]
        headers["ETag"] = f'"annotations-{version}"'
        if page_param is not None:
            if not is_number(page_param) or int(page_param) > last_page:
                raise ValidationError({"page": [f"Pages run from 0 to {last_page}."]})
            page = int(page_param)
            document = self._page(claims, site, page, last_page, total, iris=iris, embedded=False)
            return jsonld(document, Content_Location=document["id"], Link=ANNOTATION_LINKS, **headers)
        container_iri = base + ("?iris=1" if iris else "")
        first: str | dict = self._page_iri(0, iris)
        if not minimal and total:
            first = self._page(claims, site, 0, last_page, total, iris=iris, embedded=True)
        document = w3c.collection(
            iri=container_iri,
            label="Claims from Factcheck",
            total=total,
            first=first,
            last=self._page_iri(last_page, iris),
            container=True,
        )
        if minimal:
            headers["Preference-Applied"] = "return=representation"
        return jsonld(document, Content_Location=container_iri, Link=CONTAINER_LINKS, **headers)

    def _page_iri(self, page: int, iris: bool) -> str:
        site = site_for(self.request)
        return f"{site.container}?{'iris=1&' if iris else ''}page={page}"

    def _page(
        self, claims: QuerySet[Claim], site: Site, page: int, last_page: int, total: int, *, iris: bool, embedded: bool
    ) -> dict:
        ids = list(claims.order_by("pk").values_list("pk", flat=True)[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
        if iris:
            items: list = [site.annotation(pk) for pk in ids]
        else:
            records = queries.export_records(Claim.objects.filter(pk__in=ids))
            items = [w3c.annotation(claim, article, site, embedded=True) for claim, article in records]
        return w3c.page(
            iri=self._page_iri(page, iris),
            collection_iri=site.container + ("?iris=1" if iris else ""),
            total=total,
            start_index=page * PAGE_SIZE,
            items=items,
            next_iri=self._page_iri(page + 1, iris) if page < last_page else None,
            prev_iri=self._page_iri(page - 1, iris) if page > 0 else None,
            embedded=embedded,
        )

    def options(self, request: Request, *args, **kwargs) -> HttpResponse:
        response = HttpResponse(status=200)
        response["Allow"] = CONTAINER_METHODS
        response["Accept-Post"] = w3c.PROFILE_MEDIA_TYPE
        response["Link"] = CONTAINER_LINKS
        return response

    def post(self, request: Request) -> HttpResponse:
        services.check_can_create(request.user)
        given = self.read_body(request)
        return in_transaction(lambda: self.created(request, given))

    def created(self, request: Request, given: w3c.AnnotationInput) -> HttpResponse:
        # The client's own `id` is not kept (the server names the annotation); its `canonical` is, unchanged.
        claim, _ = services.claim_from_annotation(
            given, by=request.user, hosts=hosts(request), canonical=given.canonical
        )
        site = site_for(request)
        document = self.annotation_of(claim, site)
        claim.refresh_from_db()
        return jsonld(
            document,
            status_code=status.HTTP_201_CREATED,
            Location=document["id"],
            ETag=claim_etag(claim),
            Link=ANNOTATION_LINKS,
            Allow=ANNOTATION_METHODS,
            Vary="Accept",
        )


_ID = re.compile(r"[0-9]{1,18}")


@extend_schema(exclude=True)
class AnnotationView(ProtocolView):
    def get_claim(self, pk: str) -> Claim:
        if not _ID.fullmatch(pk):
            raise Http404
        return get_object_or_404(self.claims(), pk=int(pk))

    def respond(self, claim: Claim, status_code: int = 200) -> HttpResponse:
        document = self.annotation_of(claim, site_for(self.request))
        return jsonld(
            document,
            status_code=status_code,
            ETag=claim_etag(claim),
            Link=ANNOTATION_LINKS,
            Allow=ANNOTATION_METHODS,
            Vary="Accept",
        )

    def get(self, request: Request, pk: str) -> HttpResponse:
        return self.respond(self.get_claim(pk))

    def options(self, request: Request, *args, **kwargs) -> HttpResponse:
        response = HttpResponse(status=200)
        response["Allow"] = ANNOTATION_METHODS
        response["Link"] = ANNOTATION_LINKS
        return response

    def put(self, request: Request, pk: str) -> HttpResponse:
        claim = self.get_claim(pk)
        services.check_can_edit(claim, request.user)
        version = expected_version(request, claim, None)
        given = self.read_body(request)
        return in_transaction(lambda: self.replaced(request, claim, given, version))

    def replaced(self, request: Request, claim: Claim, given: w3c.AnnotationInput, version: int) -> HttpResponse:
        try:
            updated = services.update_claim_from_annotation(
                claim, given, by=request.user, version=version, hosts=hosts(request)
            )
        except services.DomainError as error:
            if error.code != "precondition_failed":
                raise
            current = self.claims().filter(pk=claim.pk).first()
            response = JsonResponse({"detail": error.message, "code": error.code}, status=412)
            if current is not None:
                response["ETag"] = claim_etag(current)
            return response
        return self.respond(updated)

    def delete(self, request: Request, pk: str) -> HttpResponse:
        claim = self.get_claim(pk)
        services.check_can_edit(claim, request.user)
        version = expected_version(request, claim, None)
        return in_transaction(lambda: self.deleted(request, claim, version))

    def deleted(self, request: Request, claim: Claim, version: int) -> HttpResponse:
        services.delete_claim(claim, by=request.user, version=version)
        return HttpResponse(status=status.HTTP_204_NO_CONTENT)
