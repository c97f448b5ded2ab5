"""A JSON parser that answers 400, never 500, to input Python's json module accepts but we cannot store."""

from __future__ import annotations

import re
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class StrictJSONParser(JSONParser):
    """Refuse deeply nested documents, NUL characters and lone surrogates at parse time.

    Python's json raises RecursionError on very deep nesting (DRF lets it escape as a 500); NUL cannot be
    stored in PostgreSQL text and a lone surrogate cannot be encoded to UTF-8.
    """

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply.") from None
        check_storable(data)
        return data


def check_storable(value: Any) -> None:
    """ParseError if the parsed JSON holds what we cannot store: NUL, lone surrogates, deep nesting."""
    _check(value, depth=0)


def _check(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise ParseError("Text may not contain NUL characters or unpaired surrogates.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class JSONLDParser(StrictJSONParser):
    """W3C Web Annotations arrive as application/ld+json (with or without the anno.jsonld profile)."""

    media_type = "application/ld+json"
