"""What every page's template may ask about the visitor, computed only when a template asks."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from annotations import roles


def newsroom(request: HttpRequest) -> dict:
    """`is_reviewer`: the rule the review queue itself applies (Reviewers, Admins, superusers). Django's `perms`
    asked the database for every permission of the user and their groups (two queries on every page)."""
    return {"is_reviewer": SimpleLazyObject(lambda: roles.is_reviewer(request.user))}
