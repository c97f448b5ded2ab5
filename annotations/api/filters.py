"""Filters and ordering of the claim list."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from annotations import search
from annotations.models import Claim


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names none of the filters: building the FilterSet and its
    form (deep copies of every filter and field) was a tenth of an unfiltered claim list's time."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not filterset_class.base_filters.keys() & request.query_params.keys():
            return queryset
        return super().filter_queryset(request, queryset, view)


class StableOrdering(django_filters.OrderingFilter):
    """The chosen ordering, then the id in the same direction: pages never repeat or skip claims that share a
    time, and (updated_at, id) and (created_at, id) indexes serve both directions."""

    def filter(self, qs: QuerySet, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "-pk" if ordering[-1].startswith("-") else "pk")


class ClaimFilter(django_filters.FilterSet):
    # Bounded: a number beyond 64 bits overflows the database driver (a 500) instead of matching nothing.
    article = django_filters.NumberFilter(field_name="article_id", min_value=1, max_value=2**63 - 1)
    verdict = django_filters.ChoiceFilter(choices=Claim.Verdict.choices)
    review_state = django_filters.ChoiceFilter(choices=Claim.ReviewState.choices)
    anchor_state = django_filters.ChoiceFilter(choices=Claim.AnchorState.choices)
    speaker = django_filters.CharFilter(lookup_expr="icontains", max_length=200)
    created_by = django_filters.CharFilter(field_name="created_by__username", max_length=150, help_text="A username.")
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Words in the quote, note, speaker or source titles."
    )
    updated_after = django_filters.IsoDateTimeFilter(
        method="changed_after", help_text="Only claims changed after this time (ISO 8601), for sync."
    )
    ordering = StableOrdering(
        fields=(("start", "position"), ("created_at", "created"), ("updated_at", "updated")),
        help_text="position, created or updated; prefix with - for descending.",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        claims = super().filter_queryset(queryset)
        # After every filter and the ordering: how a search is best read depends on all of them.
        text = self.form.cleaned_data.get("q")
        return search.few_matches_first(claims, text) if text else claims

    def changed_after(self, claims: QuerySet[Claim], name: str, value: datetime.datetime) -> QuerySet[Claim]:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 (and Python) allow.
        try:
            moment = value.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError({"updated_after": ["That time is out of range."]}) from None
        return claims.filter(updated_at__gt=moment)

    def search(self, claims: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return search.search_claims(claims, value)
