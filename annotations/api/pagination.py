"""Page-number pagination whose cost does not grow with the table.

DRF's PageNumberPagination counts every matching row on every request (`SELECT COUNT(*)`): on a million claims
that was 44 of the 47 ms of SQL behind one page of the claim list. Here:

- the page is read with one row more than it shows, which says whether there is a next page;
- when that is the last page, the count is known without a query (the rows before it and on it);
- otherwise the rows are counted up to COUNT_LIMIT (SEARCH_COUNT_LIMIT for a word search) (`SELECT COUNT(*) FROM (… LIMIT 10001)`), which costs the
  same for 20,000 claims or for 2,000,000;
- beyond that, `count` is PostgreSQL's planner estimate of the matching rows (never less than the rows
  known to exist) and `count_exact` is false; `?count=exact` asks for the exact number at its full price.
  Other databases (SQLite in development) always count exactly.

An estimate is kept for ESTIMATE_SECONDS by each process, per query: the next pages of a large list then cost no
count at all. A count under the limit is never kept: it is exact on every request.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

COUNT_LIMIT = 10_000
# A search counts up to less: its matches are spread over the whole table, so counting them reads a page of the
# table for almost every match (10,000 matches, 10,000 pages), where a filter's index lists them together.
SEARCH_COUNT_LIMIT = 1_000
MAX_PAGE = 2**31 - 1
ESTIMATE_SECONDS = 60.0
ESTIMATES_KEPT = 500


class Estimates:
    """The planner's estimates of large counts, by SQL, for a while (a small LRU shared by a process's threads)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> int | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or time.monotonic() - kept[0] > ESTIMATE_SECONDS:
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key: tuple, estimate: int) -> None:
        with self._lock:
            self._kept[key] = (time.monotonic(), estimate)
            self._kept.move_to_end(key)
            while len(self._kept) > ESTIMATES_KEPT:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


estimates = Estimates()


class Pagination(PageNumberPagination):
    """`count`, `count_exact`, `next`, `previous`, `results`; `page_size` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    count_limit = COUNT_LIMIT
    search_count_limit = SEARCH_COUNT_LIMIT  # the view sets count_limit to it for a search

    def paginate_queryset(
        self, queryset: QuerySet, request, view=None, read: Callable[[QuerySet], Sequence] = list
    ) -> list:
        """The page's items; `read` turns the page's slice of the queryset into them (list() by default)."""
        self.request = request
        self.wanted_count = request.query_params.get("count", "")
        if self.wanted_count not in ("", "exact"):
            raise ValidationError({"count": ['Give "exact" for an exact count, or leave it out.']})
        self.size = self.get_page_size(request)
        self.number = self._page_number(request)
        offset = (self.number - 1) * self.size
        items = list(read(queryset[offset : offset + self.size + 1]))
        self.has_next = len(items) > self.size
        items = items[: self.size]
        if not items and self.number > 1:
            raise NotFound("Invalid page: that is past the last page.")
        if self.has_next:
            self.count, self.count_exact = self._count(queryset, at_least=offset + len(items) + 1)
        else:
            self.count, self.count_exact = offset + len(items), True
        return items

    def _page_number(self, request) -> int:
        text = request.query_params.get(self.page_query_param) or "1"  # ?page= is the first page, as in DRF
        # "²" is a digit to str.isdigit(); a number beyond 64 bits would overflow the database's OFFSET.
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
            raise NotFound(f"Invalid page: give a page number from 1 to {MAX_PAGE:,}.")
        return int(text)

    def _count(self, queryset: QuerySet, at_least: int) -> tuple[int, bool]:
        rows = queryset.order_by().values("pk")
        if self.wanted_count == "exact" or connections[queryset.db].vendor != "postgresql":
            return rows.count(), True
        sql, params = rows.query.sql_with_params()
        key = (queryset.db, self.count_limit, sql, tuple(map(str, params)))
        estimate = estimates.get(key)
        if estimate is None:
            counted = rows[: self.count_limit + 1].count()
            if counted <= self.count_limit:
                return counted, True
            estimate = int(json.loads(rows.explain(format="json"))[0]["Plan"]["Plan Rows"])
            estimates.put(key, estimate)
        return max(estimate, self.count_limit + 1, at_least), False

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self) -> str | None:
        if self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"The matching items: exact up to {COUNT_LIMIT:,} ({SEARCH_COUNT_LIMIT:,} for a search with q); beyond "
            "that PostgreSQL's estimate unless "
            "count=exact was asked for (count_exact says which)."
        )
        response["properties"]["count_exact"] = {"type": "boolean", "example": True}
        response["required"] = [*response.get("required", []), "count_exact"]
        return response

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "count",
                "required": False,
                "in": "query",
                "description": (
                    f'"exact" to count every match (by default, exact up to {COUNT_LIMIT:,}, or '
                    f"{SEARCH_COUNT_LIMIT:,} for a search)."
                ),
                "schema": {"type": "string", "enum": ["exact"]},
            },
        ]

    def get_html_context(self):  # the browsable API's page links need Django's Page; it shows next/previous
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link(), "page_links": []}
