"""manage.py import_annotations FILE --user NAME : bring in W3C Web Annotations as claims.

The file holds an AnnotationCollection (with its pages embedded, as export_annotations writes it), an
AnnotationPage, one Annotation, or a JSON list of annotations. Each annotation's target is resolved
against the article with its URL (the original's, or the article's page here) and re-anchored by its
selectors, as after a revision of the text. Annotations already here (same canonical IRI, or the same
verdict on the same words) are matched, not duplicated, so importing a file twice creates nothing new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.exceptions import ParseError

from annotations import services
from annotations.api import parsers
from annotations.exports import w3c


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import W3C Web Annotations (JSON-LD) as claims; reports what was created, matched or not placed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The editor the new claims are created by.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options) -> None:
        by = get_user_model().objects.filter(username=user).first()
        if by is None:
            raise CommandError(f"No user {user!r}.")
        try:
            services.check_can_create(by)
        except services.DomainError as error:
            raise CommandError(f"{user}: {error.message}") from None
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
            # As the API's parser: no NUL (PostgreSQL refuses it), no lone surrogates, no absurd nesting.
            parsers.check_storable(document)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ParseError) as error:
            raise CommandError(f"{file}: cannot read JSON: {error}") from None
        except RecursionError:
            raise CommandError(f"{file}: cannot read JSON: nested too deeply.") from None
        annotations = list(annotations_in(document))
        counts: Counter[str] = Counter()
        try:
            with transaction.atomic():
                for index, data in enumerate(annotations):
                    counts[self._import_one(index, data, by)] += 1
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run: nothing was written.")
        except services.DomainError as error:
            raise CommandError(error.message) from None
        summary = ", ".join(f"{counts[name]} {name}" for name in ("created", "matched", "unplaced", "invalid"))
        self.stdout.write(f"{len(annotations)} annotations: {summary}.")

    def _import_one(self, index: int, data: Any, by) -> str:
        label = data.get("id", f"#{index + 1}") if isinstance(data, dict) else f"#{index + 1}"
        try:
            given = w3c.read_annotation(data)
        except w3c.AnnotationError as error:
            self.stdout.write(f"  invalid   {label}: {error.field + ': ' if error.field else ''}{error}")
            return "invalid"
        outcome = services.import_annotation(given, by=by, hosts={urlsplit(settings.SITE_URL).netloc})
        claim = f" -> claim {outcome.claim.pk}" if outcome.claim else ""
        self.stdout.write(f"  {outcome.action:<9} {label}{claim} ({outcome.how})")
        return outcome.action


def annotations_in(document: Any):
    """The annotations of a collection (its embedded pages), a page, a list, or a single annotation."""
    if isinstance(document, list):
        yield from document
        return
    if not isinstance(document, dict):
        raise CommandError("The file must hold a W3C annotation, page or collection.")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "Annotation" in types:
        yield document
    elif "AnnotationPage" in types:
        yield from document.get("items", [])
    elif "AnnotationCollection" in types:
        page = document.get("first")
        while isinstance(page, dict):
            yield from page.get("items", [])
            page = page.get("next")
        if isinstance(page, str):
            raise CommandError(
                "The collection links to pages instead of embedding them: export it with "
                "`export_annotations --format w3c` or fetch it with ?page=all."
            )
    else:
        raise CommandError("The file must hold a W3C annotation, page or collection.")
