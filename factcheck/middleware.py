"""A page asked for while the database is unreachable gets 503 with Retry-After, not Django's 500 page.

The API answers the same in JSON (annotations/api/exceptions.py); annotations/availability.py says which errors
mean unreachable. Nothing here touches the database: the session and the user behind a template would need it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from annotations.availability import RETRY_AFTER, is_unavailable

logger = logging.getLogger(__name__)

PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Back in a moment · Factcheck</title>'
    "<h1>Back in a moment</h1><p>Factcheck cannot reach its database just now. Reload the page shortly; "
    "if you were saving, check afterwards that your change is there.</p></html>"
)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG or not is_unavailable(exception):
            return None  # Django's debug page, or a 500 with its traceback: a bug, not an outage
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        response = HttpResponse(PAGE, status=503)
        response["Retry-After"] = RETRY_AFTER
        return response
