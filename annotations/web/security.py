"""Who is asking, and what a client locked out of signing in is told (django-axes calls both, see settings)."""

from __future__ import annotations

import ipaddress
import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or behind DJANGO_NUM_PROXIES proxies the one the outermost proxy
    saw (that many entries from the right of X-Forwarded-For). Whatever a client writes there itself is further
    left and never read; a header shorter than the proxies, or an entry that is not an address, is not trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [entry.strip() for entry in request.headers.get("X-Forwarded-For", "").split(",")]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return remote


def client_network(request: HttpRequest) -> str:
    """The client's address for counting requests: an IPv6 client's /64, which one machine usually holds whole
    (counting each of its addresses apart would let it choose a fresh count for every request)."""
    address = client_ip(request)
    if ":" in address and _is_address(address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def _is_address(text: str) -> bool:
    """A plain IPv4 or IPv6 address (no zone: "fe80::1%eth0" names a link of the proxy's, not a client)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return "%" not in text


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None):
    """429 with Retry-After, on the sign-in page itself, so a person sees why and until when."""
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else None
    response = render(request, "registration/locked_out.html", {"minutes": math.ceil((seconds or 0) / 60)}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
