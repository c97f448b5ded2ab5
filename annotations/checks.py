"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.caches, deploy=True)
def throttle_cache_is_writable(app_configs, **kwargs) -> list[Error]:
    """The API throttles count in the file cache: a folder the server cannot write turns throttling off."""
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("FileBasedCache"):
        return []
    folder = Path(cache["LOCATION"])
    existing = next((path for path in (folder, *folder.parents) if path.exists()), None)
    if existing is not None and existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return []
    return [
        Error(
            f"The cache folder {folder} cannot be written: API throttling would be off.",
            hint="Set DJANGO_CACHE_DIR to a folder the server's user owns (mode 700; the cache holds pickles).",
            id="factcheck.E001",
        )
    ]
