"""The claims API as an integration sees it: create, read, change with locking, filter, page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Claim
from tests.factories import make_article, make_claim, make_source, make_user

pytestmark = pytest.mark.django_db

SOURCE = {"url": "https://city.example/budget", "title": "City budget", "kind": "dataset", "stance": "contradicts"}


def create(api, article, **payload):
    return api.post("/api/v1/claims/", {"article": article.pk, "verdict": "disputed", **payload}, format="json")


def test_claim_reads_with_every_contract_field(as_editor, article):
    response = create(as_editor, article, start=4, end=9, speaker="Critics", sources=[SOURCE])
    assert response.status_code == 201
    claim = response.json()
    assert set(claim) >= {
        "id", "url", "article", "start", "end", "exact", "prefix", "suffix", "anchor_state", "verdict", "speaker",
        "note", "review_state", "sources", "created_by", "updated_by", "created_at", "updated_at", "version",
    }  # fmt: skip
    assert set(claim["sources"][0]) == {
        "id", "url", "title", "publisher", "kind", "stance", "quoted_text", "accessed_on", "archived_url",
    }  # fmt: skip
    assert (claim["exact"], claim["prefix"], claim["created_by"], claim["version"]) == ("mayor", "The ", "ed", 1)
    assert claim["url"].endswith(f"/api/v1/claims/{claim['id']}/")
    assert response["ETag"] == f'"claim-{claim["id"]}-v1"'


def test_claim_can_be_created_from_its_quote_alone(as_editor, article):
    response = create(as_editor, article, exact="Critics say")
    assert response.status_code == 201
    assert response.json()["start"] == article.body_text.index("Critics say")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": 4, "end": 9, "exact": "Mayor"}, "exact"),
        ({"start": 0, "end": 99999}, "end"),
        ({"start": -1, "end": 3}, "start"),
        ({"exact": "the bridge cost"}, "exact"),
        ({"start": "four", "end": 9}, "start"),
        ({"start": 4, "end": 9, "verdict": "true"}, "verdict"),
        ({"start": 4, "end": 9, "sources": [{**SOURCE, "url": "javascript:alert(1)"}]}, "sources"),
        ({"start": 4, "end": 9, "review_state": "approved"}, "review_state"),
        ({"start": 4, "end": 9, "created_by": 1}, "created_by"),
    ],
)
def test_bad_claim_gets_400_naming_the_field_and_nothing_is_saved(as_editor, article, payload, field):
    response = create(as_editor, article, **payload)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Claim.objects.exists()


def test_missing_article_is_a_field_error(as_editor):
    response = as_editor.post("/api/v1/claims/", {"start": 1, "end": 2, "verdict": "disputed"}, format="json")
    assert response.status_code == 400
    assert "article" in response.json()


def etag(api, claim_id):
    return api.get(f"/api/v1/claims/{claim_id}/")["ETag"]


def test_patch_with_the_etag_changes_the_claim_and_returns_a_new_etag(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say").json()["id"]
    response = as_editor.patch(
        f"/api/v1/claims/{claim_id}/", {"note": "Budget p. 12"}, format="json", HTTP_IF_MATCH=etag(as_editor, claim_id)
    )
    assert response.status_code == 200
    assert (response.json()["note"], response["ETag"]) == ("Budget p. 12", f'"claim-{claim_id}-v2"')


def test_patch_with_the_version_in_the_body_works_too(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say").json()["id"]
    response = as_editor.patch(f"/api/v1/claims/{claim_id}/", {"note": "x", "version": 1}, format="json")
    assert response.status_code == 200


def test_two_editors_on_one_claim_the_second_gets_412_with_the_current_claim_and_nothing_is_lost(article):
    from rest_framework.test import APIClient

    author, chief = make_user("author", role="Editors"), make_user("chief", role="Admins")
    first, second = APIClient(), APIClient()
    first.force_authenticate(author)
    second.force_authenticate(chief)
    claim_id = create(first, article, exact="Critics say").json()["id"]
    seen = etag(first, claim_id)
    assert etag(second, claim_id) == seen

    assert (
        first.patch(f"/api/v1/claims/{claim_id}/", {"note": "mine"}, format="json", HTTP_IF_MATCH=seen).status_code
        == 200
    )
    response = second.patch(f"/api/v1/claims/{claim_id}/", {"note": "theirs"}, format="json", HTTP_IF_MATCH=seen)
    assert response.status_code == 412
    assert response.json()["current"]["note"] == "mine"
    assert response["ETag"] == f'"claim-{claim_id}-v2"'
    assert Claim.objects.get(pk=claim_id).note == "mine"


def test_change_without_if_match_or_version_gets_428(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say").json()["id"]
    assert as_editor.patch(f"/api/v1/claims/{claim_id}/", {"note": "x"}, format="json").status_code == 428
    assert as_editor.delete(f"/api/v1/claims/{claim_id}/").status_code == 428
    assert Claim.objects.get(pk=claim_id).note == ""


@pytest.mark.parametrize("header", ["*", '"claim-999-v1"', "garbage", '"claim-{id}-vX"'])
def test_malformed_if_match_is_refused(as_editor, article, header):
    claim_id = create(as_editor, article, exact="Critics say").json()["id"]
    response = as_editor.patch(
        f"/api/v1/claims/{claim_id}/", {"note": "x"}, format="json", HTTP_IF_MATCH=header.format(id=claim_id)
    )
    assert response.status_code == 412
    assert Claim.objects.get(pk=claim_id).version == 1


def test_stale_delete_gets_412_and_the_claim_stays(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say").json()["id"]
    seen = etag(as_editor, claim_id)
    changed = as_editor.patch(f"/api/v1/claims/{claim_id}/", {"note": "x"}, format="json", HTTP_IF_MATCH=seen)
    assert changed.status_code == 200, changed.json()
    assert as_editor.delete(f"/api/v1/claims/{claim_id}/", HTTP_IF_MATCH=seen).status_code == 412
    assert Claim.objects.filter(pk=claim_id).exists()
    assert as_editor.delete(f"/api/v1/claims/{claim_id}/", HTTP_IF_MATCH=etag(as_editor, claim_id)).status_code == 204


def test_claim_cannot_move_to_another_article(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say").json()["id"]
    other = make_article(title="Other", body_html="<p>Critics say other things.</p>")
    response = as_editor.patch(f"/api/v1/claims/{claim_id}/", {"article": other.pk, "version": 1}, format="json")
    assert response.status_code == 400
    assert "article" in response.json()


def test_review_cycle_submit_send_back_resubmit_approve_reopen(as_editor, article, reviewer):
    from rest_framework.test import APIClient

    claim_id = create(as_editor, article, exact="Critics say", sources=[SOURCE]).json()["id"]
    desk = APIClient()
    desk.force_authenticate(reviewer)
    base = f"/api/v1/claims/{claim_id}"
    assert as_editor.post(f"{base}/submit/", {}, format="json").json()["review_state"] == "pending"
    assert desk.post(f"{base}/request-changes/", {}, format="json").status_code == 400
    assert (
        desk.post(f"{base}/request-changes/", {"comment": "Add the page"}, format="json").json()["review_state"]
        == "changes_requested"
    )
    assert as_editor.post(f"{base}/submit/", {"comment": "Done"}, format="json").status_code == 200
    assert desk.post(f"{base}/approve/", {"comment": "Good"}, format="json").json()["review_state"] == "approved"
    assert as_editor.patch(f"{base}/", {"note": "late", "version": 5}, format="json").status_code == 409
    assert (
        desk.post(f"{base}/reopen/", {"comment": "New budget figures"}, format="json").json()["review_state"]
        == "changes_requested"
    )
    history = as_editor.get(f"{base}/history/").json()
    assert [entry["reason"] for entry in history] == [
        None,
        "Submitted for review",
        "Sent back: Add the page",
        "Submitted for review: Done",
        "Approved: Good",
        "Reopened: New budget figures",
    ]
    assert history[1]["changes"][0] == {"field": "review_state", "old": "draft", "new": "pending"}


def test_submit_needs_the_sources_the_verdict_requires(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say", verdict="verified").json()["id"]
    response = as_editor.post(f"/api/v1/claims/{claim_id}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "supports" in response.json()["sources"][0]


# Filters, search, ordering, paging.


@pytest.fixture
def many_claims(article, editor):
    second = make_article(title="Second", body_html="<p>Officials confirmed the bridge will open in May.</p>")
    claims = [
        make_claim(article, exact="The mayor said", verdict="attributed", speaker="Mayor Jane Doe", created_by=editor),
        make_claim(article, exact="the bridge cost 4 million euros", verdict="disputed", note="budget says 8"),
        make_claim(article, exact="Critics say", verdict="verified", review_state="approved"),
        make_claim(second, exact="the bridge will open in May", verdict="verified", anchor_state="orphaned"),
    ]
    make_source(claims[2], title="Audit office report")
    return claims


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verdict=verified", [2, 3]),
        ("review_state=approved", [2]),
        ("anchor_state=orphaned", [3]),
        ("speaker=jane", [0]),
        ("created_by=ed", [0]),
        ("q=budget", [1]),
        ("q=audit office", [2]),
        ("q=mayor", [0]),
    ],
)
def test_claim_list_filters(as_editor, many_claims, query, expected):
    results = as_editor.get(f"/api/v1/claims/?{query}").json()["results"]
    assert sorted(result["id"] for result in results) == sorted(many_claims[i].pk for i in expected)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("position", [0, 1, 2]), ("-position", [2, 1, 0]), ("created", [0, 1, 2]), ("-updated", [2, 1, 0])],
)
def test_claim_list_ordering(as_editor, many_claims, article, ordering, expected):
    results = as_editor.get(f"/api/v1/claims/?article={article.pk}&ordering={ordering}").json()["results"]
    assert [result["id"] for result in results] == [many_claims[i].pk for i in expected]


def test_filter_by_article(as_editor, many_claims, article):
    assert as_editor.get(f"/api/v1/claims/?article={article.pk}").json()["count"] == 3


def test_updated_after_returns_only_later_changes(as_editor, many_claims):
    cutoff = Claim.objects.get(pk=many_claims[1].pk).updated_at
    Claim.objects.filter(pk=many_claims[3].pk).update(
        note="changed later", updated_at=cutoff.replace(year=cutoff.year + 1)
    )
    results = as_editor.get(
        "/api/v1/claims/", {"updated_after": cutoff.replace(year=cutoff.year + 1, day=1).isoformat()}
    )
    assert [claim["id"] for claim in results.json()["results"]] == [many_claims[3].pk]


@pytest.mark.parametrize("query", ["verdict=maybe", "updated_after=yesterday", "article=abc", "ordering=secret"])
def test_bad_filter_values_get_400(as_editor, many_claims, query):
    assert as_editor.get(f"/api/v1/claims/?{query}").status_code == 400


def test_list_is_paginated_and_page_size_is_capped(as_editor, article):
    body = " ".join(f"word{n}" for n in range(260))
    big = make_article(title="Big", body_html=f"<p>{body}</p>")
    Claim.objects.bulk_create(
        [Claim(article=big, start=big.body_text.index(f"word{n} "), end=big.body_text.index(f"word{n} ") + len(f"word{n}"),
               exact=f"word{n}", verdict="verified", created_by=as_editor.handler._force_user,
               updated_by=as_editor.handler._force_user) for n in range(250)]
    )  # fmt: skip
    page = as_editor.get("/api/v1/claims/", {"page_size": 1000}).json()
    assert (page["count"], len(page["results"]), page["previous"]) == (250, 200, None)
    assert "page=2" in page["next"]
    assert len(as_editor.get("/api/v1/claims/").json()["results"]) == 50


@pytest.mark.parametrize("size", [10, 100])
def test_claim_list_costs_the_same_few_queries_for_10_or_100_claims(
    as_editor, article, size, django_assert_max_num_queries
):
    body = " ".join(f"word{n}" for n in range(size + 5))
    big = make_article(title=f"Big {size}", body_html=f"<p>{body}</p>")
    user = as_editor.handler._force_user
    claims = Claim.objects.bulk_create(
        [Claim(article=big, start=big.body_text.index(f"word{n} "), end=big.body_text.index(f"word{n} ") + len(f"word{n}"),
               exact=f"word{n}", verdict="verified", created_by=user, updated_by=make_user() if n % 2 else user)
         for n in range(size)]
    )  # fmt: skip
    for claim in claims:
        make_source(claim)
        make_source(claim, title="Second source")
    # session/auth (0 with force_authenticate), count, page of claims with article and users, sources
    with django_assert_max_num_queries(4):
        response = as_editor.get("/api/v1/claims/", {"page_size": size})
    assert len(response.json()["results"]) == size
    assert all(len(claim["sources"]) == 2 for claim in response.json()["results"])


def test_anonymous_reads_approved_claims_only(api, many_claims):
    page = api.get("/api/v1/claims/").json()
    assert [claim["id"] for claim in page["results"]] == [many_claims[2].pk]
    assert api.get(f"/api/v1/claims/{many_claims[0].pk}/").status_code == 404


def test_token_authentication_works_for_integrations(api, editor, article):
    from django.core.management import call_command

    call_command("drf_create_token", editor.username, stdout=__import__("io").StringIO())
    token = editor.auth_token.key
    response = api.post(
        "/api/v1/claims/", {"article": article.pk, "exact": "Critics say", "verdict": "disputed"},
        format="json", HTTP_AUTHORIZATION=f"Token {token}",
    )  # fmt: skip
    assert response.status_code == 201
    assert api.get("/api/v1/claims/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_session_authenticated_writes_need_the_csrf_token(article, editor):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(editor)
    response = browser.post(
        "/api/v1/claims/", {"article": article.pk, "exact": "Critics say", "verdict": "disputed"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["[" * 5000 + "]" * 5000, '{"exact": "a\\u0000b"}', '{"exact": "\\ud800"}', "{not json", '"just a string"', "[]"],
)
def test_hostile_json_gets_400_not_500(as_editor, body):
    response = as_editor.generic("POST", "/api/v1/claims/", body, content_type="application/json")
    assert response.status_code == 400


def test_browsable_api_and_format_json_are_served(as_editor, many_claims):
    assert as_editor.get("/api/v1/claims/", HTTP_ACCEPT="text/html").status_code == 200
    assert as_editor.get("/api/v1/claims/?format=json")["Content-Type"] == "application/json"


def test_claim_list_query_count_does_not_depend_on_queries_per_row(as_editor, many_claims):
    with CaptureQueriesContext(connection) as queries:
        as_editor.get("/api/v1/claims/")
    # The sources of every claim on the page in one query (by their ids, or by an id range when they are dense).
    assert len([q for q in queries.captured_queries if 'FROM "annotations_source"' in q["sql"]]) == 1


def test_put_replaces_the_claim_emptying_what_it_leaves_out(as_editor, article):
    claim_id = create(as_editor, article, exact="Critics say", note="old note", sources=[SOURCE]).json()["id"]
    response = as_editor.put(
        f"/api/v1/claims/{claim_id}/", {"article": article.pk, "verdict": "verified", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["verdict"], response.json()["note"], response.json()["sources"]) == ("verified", "", [])
    assert response.json()["exact"] == "Critics say"


def test_history_is_for_the_newsroom_only(api, article):
    claim = make_claim(article, exact="Critics say", review_state="approved")
    assert api.get(f"/api/v1/claims/{claim.pk}/").status_code == 200
    assert api.get(f"/api/v1/claims/{claim.pk}/history/").status_code == 401


def test_fast_claim_json_equals_what_drf_fields_would_give(as_editor, article):
    """The hand-built representation must stay identical to the declared fields' output."""
    from rest_framework.serializers import ModelSerializer
    from rest_framework.test import APIRequestFactory

    from annotations.api.serializers import ClaimSerializer

    claim_id = create(
        as_editor, article, exact="Critics say", sources=[{**SOURCE, "accessed_on": "2026-11-01"}]
    ).json()["id"]
    claim = Claim.objects.select_related("created_by", "updated_by").get(pk=claim_id)
    request = APIRequestFactory().get("/")
    fast = ClaimSerializer(claim, context={"request": request}).data
    generic = ModelSerializer.to_representation(ClaimSerializer(context={"request": request}), claim)
    assert fast == dict(generic)


@pytest.mark.parametrize(
    ("value", "status"),
    [("0150-01-13T21:15:15.1+19:16", 200), ("2026-01-01T00:00:00-15:59", 200), ("0001-01-01T00:00:00+23:00", 400)],
)
def test_updated_after_with_any_iso_offset_is_answered_not_a_500(as_editor, many_claims, value, status):
    """Found by schemathesis on PostgreSQL, which refuses offsets beyond ±15:59."""
    assert as_editor.get("/api/v1/claims/", {"updated_after": value}).status_code == status


def test_summary_is_written_read_and_emptied_by_put(as_editor, article):
    created = create(as_editor, article, start=4, end=9, summary="  The mayor's figure  ").json()
    assert created["summary"] == "The mayor's figure"
    assert created["approved_at"] is None
    too_long = as_editor.patch(f"/api/v1/claims/{created['id']}/", {"summary": "x" * 201, "version": 1}, format="json")
    assert too_long.status_code == 400
    assert "summary" in too_long.json()
    replaced = as_editor.put(
        f"/api/v1/claims/{created['id']}/", {"article": article.pk, "verdict": "verified", "version": 1}, format="json"
    )
    assert replaced.json()["summary"] == ""


def test_a_list_of_claims_builds_its_url_base_once(article, editor, monkeypatch):
    """The claim URLs share one reverse(): it was called per claim, 10 ms of a 500-claim article page."""
    from annotations.api import serializers as module

    calls = []
    original = module._claim_url_base
    monkeypatch.setattr(module, "_claim_url_base", lambda request: calls.append(1) or original(request))
    for n in range(5):
        make_claim(article, exact="mayor", created_by=editor, note=str(n))
    data = module.ClaimSerializer(Claim.objects.all(), many=True, context={"request": None}).data
    assert len(data) == 5
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [("q=brid", [1, 3]), ("q=Bridge%20MILLION", [1]), ("q=Jane%20Doe", [0]), ("q=audit%20rep", [2])],
)
def test_search_finds_words_by_their_beginning_on_every_database(as_editor, many_claims, query, expected):
    results = as_editor.get(f"/api/v1/claims/?{query}").json()["results"]
    assert sorted(result["id"] for result in results) == sorted(many_claims[i].pk for i in expected)


@pytest.mark.parametrize("text", ["'&|!:*()<->", "a:* & !b", "\\", "%", "''", "🙂", "x" * 200])
def test_search_syntax_in_the_query_is_plain_text(as_editor, many_claims, text):
    response = as_editor.get("/api/v1/claims/", {"q": text})
    assert response.status_code == 200
