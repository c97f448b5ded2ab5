"""The articles API: lists with claim counts, the text, and revising the text with its re-anchoring report."""

import re

import pytest

from annotations.models import ArticleRevision
from tests.factories import make_article, make_claim, make_user

pytestmark = pytest.mark.django_db


def test_article_list_counts_claims_by_verdict_and_state(as_editor, article):
    make_claim(article, exact="The mayor said", verdict="attributed")
    make_claim(article, exact="Critics say", verdict="verified", review_state="approved")
    (listed,) = as_editor.get("/api/v1/articles/").json()["results"]
    assert listed["claim_counts"] == {
        "total": 2,
        "by_verdict": {"attributed": 1, "disputed": 0, "verified": 1},
        "by_review_state": {"draft": 1, "pending": 0, "approved": 1, "changes_requested": 0},
    }
    assert "body_html" not in listed


def test_anonymous_counts_only_approved_claims(api, article):
    make_claim(article, exact="The mayor said")
    make_claim(article, exact="Critics say", review_state="approved")
    assert api.get("/api/v1/articles/").json()["results"][0]["claim_counts"]["total"] == 1


def test_article_detail_has_the_text_its_revision_and_an_etag(api, article):
    response = api.get(f"/api/v1/articles/{article.pk}/")
    body = response.json()
    assert body["body_text"] == article.body_text
    assert body["body_html"] == article.body_html
    assert (body["text_revision"], body["text_hash"]) == (1, article.text_hash)
    assert body["page"].endswith(f"/articles/{article.slug}/")
    assert response["ETag"] == f'"article-{article.pk}-r1"'


def test_article_list_costs_the_same_queries_for_many_articles(api, django_assert_max_num_queries):
    for n in range(30):
        make_claim(
            make_article(title=f"Story {n}", body_html=f"<p>They said the bridge cost 4 million euros, {n}.</p>")
        )
    with django_assert_max_num_queries(2):
        assert len(api.get("/api/v1/articles/").json()["results"]) == 30


def test_patch_body_revises_the_article_and_reports_each_claim(as_editor, article):
    claim = make_claim(article, exact="Critics say", review_state="approved")
    revised = article.body_html.replace("The mayor said", "Mayor Jane Doe said").replace("Critics say", "Critics argue")
    response = as_editor.patch(
        f"/api/v1/articles/{article.pk}/", {"body_html": revised, "reason": "Names"}, format="json"
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["revision"], report["changed"]) == (2, True)
    assert report["counts"]["changed"] == 1
    (outcome,) = report["claims"]
    assert (outcome["claim"], outcome["exact"], outcome["review_state"]) == (claim.pk, "Critics argue", "pending")
    assert response["ETag"] == f'"article-{article.pk}-r2"'
    assert ArticleRevision.objects.get().reason == "Names"


def test_patch_with_a_stale_article_etag_gets_412_and_changes_nothing(as_editor, article):
    as_editor.patch(f"/api/v1/articles/{article.pk}/", {"body_html": "<p>First correction.</p>"}, format="json")
    response = as_editor.patch(
        f"/api/v1/articles/{article.pk}/", {"body_html": "<p>Second.</p>"}, format="json",
        HTTP_IF_MATCH=f'"article-{article.pk}-r1"',
    )  # fmt: skip
    assert response.status_code == 412
    assert as_editor.get(f"/api/v1/articles/{article.pk}/").json()["body_text"] == "First correction."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body_html"),
        ({"body_html": "<script>x</script>"}, "body_html"),
        ({"body_html": "<p>x</p>", "title": "New"}, "title"),
    ],
)
def test_bad_revision_gets_400(as_editor, article, payload, field):
    response = as_editor.patch(f"/api/v1/articles/{article.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_reviewers_and_anonymous_cannot_revise(api, article):
    assert api.patch(f"/api/v1/articles/{article.pk}/", {"body_html": "<p>x</p>"}, format="json").status_code == 401
    api.force_authenticate(make_user("r", role="Reviewers"))
    assert api.patch(f"/api/v1/articles/{article.pk}/", {"body_html": "<p>x</p>"}, format="json").status_code == 403
    assert not ArticleRevision.objects.exists()


def test_unknown_article_is_404(api):
    assert api.get("/api/v1/articles/999/").status_code == 404


def test_openapi_schema_and_docs_are_served_without_a_cdn(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/claims/{id}/approve/" in schema.json()["paths"]
    docs = api.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert any("swagger-ui" in asset for asset in assets)
    assert all(asset.startswith("/") for asset in assets), assets
