"""DRF's per-user and per-anonymous-address throttles, counting by the same client address as the sign-in lock-out,
and letting requests through (with an error in the log) if their cache cannot be written, rather than failing
the whole API."""

from __future__ import annotations

import logging

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from annotations.web.security import client_network

logger = logging.getLogger(__name__)


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_network(request)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except OSError:  # the file cache's folder unwritable, the disk full
            logger.exception("API throttling is off for this request: its cache cannot be written.")
            return True


class AnonThrottle(ClientAddressMixin, AnonRateThrottle):
    """Anonymous clients, per address (an IPv6 client per /64)."""


class UserThrottle(ClientAddressMixin, UserRateThrottle):
    """Signed-in users, each on their own count."""

    def get_cache_key(self, request, view) -> str | None:
        # DRF's would also count anonymous clients by address, a second count (and a second cache write on every
        # anonymous request) beside AnonThrottle's lower one.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
