"""The newsroom roles, as Django groups, the permissions each one holds, and who holds which."""

from __future__ import annotations

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
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMINS)
        cached = user._newsroom_roles = frozenset(names)
    return cached


def is_admin(user) -> bool:
    return ADMINS in roles_of(user)


def is_editor(user) -> bool:
    return bool({EDITORS, ADMINS} & roles_of(user))


def is_reviewer(user) -> bool:
    return bool({REVIEWERS, ADMINS} & roles_of(user))


def sees_unpublished_claims(user) -> bool:
    """Anyone with a newsroom role sees drafts and pending claims; everyone else sees approved ones only."""
    return bool(roles_of(user))
