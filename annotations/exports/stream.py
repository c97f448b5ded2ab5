"""Whole exports as a stream of bytes, written as the records arrive: memory stays flat however many.

Each function takes an iterable of (ClaimRecord, ArticleRecord) pairs, such as
queries.export_records(), and yields UTF-8 chunks of a few hundred claims each.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from annotations.exports import claimreview, table, w3c
from annotations.exports.records import ArticleRecord, ClaimRecord, Site

Records = Iterable[tuple[ClaimRecord, ArticleRecord]]
CHUNK = 200  # claims per yielded chunk
ITEMS = "\x00items\x00"  # where the streamed list goes in a document's JSON


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def json_document(document: dict[str, Any], items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`document` as JSON, with `items` streamed where the document holds the ITEMS placeholder.

    Items are encoded CHUNK at a time by orjson (one call per chunk: the encoding was half the time of an
    export with the standard library's json, called per item).
    """
    head, tail = orjson.dumps(document).split(orjson.dumps(ITEMS))
    yield head + b"["
    batch: list[dict[str, Any]] = []
    first = True
    for item in items:
        batch.append(item)
        if len(batch) == CHUNK:
            yield (b"" if first else b",") + orjson.dumps(batch)[1:-1]
            batch, first = [], False
    rest = orjson.dumps(batch)[1:-1] if batch else b""
    yield (b"," if rest and not first else b"") + rest + b"]" + tail


def w3c_collection(records: Records, site: Site, *, iri: str, label: str, total: int) -> Iterator[bytes]:
    """An AnnotationCollection holding every record in one embedded AnnotationPage."""
    page_iri = f"{iri}{'&' if '?' in iri else '?'}page=all"
    first = w3c.page(iri=page_iri, collection_iri=iri, total=total, start_index=0, items=ITEMS, embedded=True)  # type: ignore[arg-type]
    document = w3c.collection(iri=iri, label=label, total=total, first=first, last=page_iri)
    if not total:
        yield dumps(document).encode()
        return
    yield from json_document(
        document, (w3c.annotation(claim, article, site, embedded=True) for claim, article in records)
    )


def claim_reviews(records: Records, site: Site) -> Iterator[bytes]:
    """Every ClaimReview in one JSON-LD document: {"@context": "https://schema.org", "@graph": [...]}."""
    document = {"@context": claimreview.CONTEXT, "@graph": ITEMS}
    yield from json_document(
        document, (claimreview.claim_review(claim, article, site, embedded=True) for claim, article in records)
    )


def csv_rows(records: Records, site: Site) -> Iterator[bytes]:
    """A header row, then a row per claim; UTF-8 with a byte-order mark, so spreadsheets read accents right."""
    buffer = _Lines()
    writer = csv.writer(buffer)
    writer.writerow(table.COLUMNS)
    yield ("\ufeff" + buffer.take()).encode()
    for count, (claim, article) in enumerate(records, 1):
        writer.writerow(table.row(claim, article, site))
        if count % CHUNK == 0:
            yield buffer.take().encode()
    yield buffer.take().encode()


class _Lines:
    """A file for csv.writer that keeps what was written until taken."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.write: Callable[[str], Any] = self.parts.append

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text
