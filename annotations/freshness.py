"""Answers kept until the data changes: the claim list and its searches, the article page, the users of API tokens
and of sessions (annotations/backends.py).

The database keeps one number, the data version, which every committed change to articles, claims, sources, users,
groups or API tokens increases (triggers, migrations/0008_data_version.py: no way of writing can skip them). An
answer is kept under the version (and the epoch of its table, migrations/0009) it was built at, with everything else
it depends on (who may see drafts, the URL); a request
first reads the version (one indexed row) and then either finds the answer kept or builds it. A change therefore
shows in the very next request, on every worker and every host, with nothing to invalidate: answers kept under
an older version are simply never asked for again, and leave the cache as it fills.

The version is read before the data: an answer may show a change committed in between, which is newer than its
version says, never older. Inside a transaction nothing is kept or served, since the transaction may hold writes
of its own that the version does not count yet (and the test suite's transactions never commit).

Kept in the `responses` cache (settings.CACHES): each process's memory by default. DJANGO_RESPONSE_CACHE=off turns
it off.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver

from annotations import roles

CACHE = "responses"
VERSION_SQL = "SELECT version, epoch FROM factcheck_data_version WHERE id = 1"
Built = TypeVar("Built")


def data_version(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The committed data version; None inside a transaction or when answers are not kept."""
    read = _version_and_epoch(using)
    return read[0] if read else None


def _version_and_epoch(using: str = DEFAULT_DB_ALIAS) -> tuple[int, str] | None:
    """The version with the epoch of its table (migrations/0009), or None.

    Read once per request (the first time it is asked for), so that one request's kept answers all belong to one
    version and cost one query.
    """
    connection = connections[using]
    if not settings.RESPONSE_CACHE or connection.in_atomic_block:
        return None
    memo = getattr(_request, "versions", None)
    if memo is not None and using in memo:
        return memo[using]
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    read = (row[0], row[1]) if row else None
    if memo is not None:
        memo[using] = read
    return read


_request = threading.local()  # the versions read during the current request of this thread


@receiver(request_started)
def _request_started(**kwargs) -> None:
    _request.versions = {}


@receiver(request_finished)
def _request_finished(**kwargs) -> None:
    _request.versions = None


def audience(user) -> str:
    """Whom an answer was built for: the newsroom sees drafts, the public only approved claims."""
    return "newsroom" if roles.sees_unpublished_claims(user) else "public"


class Key(NamedTuple):
    """Where an answer is kept: the data version and a digest of what else the answer depends on."""

    version: int
    digest: str

    @property
    def cache_key(self) -> str:
        return f"answer:{self.version}:{self.digest}"

    @property
    def etag(self) -> str:
        return f'"data-{self.version}-{self.digest[:20]}"'


def key(*parts: object) -> Key | None:
    """The key of the answer that depends on these parts (and on the data), or None when none is kept."""
    read = _version_and_epoch()
    if read is None:
        return None
    version, epoch = read
    return Key(version, hashlib.sha256(repr((epoch, *parts)).encode()).hexdigest())


def get(found: Key) -> object | None:
    return caches[CACHE].get(found.cache_key)


def put(found: Key, value: object) -> None:
    caches[CACHE].set(found.cache_key, value)


def remembered(parts: tuple, build: Callable[[], Built]) -> Built:
    """build()'s value for these parts at the current data version: built once per version, then kept."""
    found = key(*parts)
    if found is None:
        return build()
    value = get(found)
    if value is None:
        value = build()
        put(found, value)
    return value


def install_missing_triggers(using: str = DEFAULT_DB_ALIAS) -> None:
    """Put back SQLite's data-version triggers that a later migration dropped (after every migrate).

    SQLite changes most of a table's schema by making a copy and dropping the original, and its triggers go with
    it: a later migration of a claim's field would leave changes to claims uncounted, and kept answers stale.
    PostgreSQL keeps triggers through ALTER TABLE.
    """
    connection = connections[using]
    if connection.vendor != "sqlite" or "factcheck_data_version" not in connection.introspection.table_names():
        return
    triggers = importlib.import_module("annotations.migrations.0008_data_version").SQLITE[2:]
    with connection.cursor() as cursor:
        for statement in triggers:
            cursor.execute(statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))
