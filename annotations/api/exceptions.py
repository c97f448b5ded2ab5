"""Domain errors become HTTP answers: 400 with the field, 403, 404, 409, 412, 428; never a 500."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.services import DomainError

STATUS_BY_CODE = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
    "conflict": status.HTTP_409_CONFLICT,
    "precondition_failed": status.HTTP_412_PRECONDITION_FAILED,
    "precondition_required": status.HTTP_428_PRECONDITION_REQUIRED,
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {exc.field: [exc.message]} if exc.field and exc.code == "invalid" else {"detail": exc.message}
        body["code"] = exc.code
        return Response(body, status=STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST))
    return drf_exception_handler(exc, context)
