"""The newsroom roles, as Django groups, the permissions each one holds, and who holds which."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

EDITORS = "Editors"
REVIEWERS = "Reviewers"
ADMINS = "Admins"

# (app_label, codename) pairs; Admins hold every permission of the app.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        "view_article", "change_article", "view_articlerevision",
        "add_claim", "change_claim", "delete_claim", "view_claim",
        "add_source", "change_source", "delete_source", "view_source",
        "view_review",
    ],
    REVIEWERS: [
        "view_article", "view_articlerevision",
        "view_claim", "view_source", "view_review",
        "add_review", "review_claim",
    ],
}  # fmt: skip

ROLES = (EDITORS, REVIEWERS, ADMINS)


def roles_of(user) -> frozenset[str]:
    """The newsroom roles a user holds (superusers count as admins), cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_newsroom_roles", None)
    if cached is None:
        names = set(_group_names(user.pk)) & set(ROLES)
        if user.is_superuser:
            names.add(ADMINS)
        cached = user._newsroom_roles = frozenset(names)
    return cached


def _group_names(user_id: int) -> list[str]:
    """The names of the user's groups. Plain SQL on the auth tables: every API request asks (who sees drafts), and
    building the same query with the ORM cost more time than PostgreSQL spent answering it (0.8 ms a request)."""
    membership = get_user_model().groups.through._meta
    group_table = connection.ops.quote_name(Group._meta.db_table)
    sql = (
        f"SELECT {group_table}.name FROM {group_table} "
        f"JOIN {connection.ops.quote_name(membership.db_table)} AS membership "
        f"ON membership.group_id = {group_table}.id WHERE membership.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return [name for (name,) in cursor.fetchall()]


def is_admin(user) -> bool:
    return ADMINS in roles_of(user)


def is_editor(user) -> bool:
    return bool({EDITORS, ADMINS} & roles_of(user))


def is_reviewer(user) -> bool:
    return bool({REVIEWERS, ADMINS} & roles_of(user))


def sees_unpublished_claims(user) -> bool:
    """Anyone with a newsroom role sees drafts and pending claims; everyone else sees approved ones only."""
    return bool(roles_of(user))
