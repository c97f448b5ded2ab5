"""Answers kept until the data changes (annotations/freshness.py): never stale, never shown to the wrong reader.

These tests commit (transactional database), as requests do in production: inside a transaction nothing is kept.
"""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations import freshness
from annotations.models import Article, Claim, Source
from tests.factories import make_article, make_claim, make_source, make_user

pytestmark = pytest.mark.django_db(transaction=True)
LIST = "/api/v1/claims/"


@pytest.fixture
def newsroom(editor):
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def claim(editor):
    claim = make_claim(
        make_article(title="Bridge"),
        verdict=Claim.Verdict.VERIFIED,
        review_state=Claim.ReviewState.APPROVED,
        created_by=editor,
        updated_by=editor,
    )
    make_source(claim, title="City budget")
    return claim


def notes(response) -> list[str]:
    return [item["note"] for item in response.json()["results"]]


def test_every_way_of_writing_moves_the_data_version_and_reading_does_not(claim, editor):
    seen = [freshness.data_version()]

    def moved() -> bool:
        seen.append(freshness.data_version())
        return seen[-1] > seen[-2]

    Claim.objects.filter(pk=claim.pk).count()
    assert not moved(), "a read"
    Claim.objects.filter(pk=claim.pk).update(note="bulk update")
    assert moved(), "a queryset update"
    make_source(claim, title="Another")
    assert moved(), "a new source"
    Source.objects.filter(claim=claim, title="Another").delete()
    assert moved(), "a deleted source"
    Article.objects.filter(pk=claim.article_id).update(title="Renamed")
    assert moved(), "an article"
    get_user_model().objects.filter(pk=editor.pk).update(username="edith")
    assert moved(), "a user's name, shown as a claim's author"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE annotations_claim SET speaker = 'raw SQL' WHERE id = %s", [claim.pk])
    assert moved(), "plain SQL"
    if connection.vendor == "postgresql":  # Django's test flush; SQLite's flush deletes rows
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE annotations_source")
        assert moved(), "a TRUNCATE"
    with transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(note="one")
        Claim.objects.filter(pk=claim.pk).update(note="two")
        assert freshness.data_version() is None, "inside a transaction nothing is kept or served"
    assert moved(), "a transaction"
    if connection.vendor == "postgresql":  # SQLite's triggers count each row
        assert seen[-1] == seen[-2] + 1, "one step per transaction, however many rows"

    def change_then_fail() -> None:
        with transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(note="rolled back")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not moved(), "a rolled-back change"


def test_the_second_read_of_a_list_is_kept_and_costs_no_claim_query(newsroom, claim, django_assert_max_num_queries):
    first = newsroom.get(LIST)
    with django_assert_max_num_queries(2):  # who sees drafts, the data version; nothing on claims
        second = newsroom.get(LIST)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "private, no-cache"
    assert {"Accept", "Authorization", "Cookie"} <= {part.strip() for part in second["Vary"].split(",")}


def test_a_change_made_any_way_shows_in_the_very_next_read(newsroom, claim, editor):
    assert notes(newsroom.get(LIST)) == [""]
    Claim.objects.filter(pk=claim.pk).update(note="changed behind the API's back")
    assert notes(newsroom.get(LIST)) == ["changed behind the API's back"]

    Claim.objects.filter(pk=claim.pk).update(review_state=Claim.ReviewState.DRAFT)
    claim.refresh_from_db()
    patched = newsroom.patch(f"{LIST}{claim.pk}/", {"note": "through the API", "version": claim.version}, format="json")
    assert patched.status_code == 200, patched.content
    assert notes(newsroom.get(LIST)) == ["through the API"]

    Source.objects.filter(claim=claim).update(title="Renamed budget")
    assert newsroom.get(LIST).json()["results"][0]["sources"][0]["title"] == "Renamed budget"
    get_user_model().objects.filter(pk=editor.pk).update(username="edith")
    assert newsroom.get(LIST).json()["results"][0]["created_by"] == "edith"
    Claim.objects.filter(pk=claim.pk).delete()
    assert newsroom.get(LIST).json()["count"] == 0


def test_a_draft_kept_for_the_newsroom_is_never_shown_to_the_public(newsroom, claim, editor):
    make_claim(claim.article, exact="Critics say", note="draft", created_by=editor, updated_by=editor)
    assert sorted(notes(newsroom.get(LIST))) == ["", "draft"]
    public = APIClient().get(LIST)
    assert notes(public) == [""]
    assert public["Cache-Control"] == "no-cache"
    assert notes(newsroom.get(LIST)) != notes(APIClient().get(LIST))


def test_each_url_query_and_host_has_its_own_answer(newsroom, claim, editor):
    make_claim(claim.article, exact="Critics say", verdict=Claim.Verdict.DISPUTED, note="disputed one")
    assert notes(newsroom.get(LIST, {"verdict": "disputed"})) == ["disputed one"]
    assert len(notes(newsroom.get(LIST))) == 2
    assert notes(newsroom.get(LIST, {"q": "critics"})) == ["disputed one"]
    elsewhere = newsroom.get(LIST, HTTP_HOST="localhost")
    assert elsewhere.json()["results"][0]["url"].startswith("http://localhost/")
    assert newsroom.get(LIST).json()["results"][0]["url"].startswith("http://testserver/")
    assert newsroom.get(LIST, {"page_size": "1"}).json()["next"]


def test_if_none_match_answers_304_until_something_changes(newsroom, claim):
    first = newsroom.get(LIST)
    etag = first["ETag"]
    assert newsroom.get(LIST, HTTP_IF_NONE_MATCH="*").status_code == 200, "* would answer 304 to a bad URL too"
    for header in (etag, f"W/{etag}", f'"other", {etag}'):
        unchanged = newsroom.get(LIST, HTTP_IF_NONE_MATCH=header)
        assert unchanged.status_code == 304, header
        assert unchanged.content == b""
        assert unchanged["ETag"] == etag
    assert newsroom.get(LIST, HTTP_IF_NONE_MATCH='"data-1-other"').status_code == 200
    assert APIClient().get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 200, "the public's answer is another one"

    Claim.objects.filter(pk=claim.pk).update(note="new")
    changed = newsroom.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert notes(changed) == ["new"]


def test_errors_and_the_browsable_api_are_not_kept(newsroom, claim):
    assert newsroom.get(LIST, {"verdict": "maybe"}).status_code == 400
    assert newsroom.get(LIST, {"verdict": "maybe"}).status_code == 400
    page = newsroom.get(LIST, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert "ETag" not in page


def test_turned_off_nothing_is_kept(newsroom, claim, settings):
    settings.RESPONSE_CACHE = False
    answer = newsroom.get(LIST)
    assert answer.status_code == 200
    assert "ETag" not in answer
    assert freshness.data_version() is None


def test_the_article_page_shows_a_new_claim_at_once_and_drafts_only_to_the_newsroom(claim, editor):
    page = f"/articles/{claim.article.slug}/"
    desk = Client()
    desk.force_login(editor)
    reader = Client()
    assert desk.get(page).content.count(b'"exact":') == 1
    assert reader.get(page).content.count(b'"exact":') == 1
    make_claim(claim.article, exact="Critics say", note="fresh draft", created_by=editor, updated_by=editor)
    assert b"fresh draft" in desk.get(page).content
    assert b"fresh draft" not in reader.get(page).content
    assert b"fresh draft" not in reader.get(page).content
    Claim.objects.filter(note="fresh draft").update(review_state=Claim.ReviewState.APPROVED)
    assert b"fresh draft" in reader.get(page).content
    assert b'<span class="count" id="claim-count">2</span>' in reader.get(page).content


def test_each_visitor_still_gets_their_own_token_and_roles_on_a_kept_page(claim, editor):
    page = f"/articles/{claim.article.slug}/"
    other = make_user("rita", role="Reviewers")
    desk, review = Client(), Client()
    desk.force_login(editor)
    review.force_login(other)
    first, second = desk.get(page), review.get(page)
    assert b'"username":"ed"' in first.content.replace(b" ", b"")
    assert b'"username":"rita"' in second.content.replace(b" ", b"")
    assert desk.cookies["csrftoken"].value != review.cookies["csrftoken"].value


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_kept_token_costs_one_query_and_a_revoked_one_fails_at_once(claim, editor, django_assert_max_num_queries):
    client = token_client(editor)
    first = client.get(LIST)
    with django_assert_max_num_queries(1):  # the data version: the token's user and roles are kept, and the list
        again = client.get(LIST)
    assert again.content == first.content
    Token.objects.filter(user=editor).delete()
    assert client.get(LIST).status_code == 401


def test_a_deactivated_account_or_a_lost_role_takes_effect_with_the_next_request(claim, editor):
    make_claim(claim.article, exact="Critics say", note="draft", created_by=editor, updated_by=editor)
    client = token_client(editor)
    assert len(notes(client.get(LIST))) == 2
    editor.groups.clear()
    assert notes(client.get(LIST)) == [""], "without a newsroom role, drafts are hidden"
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    assert client.get(LIST).status_code == 401


def test_a_wrong_token_is_refused_every_time(claim):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(LIST).status_code == 401
    assert client.get(LIST).status_code == 401


def test_a_kept_page_carries_each_visitors_own_working_csrf_token(claim, editor):
    from annotations.web.views import TOKEN_SLOT

    page = f"/articles/{claim.article.slug}/"
    desk = Client(enforce_csrf_checks=True)
    desk.force_login(editor)
    first = desk.get(page)
    second = desk.get(page)  # kept
    for answer in (first, second):
        html = answer.content.decode()
        assert TOKEN_SLOT.decode() not in html
        form_token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert f'"csrfToken": "{form_token}"' in html or f'"csrfToken":"{form_token}"' in html
    assert desk.post("/accounts/logout/", {"csrfmiddlewaretoken": form_token}).status_code == 302
    readers = [Client(), Client()]
    tokens = [reader.get(page).content.decode().split('"csrfToken": "')[1][:64] for reader in readers]
    assert tokens[0] != tokens[1], "anonymous readers share the kept page, not a token"


def test_a_kept_page_costs_the_article_id_and_the_data_version(claim, editor, django_assert_max_num_queries):
    page = f"/articles/{claim.article.slug}/"
    reader, desk = Client(), Client()
    desk.force_login(editor)
    first_reader, first_desk = reader.get(page), desk.get(page)
    with django_assert_max_num_queries(2):  # the article's id, the data version
        assert reader.get(page).content.count(b'"exact":') == first_reader.content.count(b'"exact":')
    with django_assert_max_num_queries(3):  # and the session (its user is kept: annotations/backends.py)
        assert desk.get(page).status_code == first_desk.status_code == 200
    assert Client().get("/articles/no-such-story/").status_code == 404


def session_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if 'FROM "auth_user"' in query["sql"]]


def test_a_signed_in_member_is_read_once_per_data_version_and_every_change_shows_at_once(claim, editor):
    from django.test.utils import CaptureQueriesContext

    make_claim(claim.article, exact="Critics say", note="draft", created_by=editor, updated_by=editor)
    desk = session_client(editor)
    assert len(notes(desk.get(LIST))) == 2
    with CaptureQueriesContext(connection) as queries:
        assert len(notes(desk.get(LIST))) == 2
    assert user_queries(queries) == []
    editor.groups.clear()
    assert notes(desk.get(LIST)) == [""], "without a newsroom role, drafts are hidden"
    editor.set_password("a new one")
    editor.save()
    assert notes(desk.get(LIST)) == [""]
    assert "_auth_user_id" not in desk.session, "a changed password signs the session out"


def test_a_deactivated_member_is_signed_out_with_the_next_request(claim, editor):
    make_claim(claim.article, exact="Critics say", note="draft", created_by=editor, updated_by=editor)
    desk = session_client(editor)
    assert len(notes(desk.get(LIST))) == 2
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    assert notes(desk.get(LIST)) == [""], "read as a member of the public"


def test_staff_are_read_afresh_on_every_request(claim):
    # The admin checks Django permissions, whose tables the data version does not count.
    from django.test.utils import CaptureQueriesContext

    chief = make_user("chief", role="Admins", is_staff=True)
    admin = session_client(chief)
    admin.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        assert admin.get(LIST).status_code == 200
    assert len(user_queries(queries)) == 1


# The tables whose changes the data version counts, as the migration that made the triggers names them.
DATA_TABLES = importlib.import_module("annotations.migrations.0008_data_version").TABLES


def tables_with_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'factcheck_data%'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'factcheck_data_version'")
        return {table for (table,) in cursor.fetchall()}


def test_every_table_an_answer_shows_has_its_trigger():
    assert tables_with_triggers() >= set(DATA_TABLES)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers when a migration rebuilds a table")
def test_triggers_a_table_rebuild_dropped_come_back_with_the_next_migrate(claim):
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER factcheck_data_version_annotations_claim_update")
    call_command("migrate", verbosity=0)
    before = freshness.data_version()
    Claim.objects.filter(pk=claim.pk).update(note="counted again")
    assert freshness.data_version() > before


def test_a_new_epoch_keeps_answers_kept_under_the_same_number_from_coming_back(newsroom, claim):
    first = newsroom.get(LIST)
    with connection.cursor() as cursor:  # as after the table was made again: same number, another epoch
        cursor.execute("UPDATE factcheck_data_version SET epoch = 'another'")
    again = newsroom.get(LIST)
    assert again["ETag"] != first["ETag"]
    assert again.content == first.content
