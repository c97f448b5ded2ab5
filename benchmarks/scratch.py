"""A scratch PostgreSQL database for a benchmark: created, handed over, and dropped whatever happens.

BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server and a database to
connect to; the scratch database is `factcheck_bench_<pid>`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


class Skip(Exception):
    """The benchmark cannot run here; the message says why (run.py reports it instead of a figure)."""


@dataclass(frozen=True)
class Scratch:
    url: str  # DATABASE_URL of the scratch database
    folder: Path  # a temporary folder, removed afterwards
    version: str  # PostgreSQL's server_version


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[Scratch]:
    try:
        import psycopg2
    except ImportError:
        raise Skip("psycopg2 is not installed.") from None
    try:
        admin = psycopg2.connect(ADMIN_URL, connect_timeout=5)
    except psycopg2.OperationalError as error:
        reason = " ".join(str(error).split())
        raise Skip(f"PostgreSQL is not reachable at {ADMIN_URL} (set BENCH_POSTGRES_URL): {reason}") from None
    admin.autocommit = True
    name = f"factcheck_bench_{os.getpid()}"
    with admin.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            yield Scratch(with_database(ADMIN_URL, name), Path(folder), version)
    finally:
        with contextlib.suppress(Exception):  # Django may hold a connection to it (in-process benchmarks)
            from django.db import connections

            connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
