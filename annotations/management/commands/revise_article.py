"""manage.py revise_article ARTICLE FILE : replace an article's text and re-anchor its claims."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import services
from annotations.ingest import IngestError, read_article_file
from annotations.models import Article


class Command(BaseCommand):
    help = (
        "Revise an article (by id or slug) with the text of FILE (.txt/.md seed format or .html). Every claim is "
        "re-anchored; claims that cannot be found become orphans; nothing is deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article", help="The article's id or slug.")
        parser.add_argument("file", type=Path, help="The corrected article.")
        parser.add_argument("--reason", default="", help="Why the text changed (kept with the revision).")

    def handle(self, *args, article: str, file: Path, reason: str, **options) -> None:
        lookup = {"pk": int(article)} if article.isdigit() else {"slug": article}
        try:
            target = Article.objects.get(**lookup)
        except Article.DoesNotExist:
            raise CommandError(f"No article with id or slug {article!r}.") from None
        try:
            corrected = read_article_file(file)
            report = services.revise_article(target, corrected.body_html, by=None, reason=reason)
        except IngestError as error:
            raise CommandError(f"Nothing was changed: {error}") from None
        except services.DomainError as error:
            raise CommandError(f"Nothing was changed: {error.message}") from None

        if not report.changed:
            self.stdout.write(f"{target.title}: the text is unchanged (revision {report.revision}).")
            return
        for outcome in report.outcomes:
            if outcome.state != "anchored":
                note = " (approval withdrawn: needs review)" if outcome.sent_back_for_review else ""
                self.stdout.write(f"  claim {outcome.claim}: {outcome.state}, “{outcome.exact[:60]}”{note}")
        counts = ", ".join(f"{n} {state}" for state, n in report.counts().items())
        self.stdout.write(self.style.SUCCESS(f"{target.title}: revision {report.revision}; claims {counts}."))
