"""DRF's token authentication, remembered until the data changes.

Checking a token cost two queries on every API request (the token with its user, then the user's newsroom roles),
as much as a kept answer itself. The user a token belongs to, with their roles, is kept under the data version
(annotations/freshness.py), which every change to users, groups, group membership and tokens increases: a revoked
token, a deactivated account or a changed role takes effect with the very next request.
"""

from __future__ import annotations

import hashlib

from rest_framework.authentication import TokenAuthentication

from annotations import freshness, roles


class KeptTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        # The token itself is never a cache key: only its digest is kept in memory.
        found = freshness.key("token", hashlib.sha256(key.encode()).hexdigest())
        if found is not None:
            kept = freshness.get(found)
            if kept is not None:
                return kept
        user, token = super().authenticate_credentials(key)  # raises AuthenticationFailed for a bad token
        roles.roles_of(user)  # kept on the user object, so it is kept with it
        if found is not None:
            freshness.put(found, (user, token))
        return user, token
