"""Pages. The editor itself is its own issue; these read articles through queries.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations import queries


def article_list(request: HttpRequest) -> HttpResponse:
    return render(request, "annotations/article_list.html", {"articles": queries.article_list(request.user)})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(queries.article_list(request.user), slug=slug)
    return render(request, "annotations/article_detail.html", {"article": article})
