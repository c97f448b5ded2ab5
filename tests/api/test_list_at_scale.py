"""The claim list's paging, counting, ordering, search and encoding: what keeps it fast on a large newsroom's
claims (issue 8), checked for the answers a client sees."""

from __future__ import annotations

import datetime
import decimal
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from annotations import services
from annotations.api import pagination
from annotations.api.renderers import FastJSONRenderer
from annotations.models import Claim, Source
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db

WORDS = 40


@pytest.fixture
def claims(editor):
    """WORDS claims on one article, one per word, in position order."""
    body = " ".join(f"word{n}" for n in range(WORDS))
    article = make_article(title="Many", body_html=f"<p>{body}</p>")
    made = []
    for n in range(WORDS):
        start = article.body_text.index(f"word{n} " if n < WORDS - 1 else f"word{n}")
        made.append(
            Claim(article=article, start=start, end=start + len(f"word{n}"), exact=f"word{n}", verdict="verified",
                  created_by=editor, updated_by=editor)
        )  # fmt: skip
    return Claim.objects.bulk_create(made)


def ids(page: dict) -> list[int]:
    return [claim["id"] for claim in page["results"]]


def test_every_page_says_how_many_claims_match_and_that_the_count_is_exact(as_editor, claims):
    first = as_editor.get("/api/v1/claims/", {"page_size": 15}).json()
    assert (first["count"], first["count_exact"], first["previous"]) == (WORDS, True, None)
    second = as_editor.get(first["next"]).json()
    last = as_editor.get(second["next"]).json()
    assert (second["count"], last["count"], last["next"]) == (WORDS, WORDS, None)
    assert ids(first) + ids(second) + ids(last) == [claim.pk for claim in claims]
    assert "page=" not in as_editor.get(second["previous"]).request["QUERY_STRING"]
    assert "page=2" in last["previous"]


def test_the_last_page_is_counted_without_a_count_query(as_editor, claims):
    with CaptureQueriesContext(connection) as queries:
        page = as_editor.get("/api/v1/claims/", {"page_size": 15, "page": 3}).json()
    assert (page["count"], page["count_exact"], len(page["results"])) == (WORDS, True, WORDS - 30)
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.parametrize("page", ["0", "-1", "x", "²", "4", "99999999999999999999"])
def test_a_page_that_does_not_exist_is_404_with_a_reason(as_editor, claims, page):
    response = as_editor.get("/api/v1/claims/", {"page_size": 15, "page": page})
    assert response.status_code == 404
    assert "page" in response.json()["detail"].lower()


def test_beyond_the_count_limit_the_count_is_marked_as_an_estimate(as_editor, claims, monkeypatch):
    monkeypatch.setattr(pagination.Pagination, "count_limit", 10)
    pagination.estimates.clear()
    page = as_editor.get("/api/v1/claims/", {"page_size": 5}).json()
    if connection.vendor == "postgresql":
        # The planner's estimate: never less than the rows known to exist (the limit + 1).
        assert page["count_exact"] is False
        assert page["count"] >= 11
    else:
        assert (page["count"], page["count_exact"]) == (WORDS, True)
    exact = as_editor.get("/api/v1/claims/", {"page_size": 5, "count": "exact"}).json()
    assert (exact["count"], exact["count_exact"], ids(exact)) == (WORDS, True, ids(page))


def test_a_search_counts_exactly_up_to_its_own_lower_limit(as_editor, claims, monkeypatch):
    monkeypatch.setattr(pagination.Pagination, "count_limit", WORDS)
    monkeypatch.setattr(pagination.Pagination, "search_count_limit", 10)
    pagination.estimates.clear()
    listed = as_editor.get("/api/v1/claims/", {"page_size": 5}).json()
    assert (listed["count"], listed["count_exact"]) == (WORDS, True)
    searched = as_editor.get("/api/v1/claims/", {"page_size": 5, "q": "word"}).json()
    assert searched["count_exact"] is (connection.vendor != "postgresql")
    assert searched["count"] >= 11
    exact = as_editor.get("/api/v1/claims/", {"page_size": 5, "q": "word", "count": "exact"}).json()
    assert (exact["count"], exact["count_exact"]) == (WORDS, True)


def test_a_count_under_the_limit_is_exact_on_every_database(as_editor, claims, monkeypatch):
    monkeypatch.setattr(pagination.Pagination, "count_limit", WORDS)
    page = as_editor.get("/api/v1/claims/", {"page_size": 5}).json()
    assert (page["count"], page["count_exact"]) == (WORDS, True)


@pytest.mark.parametrize("page", ["1", "8"])
def test_an_unknown_count_mode_is_a_field_error_on_any_page(as_editor, claims, page):
    response = as_editor.get("/api/v1/claims/", {"page_size": 5, "page": page, "count": "approximate"})
    assert response.status_code == 400
    assert "count" in response.json()


def test_an_empty_page_number_is_the_first_page(as_editor, claims):
    assert ids(as_editor.get("/api/v1/claims/?page=&page_size=5").json()) == [claim.pk for claim in claims[:5]]


@pytest.mark.parametrize("ordering", ["updated", "-updated", "created", "-created"])
def test_claims_changed_at_the_same_moment_are_never_repeated_or_skipped_across_pages(as_editor, claims, ordering):
    moment = timezone.now() - datetime.timedelta(days=1)
    Claim.objects.update(updated_at=moment, created_at=moment)
    seen = []
    url = f"/api/v1/claims/?ordering={ordering}&page_size=7"
    while url:
        page = as_editor.get(url).json()
        seen += ids(page)
        url = page["next"]
    expected = sorted(claim.pk for claim in claims)
    assert seen == (expected[::-1] if ordering.startswith("-") else expected)


def test_search_finds_a_claim_by_its_sources_titles_as_they_change(as_editor, article, editor):
    claim = make_claim(article, exact="The mayor said", created_by=editor)
    source = make_source(claim, title="Harbour authority ledger")
    assert ids(as_editor.get("/api/v1/claims/", {"q": "ledger"}).json()) == [claim.pk]
    # Words from the quote and from a title together.
    assert ids(as_editor.get("/api/v1/claims/", {"q": "mayor harbour"}).json()) == [claim.pk]
    source.title = "Port budget"
    source.save()
    assert ids(as_editor.get("/api/v1/claims/", {"q": "ledger"}).json()) == []
    assert ids(as_editor.get("/api/v1/claims/", {"q": "port"}).json()) == [claim.pk]
    source.delete()
    assert ids(as_editor.get("/api/v1/claims/", {"q": "port"}).json()) == []


def test_search_follows_sources_changed_through_the_api(as_editor, article):
    made = as_editor.post(
        "/api/v1/claims/",
        {"article": article.pk, "exact": "Critics say", "verdict": "disputed",
         "sources": [{"url": "https://example.org/a", "title": "Treasury bulletin", "kind": "news_report", "stance": "contradicts"}]},
        format="json",
    ).json()  # fmt: skip
    assert ids(as_editor.get("/api/v1/claims/", {"q": "bulletin"}).json()) == [made["id"]]
    changed = as_editor.patch(
        f"/api/v1/claims/{made['id']}/",
        {
            "sources": [
                {"url": "https://example.org/b", "title": "Census tables", "kind": "dataset", "stance": "contradicts"}
            ]
        },
        format="json",
        HTTP_IF_MATCH=f'"claim-{made["id"]}-v{made["version"]}"',
    )
    assert changed.status_code == 200
    assert ids(as_editor.get("/api/v1/claims/", {"q": "bulletin"}).json()) == []
    assert ids(as_editor.get("/api/v1/claims/", {"q": "census"}).json()) == [made["id"]]


def test_a_claims_copy_of_its_source_titles_is_not_in_its_history_or_its_json(as_editor, article, editor):
    claim = make_claim(article, exact="The mayor said", created_by=editor)
    make_source(claim, title="Harbour ledger")
    claim.refresh_from_db()
    assert claim.source_titles == "Harbour ledger"
    assert "source_titles" not in as_editor.get(f"/api/v1/claims/{claim.pk}/").json()
    assert not hasattr(claim.history.first(), "source_titles")


def test_the_copy_holds_every_title_in_source_order(article, editor):
    claim = make_claim(article, exact="The mayor said", created_by=editor)
    for title in ("First", "Second", "Third"):
        make_source(claim, title=title)
    Source.objects.filter(claim=claim, title="Second").delete()
    services.refresh_source_titles(claim.pk)
    claim.refresh_from_db()
    assert claim.source_titles == "First\nThird"


PAYLOADS = [
    {"count": 3, "results": [{"id": 1, "note": "Ünïcode “quotes” \u2028 </script>", "score": 0.1, "ok": None}]},
    {"at": timezone.now(), "day": datetime.date(2026, 1, 2), "amount": decimal.Decimal("1.50")},
    {"detail": "Not found.", "nested": [[[]], {}], "big": 2**70},
    {1: "integer keys", "text": "\x00 nul"},
]


@pytest.mark.parametrize("data", PAYLOADS)
def test_the_fast_renderer_writes_the_same_json_as_drf(data):
    fast = FastJSONRenderer().render(data, "application/json", {})
    assert json.loads(fast) == json.loads(JSONRenderer().render(data, "application/json", {}))


def test_the_fast_renderer_keeps_drfs_date_format_and_indent():
    moment = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
    assert FastJSONRenderer().render({"at": moment}, "application/json", {}) == b'{"at":"2026-11-26T10:00:00Z"}'
    indented = FastJSONRenderer().render({"a": 1}, "application/json; indent=2", {})
    assert indented == b'{\n  "a": 1\n}'


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_an_estimated_count_is_kept_so_the_next_pages_count_nothing(as_editor, claims, monkeypatch):
    monkeypatch.setattr(pagination.Pagination, "count_limit", 10)
    pagination.estimates.clear()
    first = as_editor.get("/api/v1/claims/", {"page_size": 5}).json()
    with CaptureQueriesContext(connection) as queries:
        second = as_editor.get(first["next"]).json()
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    assert (second["count"], second["count_exact"]) == (first["count"], False)


def test_a_newsroom_role_costs_one_small_query(api, editor, article):
    from annotations import roles

    with CaptureQueriesContext(connection) as queries:
        assert roles.roles_of(editor) == {"Editors"}
        assert roles.is_editor(editor)
        assert not roles.is_reviewer(editor)
    assert len(queries.captured_queries) == 1


def test_a_page_never_shows_the_sources_of_a_claim_left_out_between_its_claims(as_editor, claims):
    # The page's claims are dense ids, so their sources are read by id range: the claim filtered out in the middle
    # has sources in that range too.
    for claim in claims[:6]:
        make_source(claim, title=f"Source of {claim.exact}")
    Claim.objects.filter(pk=claims[2].pk).update(verdict="disputed")
    page = as_editor.get("/api/v1/claims/", {"verdict": "verified", "page_size": 5}).json()
    assert ids(page) == [claim.pk for claim in claims[:2] + claims[3:6]]
    titles = {claim["id"]: [source["title"] for source in claim["sources"]] for claim in page["results"]}
    assert titles == {claim.pk: [f"Source of {claim.exact}"] for claim in claims[:2] + claims[3:6]}


def test_a_source_moved_to_another_claim_is_found_with_that_claim_only(as_editor, article, editor):
    first = make_claim(article, exact="The mayor said", created_by=editor)
    second = make_claim(article, exact="Critics say", created_by=editor)
    make_source(first, title="Harbour ledger")
    source = Source.objects.get()  # read back, as the admin does
    source.claim = second
    source.save()
    assert ids(as_editor.get("/api/v1/claims/", {"q": "ledger"}).json()) == [second.pk]


def test_deleting_a_claim_does_not_rewrite_it_source_by_source(article, editor):
    claim = make_claim(article, exact="The mayor said", created_by=editor)
    for title in ("One", "Two", "Three"):
        make_source(claim, title=title)
    with CaptureQueriesContext(connection) as queries:
        claim.delete()
    assert not [query for query in queries.captured_queries if "source_titles" in query["sql"]]


@pytest.mark.parametrize("ordering", [None, "-updated", "position"])
@pytest.mark.parametrize("few", [0, 5_000])
def test_a_search_pages_the_same_whether_its_matches_are_read_first_or_walked(
    as_editor, claims, monkeypatch, ordering, few
):
    # On PostgreSQL a search expected to match few claims is read from its GIN index and sorted (GREATEST(key, key)
    # in the ORDER BY); otherwise the planner walks the list's order. Both must give the same pages in the same order.
    from annotations import search

    monkeypatch.setattr(search, "FEW_MATCHES", few)
    Claim.objects.filter(pk__in=[claim.pk for claim in claims[::3]]).update(updated_at=timezone.now())
    expected = as_editor.get("/api/v1/claims/", {"page_size": 200, **({"ordering": ordering} if ordering else {})})
    seen, url = [], "/api/v1/claims/?q=word&page_size=7" + (f"&ordering={ordering}" if ordering else "")
    with CaptureQueriesContext(connection) as queries:
        while url:
            page = as_editor.get(url).json()
            seen += ids(page)
            url = page["next"]
    assert seen == ids(expected.json())
    read_first = [query["sql"] for query in queries.captured_queries if "GREATEST" in query["sql"]]
    assert bool(read_first) is (connection.vendor == "postgresql" and few > 0)
    # ...and then only the page's ids are sorted, its claims read by id.
    assert all('"id" IN (SELECT' in sql for sql in read_first)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimates are PostgreSQL's")
def test_a_search_of_several_words_is_bounded_by_its_rarest_word(as_editor, claims, monkeypatch):
    # The planner multiplies the words' shares as if unrelated; every match holds each word, so the rarest word
    # bounds the matches: a common word beside a rare one is still a search with few matches.
    from annotations import search

    monkeypatch.setattr(search, "_estimated_matches", {"common": 10**6, "rare": 10}.get)
    for text, read_first in [("common", False), ("common rare", True), ("rare common", True)]:
        with CaptureQueriesContext(connection) as queries:
            as_editor.get("/api/v1/claims/", {"q": text})
        assert any("GREATEST" in query["sql"] for query in queries.captured_queries) is read_first, text
