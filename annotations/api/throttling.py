"""DRF's per-user and per-anonymous-address throttles, counting by the same client address as the sign-in lock-out,
and letting requests through (with an error in the log) if their counts cannot be written, rather than failing
the whole API.

They count in fixed windows (a minute for 1200/minute): how many requests a client made in the current window.
A fixed window lets a client through up to twice its rate across a window's end, which a flood cannot use: it
is refused within the next window. In production (a file cache, shared by the gunicorn workers of a host) the
counts are FileCounts, one tiny file per client changed under a lock; elsewhere (one process: runserver,
tests) they are kept in the memory cache.

Measured under load (gunicorn, 2 workers, wrk, a kept claim list): DRF's own throttles, which pickle and compress
the time of every request of the last window and write it through Django's file cache on every request, cut the
requests a second from about 1,150 (no throttle) to 780; counting in Django's file cache, to about 790 (its file
handling is the cost, not the pickle); FileCounts, see docs/benchmarks.md.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import struct
import time

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from annotations.web.security import client_network

logger = logging.getLogger(__name__)


class FileCounts:
    """Requests per client and window in small files that every worker of a host shares: one 16-byte file (window,
    count) per client, named by a digest of its key, read and written under an exclusive lock (flock), so two
    workers counting at once lose nothing (Django's file cache writes whole values: the last writer wins). Files of
    clients not seen for STALE_SECONDS are removed every SWEEP_EVERY counts of a process."""

    SWEEP_EVERY = 10_000
    STALE_SECONDS = 86_400
    _RECORD = struct.Struct("<qq")

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.counted = 0

    def add(self, key: str, window: int, limit: int) -> bool:
        """Count one request of `key` in `window`, unless it already made `limit`: whether it may go on."""
        path = os.path.join(self.folder, hashlib.sha256(key.encode()).hexdigest()[:40])
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            data = os.pread(handle, self._RECORD.size, 0)
            started, count = self._RECORD.unpack(data) if len(data) == self._RECORD.size else (window, 0)
            if started != window:
                count = 0
            if count >= limit:
                return False
            os.pwrite(handle, self._RECORD.pack(window, count + 1), 0)
        finally:
            os.close(handle)  # and the lock with it
        self.counted += 1
        if self.counted % self.SWEEP_EVERY == 0:
            self.sweep()
        return True

    def sweep(self, now: float | None = None) -> int:
        """Remove the files of clients not seen for STALE_SECONDS; how many went."""
        oldest = (now or time.time()) - self.STALE_SECONDS
        removed = 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                try:
                    if entry.stat().st_mtime < oldest:
                        os.unlink(entry.path)
                        removed += 1
                except FileNotFoundError:  # another worker swept it first
                    pass
        return removed


_file_counts: dict[str, FileCounts] = {}


def file_counts() -> FileCounts | None:
    """The shared counts of this host when the default cache is Django's file cache (production), else None."""
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("FileBasedCache"):
        return None
    folder = os.path.join(cache["LOCATION"], "throttles")
    if folder not in _file_counts:
        _file_counts[folder] = FileCounts(folder)
    return _file_counts[folder]


class FixedWindowMixin:
    """SimpleRateThrottle's allow_request and wait, counting per fixed window of the rate's duration."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        counts = file_counts()
        allowed = self._add_in_cache(window) if counts is None else counts.add(self.key, window, self.num_requests)
        if not allowed:
            self.wait_seconds = (window + 1) * self.duration - now
        return allowed

    def _add_in_cache(self, window: int) -> bool:
        started, count = self.cache.get(self.key, (window, 0))
        if started != window:
            count = 0
        if count >= self.num_requests:
            return False
        self.cache.set(self.key, (window, count + 1), self.duration)
        return True

    def wait(self) -> float:
        return self.wait_seconds


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_network(request)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except OSError:  # the file cache's folder unwritable, the disk full
            logger.exception("API throttling is off for this request: its cache cannot be written.")
            return True


class AnonThrottle(ClientAddressMixin, FixedWindowMixin, AnonRateThrottle):
    """Anonymous clients, per address (an IPv6 client per /64)."""


class UserThrottle(ClientAddressMixin, FixedWindowMixin, UserRateThrottle):
    """Signed-in users, each on their own count."""

    def get_cache_key(self, request, view) -> str | None:
        # DRF's would also count anonymous clients by address, a second count (and a second cache write on every
        # anonymous request) beside AnonThrottle's lower one.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
