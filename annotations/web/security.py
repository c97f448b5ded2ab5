"""Who is asking, and what a client locked out of signing in is told (django-axes calls both, see settings)."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def client_ip(request: HttpRequest) -> str:
    """The client's address as the API throttles see it: the connection's, or X-Forwarded-For's behind
    DJANGO_NUM_PROXIES proxies. One rule for sign-in lock-out and API throttling."""
    return BaseThrottle().get_ident(request)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """429 with Retry-After, on the sign-in page itself, so a person sees why and until when."""
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else None
    response = render(request, "registration/locked_out.html", {"minutes": math.ceil((seconds or 0) / 60)}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
