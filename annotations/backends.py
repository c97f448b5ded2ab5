"""The sign-in backend: Django's ModelBackend, with a signed-in newsroom member's user read once per data version.

Every page and API request from a signed-in browser read its user from the database after its session. The
user is now kept under the data version (annotations/freshness.py), which every change to users, groups, group
membership and API tokens increases: a deactivated account, a changed password (the session's hash no longer
matches) or a changed role takes effect with the very next request, as before. Staff users (the admin site)
are always read afresh: the admin checks Django permissions, whose tables the data version does not count.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from annotations import freshness, roles


class KeptModelBackend(ModelBackend):
    def get_user(self, user_id):
        kept = freshness.remembered(("session-user", user_id), lambda: self._read(user_id))
        if kept is not None and kept.is_staff:
            return super().get_user(user_id)  # (kept all the same: one key lookup, and the staff flag comes with it)
        return kept

    def _read(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            roles.roles_of(user)  # kept on the user object, so it is kept with it
        return user
