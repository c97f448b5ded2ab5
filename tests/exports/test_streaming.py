"""Exports stream: bytes leave while the claims are still being read, and the database is asked a fixed
number of questions per chunk of claims, not one per claim."""

from __future__ import annotations

import csv
import datetime
import inspect
import io
import itertools
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from annotations import queries
from annotations.exports import stream
from annotations.exports.records import ArticleRecord, ClaimRecord, Site, SourceRecord
from annotations.models import Claim, Source
from tests.exports.support import content
from tests.factories import make_article, make_user

SITE = Site("http://testserver")
MOMENT = datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)
ARTICLE = ArticleRecord(1, "bridge", "Bridge", "Daily Planet", datetime.date(2024, 3, 1), "")
SOURCE = SourceRecord("https://example.org/budget", "Budget", "City", "dataset", "contradicts", "", None, "")


class Counted:
    """(claim, article) records made on demand, counting how many were taken."""

    def __init__(self, total: int) -> None:
        self.total, self.taken = total, 0

    def __iter__(self):
        for number in range(1, self.total + 1):
            self.taken = number
            claim = ClaimRecord(
                number, 1, 4, 9, "mayor", "The ", " said", "anchored", "disputed", "The mayor", "", "note, \"quoted\"",
                "approved", "ed", "", MOMENT, MOMENT, MOMENT, 1, "", (SOURCE,),
            )  # fmt: skip
            yield claim, ARTICLE


def streams():
    return {
        "w3c_collection": lambda records: stream.w3c_collection(
            records, SITE, iri="http://testserver/export", label="All", total=records.total
        ),
        "claim_reviews": lambda records: stream.claim_reviews(records, SITE),
        "csv_rows": lambda records: stream.csv_rows(records, SITE),
    }


@pytest.mark.parametrize("name", ["w3c_collection", "claim_reviews", "csv_rows"])
def test_exports_are_generators_that_yield_while_reading(name):
    records = Counted(1000)
    chunks = streams()[name](records)
    assert inspect.isgenerator(chunks)
    taken_at_each_chunk = []
    collected = []
    for chunk in chunks:
        assert isinstance(chunk, bytes)
        collected.append(chunk)
        taken_at_each_chunk.append(records.taken)
    assert len([chunk for chunk in collected if chunk]) > 1
    # The first bytes leave before the claims are all read, and no chunk waits for more than CHUNK claims.
    assert taken_at_each_chunk[0] < 1000
    assert max(b - a for a, b in itertools.pairwise(taken_at_each_chunk)) <= stream.CHUNK
    body = b"".join(collected).decode("utf-8")
    if name == "csv_rows":
        header, *rows = csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""))
        assert [row[0] for row in rows] == [str(number) for number in range(1, 1001)]
        assert {row[header.index("note")] for row in rows} == {'note, "quoted"'}
    else:
        document = json.loads(body)
        items = document["first"]["items"] if name == "w3c_collection" else document["@graph"]
        assert len(items) == 1000
        assert items[-1]["id" if name == "w3c_collection" else "url"].endswith(
            "1000" if name == "w3c_collection" else "/claims/1000/"
        )


@pytest.mark.parametrize("total", [0, 1, stream.CHUNK - 1, stream.CHUNK, stream.CHUNK + 1, 2 * stream.CHUNK])
def test_the_streamed_json_is_whole_at_every_chunk_boundary(total):
    collection = json.loads(b"".join(streams()["w3c_collection"](Counted(total))))
    assert len(collection.get("first", {"items": []})["items"]) == total
    graph = json.loads(b"".join(streams()["claim_reviews"](Counted(total))))["@graph"]
    assert [review["url"] for review in graph] == [f"http://testserver/claims/{n}/" for n in range(1, total + 1)]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/export/annotations.jsonld",
        "/api/v1/export/annotations.jsonld?page=1",
        "/api/v1/export/annotations.jsonld?page=all",
        "/api/v1/export/claimreview.jsonld",
        "/api/v1/export/claims.csv",
    ],
)
def test_the_export_endpoints_stream_their_responses(api, db, url):
    response = api.get(url)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)


# Queries.


def make_claims(count: int) -> None:
    """`count` approved claims, each with two sources, spread over three articles (bulk inserts: fast)."""
    user = make_user()
    articles = [make_article() for _ in range(3)]
    exact = "the bridge cost 4 million euros"
    start = articles[0].body_text.index(exact)
    claims = Claim.objects.bulk_create(
        Claim(
            article=articles[number % 3],
            start=start,
            end=start + len(exact),
            exact=exact,
            verdict="disputed",
            review_state="approved",
            approved_at=MOMENT,
            created_by=user,
            updated_by=user,
        )
        for number in range(count)
    )
    Source.objects.bulk_create(
        Source(claim=claim, url=f"https://example.org/{claim.pk}/{n}", kind="dataset", stance="supports")
        for claim in claims
        for n in range(2)
    )


def export_queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        body = content(api.get(url))
    assert body
    return len(captured)


# Per export: claims with their authors, their sources, the articles not seen yet (one chunk holds 2,000, and a
# short chunk ends the export); the annotation collection also counts its claims first, and ClaimReview reads
# where else each claim is published (its appearances).
EXPORT_QUERIES = [
    ("/api/v1/export/claims.csv", 3),
    ("/api/v1/export/annotations.jsonld?page=all", 4),
    ("/api/v1/export/claimreview.jsonld", 4),
]


@pytest.mark.parametrize(("url", "expected"), EXPORT_QUERIES)
def test_exports_ask_the_same_few_queries_for_10_claims_as_for_300(
    api, db, url, expected, django_assert_max_num_queries
):
    make_claims(10)
    with django_assert_max_num_queries(expected):
        few = export_queries(api, url)
    make_claims(290)
    with django_assert_max_num_queries(expected):
        many = export_queries(api, url)
    assert few == many == expected


def test_a_paged_export_reads_only_its_page(api, db, django_assert_max_num_queries):
    make_claims(300)
    with django_assert_max_num_queries(6):
        document = json.loads(content(api.get("/api/v1/export/annotations.jsonld?page=2&page_size=50")))
    assert (document["startIndex"], len(document["items"])) == (50, 50)


def test_export_records_asks_three_queries_per_chunk(db, django_assert_max_num_queries):
    make_claims(300)
    with django_assert_max_num_queries(3 * 3 + 1):  # 3 chunks of 100, and the empty one that ends a full last chunk
        records = list(queries.export_records(Claim.objects.all(), chunk_size=100))
    assert len(records) == 300
    assert [claim.id for claim, _ in records] == sorted(Claim.objects.values_list("pk", flat=True))
    assert all(len(claim.sources) == 2 for claim, _ in records)
    assert {article.id for _, article in records} == set(Claim.objects.values_list("article_id", flat=True))


@pytest.mark.parametrize("every", [1, 3])
def test_each_claim_gets_its_own_sources_in_dense_and_sparse_chunks(db, every):
    """Dense ids read sources by id range, sparse ones by id list: either way no claim gets another's."""
    make_claims(60)
    for claim in Claim.objects.all():
        claim.sources.filter(pk=claim.sources.order_by("pk").first().pk).update(title=f"of {claim.pk}")
    chosen = Claim.objects.filter(article_id=Claim.objects.first().article_id) if every == 3 else Claim.objects.all()
    records = list(queries.export_records(chosen, chunk_size=7))
    assert len(records) == chosen.count()
    for claim, _ in records:
        assert claim.sources[0].title == f"of {claim.id}"
        assert len(claim.sources) == 2
