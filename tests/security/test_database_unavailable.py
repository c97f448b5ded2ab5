"""While the database is unavailable: 503 with Retry-After, never a 500; a write whose answer cannot be read is
rolled back, so a client never gets an error for a change that was kept; a commit that fails says the outcome is
unknown; a database error that is a bug stays a 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from annotations import queries
from annotations.models import Claim
from tests.api.conftest import BODY
from tests.api.test_protocol import new_annotation
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

QUOTE = "the bridge cost 4 million euros"


def unavailable(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_the_api_answers_503_in_json_with_retry_after(monkeypatch):
    monkeypatch.setattr(queries, "claim_rows", unavailable)
    response = APIClient().get("/api/v1/claims/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_a_page_answers_503_with_retry_after(monkeypatch):
    monkeypatch.setattr(queries, "articles_with_counts", unavailable)
    response = Client().get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()


@pytest.mark.parametrize("way", ["api", "annotation protocol"])
def test_a_write_whose_answer_cannot_be_read_is_rolled_back(monkeypatch, way):
    api = APIClient()
    api.force_authenticate(make_user("ed", role="Editors"))
    article = make_article(title="Bridge", body_html=BODY)
    # The read after the write: the claim as the answer shows it.
    monkeypatch.setattr(queries, "claims_visible_to", unavailable)
    monkeypatch.setattr(queries, "export_records", unavailable)
    if way == "api":
        response = api.post(
            "/api/v1/claims/", {"article": article.pk, "exact": QUOTE, "verdict": "disputed"}, format="json"
        )
    else:
        document = json.dumps(new_annotation(article))
        response = api.generic("POST", "/annotations/", document, content_type="application/ld+json")
    assert response.status_code == 503
    assert not Claim.objects.exists()


def test_a_database_error_that_is_a_bug_stays_a_500_with_its_traceback(monkeypatch):
    """A missing column or bad SQL is not an outage: it must not hide behind "try again"."""
    from django.db import connection

    def broken(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM annotations_claim")

    monkeypatch.setattr(queries, "claim_rows", broken)
    assert APIClient(raise_request_exception=False).get("/api/v1/claims/").status_code == 500
    monkeypatch.setattr(queries, "articles_with_counts", broken)
    assert Client(raise_request_exception=False).get("/").status_code == 500


def test_a_commit_that_fails_is_answered_outcome_unknown_never_not_kept(monkeypatch):
    """The database failing during COMMIT may or may not have kept the write: the client is told to look first."""
    from django.db import transaction

    from annotations.api import views

    class CommitFails:
        def __init__(self) -> None:
            self.atomic = transaction.atomic()

        def __enter__(self):
            return self.atomic.__enter__()

        def __exit__(self, *failure):
            self.atomic.__exit__(*failure)  # committed (in a test: the savepoint released)
            if failure[0] is None:
                raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "transaction", type("Transactions", (), {"atomic": CommitFails}))
    api = APIClient()
    api.force_authenticate(make_user("ed", role="Editors"))
    article = make_article(title="Bridge", body_html=BODY)
    response = api.post(
        "/api/v1/claims/", {"article": article.pk, "exact": QUOTE, "verdict": "disputed"}, format="json"
    )
    assert response.status_code == 503
    assert response.json()["code"] == "outcome_unknown"
    assert Claim.objects.count() == 1  # kept, as the answer allowed


def test_a_notification_that_fails_after_the_commit_does_not_turn_a_kept_change_into_an_error(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from annotations import notifications

    def mail_server_down(claim):
        raise OperationalError("the notification's query failed")

    monkeypatch.setattr(notifications, "work_waiting", mail_server_down)
    editor = make_user("ed", role="Editors")
    api = APIClient()
    api.force_authenticate(editor)
    article = make_article(title="Bridge", body_html=BODY)
    source = {"url": "https://city.example/budget", "title": "Budget", "kind": "dataset", "stance": "contradicts"}
    created = api.post("/api/v1/claims/", {"article": article.pk, "exact": QUOTE, "verdict": "disputed",
                                           "sources": [source]}, format="json").json()  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/claims/{created['id']}/submit/", {}, format="json")
    assert submitted.status_code == 200
    assert Claim.objects.get().review_state == "pending"
    assert "the notification's query failed" in caplog.text
