"""manage.py export_annotations --format w3c|claimreview|csv [filters] --output FILE

Streams every claim that matches the filters (all claims; ClaimReview: approved ones) to a file or to
standard output, with a progress bar when standard error is a terminal. Memory stays flat however many
claims there are; a file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict
from tqdm import tqdm

from annotations import queries
from annotations.api.exports import COLLECTION_LABEL, ExportFilter
from annotations.exports import stream
from annotations.exports.records import ArticleRecord, ClaimRecord, Site
from annotations.models import Claim

FILTERS = ("article", "verdict", "review_state", "anchor_state", "speaker", "created_by", "q", "updated_after")


class Command(BaseCommand):
    help = "Export claims as W3C Web Annotations (JSON-LD), schema.org ClaimReview (JSON-LD) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=["w3c", "claimreview", "csv"])
        parser.add_argument("--output", "-o", default="-", help="The file to write; - (the default) for stdout.")
        for name in FILTERS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help="As the API's claim filter.")

    def handle(self, *args, format: str, output: str, **options) -> None:
        params = QueryDict(mutable=True)
        for name in FILTERS:
            if options.get(name) is not None:
                params[name] = options[name]
        filters = ExportFilter(params, queryset=Claim.objects.all())
        if not filters.is_valid():
            raise CommandError(
                "; ".join(f"--{name.replace('_', '-')}: {' '.join(errors)}" for name, errors in filters.errors.items())
            )
        claims = filters.qs
        if format == "claimreview":
            claims = claims.filter(review_state=Claim.ReviewState.APPROVED)
        total = claims.count()
        site = Site(settings.SITE_URL, settings.PUBLISHER_NAME, settings.PUBLISHER_URL)
        records = self._with_progress(queries.export_records(claims, appearances=format == "claimreview"), total)
        if format == "w3c":
            iri = f"{site.base_url}/api/v1/export/annotations.jsonld"
            if params:
                iri += f"?{params.urlencode()}"
            chunks = stream.w3c_collection(records, site, iri=iri, label=COLLECTION_LABEL, total=total)
        elif format == "claimreview":
            chunks = stream.claim_reviews(records, site)
        else:
            chunks = stream.csv_rows(records, site)
        if output == "-":
            self._write(chunks, sys.stdout.buffer)
        else:
            self._write_file(chunks, Path(output))
            self.stderr.write(f"Exported {total} claims to {output}.")

    def _with_progress(
        self, records: Iterable[tuple[ClaimRecord, ArticleRecord]], total: int
    ) -> Iterator[tuple[ClaimRecord, ArticleRecord]]:
        yield from tqdm(records, total=total, unit="claims", file=sys.stderr, disable=not sys.stderr.isatty())

    def _write(self, chunks: Iterable[bytes], out: BinaryIO) -> None:
        for chunk in chunks:
            out.write(chunk)
        out.flush()

    def _write_file(self, chunks: Iterable[bytes], path: Path) -> None:
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as out:
                self._write(chunks, out)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
