"""Domain errors become HTTP answers: 400 with the field, 403, 404, 409, 412, 413, 428, 503; never a 500."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.availability import RETRY_AFTER, OutcomeUnknown, is_unavailable
from annotations.services import DomainError

logger = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
    "conflict": status.HTTP_409_CONFLICT,
    "precondition_failed": status.HTTP_412_PRECONDITION_FAILED,
    "precondition_required": status.HTTP_428_PRECONDITION_REQUIRED,
}


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Django would answer its HTML 400 page; an API client needs to know the body itself was the problem.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024 // 1024
        body = {"detail": f"The request body is larger than the {limit} MB the API accepts.", "code": "too_large"}
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, OutcomeUnknown):
        logger.warning("The database failed while committing: %s", exc.__cause__)
        body = {
            "detail": "The database failed while saving: your change may or may not have been kept. "
            "Read it before sending it again.",
            "code": "outcome_unknown",
        }
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER})
    if is_unavailable(exc):
        # The database is down, restarting or overloaded: say so, and when to try again, instead of a bare 500.
        logger.warning("Database unavailable: %s", exc)
        body = {"detail": "The database is unavailable for a moment. Try again shortly.", "code": "unavailable"}
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER})
    if isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field and exc.code == "invalid" else {"detail": exc.message}
        body["code"] = exc.code
        return Response(body, status=STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST))
    return drf_exception_handler(exc, context)
