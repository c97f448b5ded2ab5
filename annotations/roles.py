"""The newsroom roles, as Django groups, and the permissions each one holds."""

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
