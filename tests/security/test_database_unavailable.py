"""While the database is unavailable: 503 with Retry-After, never a 500; a write whose answer cannot be read is
rolled back, so a client never gets an error for a change that was kept."""

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
