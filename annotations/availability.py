"""When the database cannot be reached: which errors mean that, and what a client is told to do.

A connection refused, reset or closed, a server shutting down or out of connections, SQLite busy: the database is
unavailable for a moment, and the answer is 503 with Retry-After (annotations/api/exceptions.py for the API,
factcheck/middleware.py for the pages). Any other database error is a bug (a missing column, bad SQL) or a lock
conflict in the app, and stays a 500 with its traceback in the log.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

RETRY_AFTER = "5"  # seconds: a PostgreSQL restart takes one or two

# PostgreSQL's SQLSTATE: class 08 connection exceptions, class 53 insufficient resources (too many connections),
# 57P01-57P03 the server shutting down or starting.
_PG_CLASSES = ("08", "53")
_PG_CODES = ("57P01", "57P02", "57P03")
# SQLite's primary result codes: busy, locked, cannot open the file.
_SQLITE_CODES = (5, 6, 14)


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if hasattr(cause, "sqlite_errorcode"):
        return cause.sqlite_errorcode & 0xFF in _SQLITE_CODES
    code = getattr(cause, "pgcode", None)
    if code is None:  # no answer from the server at all: refused, reset, closed
        return True
    return code[:2] in _PG_CLASSES or code in _PG_CODES


class OutcomeUnknown(Exception):
    """The database failed while committing a write: the write may or may not have been kept."""
