"""Read-side querysets for pages and the API, with the joins and counts they need."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from annotations.models import Article


def article_list() -> QuerySet[Article]:
    """Articles newest first, each with its number of claims (one query for the whole list)."""
    return Article.objects.annotate(claim_count=Count("claims")).order_by(
        F("published_on").desc(nulls_last=True), "title", "pk"
    )
