"""OpenAPI: every operation documents the error answers it can give, so the schema tells the whole truth."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "type": "object",
    "description": '`detail` and `code`, or for 400 the fields and their messages: {"exact": ["..."]}.',
    "additionalProperties": True,
}
ERRORS = {
    "400": "Bad input: each field with its messages.",
    "401": "No valid credentials (writes and newsroom-only reads).",
    "403": "Not allowed for your role, or no CSRF token with a session.",
    "404": "No such object (or one you may not see), or no such page.",
    "409": "Refused in the claim's current state (approved claims are locked), or the article was revised.",
    "412": "If-Match (or version) is not the current ETag; `current` holds the claim as it is now.",
    "428": "Send If-Match or version.",
}
# Which errors each kind of operation can answer.
READ_ERRORS = ("400", "401", "404")
WRITE_ERRORS = ("400", "401", "403", "404", "409")
LOCKED_WRITE_ERRORS = (*WRITE_ERRORS, "412", "428")


class FactcheckAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response"):
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        if method == "GET":
            codes = READ_ERRORS
        elif method in {"PUT", "DELETE"} or (method == "PATCH" and "claims" in self.path):
            codes = LOCKED_WRITE_ERRORS
        elif method == "PATCH":
            codes = (*WRITE_ERRORS, "412")
        else:
            codes = WRITE_ERRORS
        for code in codes:
            responses.setdefault(
                code, {"content": {"application/json": {"schema": ERROR_BODY}}, "description": ERRORS[code]}
            )
        return responses
