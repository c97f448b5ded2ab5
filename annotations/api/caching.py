"""Kept and conditional answers for the API's lists (annotations/freshness.py explains when an answer is kept).

A list's JSON answer carries an ETag made of the data version and what the answer depends on (who may see drafts,
the URL, the JSON variant asked for). A client that sends it back in If-None-Match gets 304 Not Modified while
nothing has changed, without the list being read at all; any other request for the same answer at the same data
version gets the JSON kept from the first, byte for byte. Errors and other renderers (the browsable API) are
never kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import freshness
from annotations.api.renderers import FastJSONRenderer

MAX_KEPT_BYTES = 1024 * 1024


def kept_json(request: Request, build: Callable[[], Response]) -> HttpResponseBase:
    """build()'s answer, or the same answer kept from an earlier request while the data has not changed."""
    if request.method not in ("GET", "HEAD") or not isinstance(request.accepted_renderer, FastJSONRenderer):
        return build()
    audience = freshness.audience(request.user)
    found = freshness.key("api", audience, request.build_absolute_uri(), request.accepted_media_type)
    if found is None:
        return build()
    if _matches(request.headers.get("If-None-Match", ""), found.etag):
        return _validators(HttpResponseNotModified(), found, audience)
    kept = freshness.get(found)
    if kept is not None:
        content_type, body = kept
        return _validators(HttpResponse(body, content_type=content_type), found, audience)
    response = build()
    if response.status_code == 200:
        response.add_post_render_callback(lambda rendered: _keep(found, rendered))
        _validators(response, found, audience)
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison: W/"x" matches "x". A * gets the full answer: whether the URL has one (and not
    a 400 or 404) is only known by building it."""
    return etag in [tag.removeprefix("W/") for tag in parse_etags(if_none_match)]


def _keep(found: freshness.Key, rendered: HttpResponse) -> None:
    if len(rendered.content) <= MAX_KEPT_BYTES:
        freshness.put(found, (rendered["Content-Type"], rendered.content))


def _validators(response: HttpResponseBase, found: freshness.Key, audience: str) -> HttpResponseBase:
    """The ETag, and the rule that a client or proxy must ask again before reusing its copy."""
    response["ETag"] = found.etag
    response["Cache-Control"] = "private, no-cache" if audience == "newsroom" else "no-cache"
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response
