"""manage.py import_articles PATH... : create or update articles from seed, Markdown, text or HTML files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from annotations import services
from annotations.ingest import SUPPORTED_SUFFIXES, IngestError, read_article_file


class Command(BaseCommand):
    help = (
        "Import articles from .txt/.md (the seed format) or .html files. Re-importing updates the article "
        "with the same original URL (or slug); every file is checked before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files, or folders of files, to import.")
        parser.add_argument("--title", default="", help="Title for a file that has none (one file only).")
        parser.add_argument("--publisher", default="", help="Publisher for every imported article.")
        parser.add_argument("--slug", default="", help="Slug for the article (one file only).")

    def handle(self, *args, paths: list[Path], title: str, publisher: str, slug: str, **options) -> None:
        files = self._expand(paths)
        if (title or slug) and len(files) != 1:
            raise CommandError("--title and --slug apply to a single file.")
        if slug and slug != slugify(slug):
            raise CommandError(f"{slug!r} is not a slug: use lowercase letters, digits and hyphens.")
        articles, errors = [], []
        for path in files:
            try:
                article = read_article_file(path, title=title, publisher=publisher)
            except IngestError as error:
                errors.append(str(error))
                continue
            articles.append((path, replace(article, slug=slug) if slug else article))
        if errors:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(errors))

        try:
            with transaction.atomic():
                outcomes = [(path, services.import_article(article)) for path, article in articles]
        except services.DomainError as error:
            raise CommandError(f"Nothing was imported: {error.message}") from None

        for path, outcome in outcomes:
            article = outcome.article
            detail = f" ({', '.join(outcome.changed_fields)})" if outcome.changed_fields else ""
            verb = "skipped, unchanged" if outcome.action == "unchanged" else outcome.action
            self.stdout.write(f"{verb}: {article.title} [{article.slug}] from {path.name}{detail}")
        counts = {
            action: sum(o.action == action for _, o in outcomes) for action in ("created", "updated", "unchanged")
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )

    def _expand(self, paths: list[Path]) -> list[Path]:
        files = []
        for path in paths:
            if path.is_dir():
                for candidate in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
                    if candidate.suffix.lower() in SUPPORTED_SUFFIXES:
                        files.append(candidate)
                    else:
                        self.stdout.write(f"skipped: {candidate.name} (not an article file)")
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder. Nothing was imported.")
        if not files:
            raise CommandError("No files to import.")
        return files
