"""Permission abuse, beyond the REST API's role matrix (tests/api/test_permissions.py, every endpoint by every role):
other people's objects through the annotation protocol, the pages and the exports; approvals an editor forges;
CSRF on every state-changing page and session-authenticated call; open redirects through `next`.

Every refusal leaves the database exactly as it was (`unchanged`, from the hostile input corpus).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Claim
from tests.api.test_protocol import new_annotation
from tests.factories import make_article, make_user
from tests.security.test_hostile_input import unchanged

pytestmark = pytest.mark.django_db

BODY = "<p>The mayor said the bridge cost 4 million euros.</p><p>Critics say the bridge cost 8 million euros.</p>"
SOURCE = {"url": "https://city.example/budget", "title": "City budget", "kind": "dataset", "stance": "contradicts"}
SECRET = "the bridge cost 4 million euros"  # the draft's words: nobody outside the newsroom may read them
PROFILE = "application/ld+json"


@pytest.fixture
def world():
    users = {
        "author": make_user("author", role="Editors"),
        "other_editor": make_user("other_editor", role="Editors"),
        "reviewer": make_user("reviewer", role="Reviewers"),
        "outsider": make_user("outsider"),
    }
    article = make_article(title="Bridge", body_html=BODY)
    draft = services.create_claim(article, by=users["author"], exact=SECRET, verdict="disputed", note="Draft note",
                                  sources=[SOURCE])  # fmt: skip
    pending = services.submit_claim(
        services.create_claim(article, by=users["author"], exact="Critics say", verdict="disputed", sources=[SOURCE]),
        by=users["author"],
    )
    return {"users": users, "article": article, "draft": draft, "pending": pending}


def api_as(user=None, csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user) if csrf else client.force_authenticate(user)
    return client


def page_as(user=None, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def etag(claim) -> str:
    return f'"claim-{claim.pk}-v{Claim.objects.get(pk=claim.pk).version}"'


# Other people's objects, by id.


@pytest.mark.parametrize("actor", [None, "outsider"])
def test_a_draft_is_invisible_outside_the_newsroom_by_every_way_to_read_it(world, actor):
    user = world["users"].get(actor)
    draft = world["draft"]
    for path in [f"/api/v1/claims/{draft.pk}/", f"/api/v1/claims/{draft.pk}/history/", f"/annotations/{draft.pk}",
                 f"/claims/{draft.pk}/"]:  # fmt: skip
        assert api_as(user).get(path).status_code == 404, path
    for path in ["/api/v1/claims/", "/api/v1/claims/?q=bridge", "/annotations/", "/annotations/?page=0",
                 "/api/v1/export/annotations.jsonld", "/api/v1/export/claimreview.jsonld", "/api/v1/export/claims.csv",
                 f"/articles/{world['article'].slug}/", "/"]:  # fmt: skip
        response = api_as(user).get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Draft note" not in content, path
        if "/articles/" not in path:  # the article page holds the article's text, the draft's words among them
            assert SECRET.encode() not in content, path


@pytest.mark.parametrize("actor", ["other_editor", "reviewer", "outsider", None])
def test_nobody_but_the_author_changes_or_deletes_a_draft_through_the_annotation_protocol(world, actor):
    user, draft = world["users"].get(actor), world["draft"]
    document = json.dumps(new_annotation(world["article"]))
    with unchanged():
        put = api_as(user).generic("PUT", f"/annotations/{draft.pk}", document, content_type=PROFILE,
                                   HTTP_IF_MATCH=etag(draft))  # fmt: skip
        delete = api_as(user).delete(f"/annotations/{draft.pk}", HTTP_IF_MATCH=etag(draft))
    expected = {"other_editor": 403, "reviewer": 403, "outsider": 404, None: 401}[actor]
    assert (put.status_code, delete.status_code) == (expected, expected)


@pytest.mark.parametrize("actor", ["reviewer", "outsider", None])
def test_only_editors_create_claims_through_the_annotation_protocol(world, actor):
    document = json.dumps(new_annotation(world["article"]))
    with unchanged():
        response = api_as(world["users"].get(actor)).generic("POST", "/annotations/", document, content_type=PROFILE)
    assert response.status_code == (401 if actor is None else 403)


def test_a_forged_creator_state_or_date_in_an_annotation_is_not_taken(world):
    author, other = world["users"]["author"], world["users"]["other_editor"]
    document = new_annotation(world["article"]) | {
        "creator": {"type": "Person", "name": "reviewer", "id": "http://testserver/users/reviewer"},
        "schema:reviewState": "approved",
        "created": "2001-01-01T00:00:00Z",
    }
    response = api_as(other).generic("POST", "/annotations/", json.dumps(document), content_type=PROFILE)
    # The protocol's server-managed fields are the server's: the annotation is made, as the one who sent it, now.
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["creator"]["nickname"] == "other_editor"
    claim = Claim.objects.exclude(pk__in=[world["draft"].pk, world["pending"].pk]).get()
    assert (claim.created_by, claim.review_state) == (other, "draft")
    assert claim.created_at.year > 2001
    assert not Claim.objects.filter(review_state="approved").exists()
    assert not Claim.objects.exclude(created_by__in=[author, other]).exists()


def test_an_editor_cannot_approve_from_the_review_page_and_a_reviewer_not_their_own_claim(world):
    pending = world["pending"]
    with unchanged():
        refused = page_as(world["users"]["author"]).post(f"/review/claims/{pending.pk}/approve/")
    assert refused.status_code == 302
    told = [str(message) for message in get_messages(refused.wsgi_request)]
    assert any("Only reviewers can approve" in message for message in told), told
    reviewer = world["users"]["reviewer"]
    own = services.submit_claim(
        services.create_claim(world["article"], by=world["users"]["author"], exact="Critics", verdict="disputed",
                              sources=[SOURCE]),
        by=world["users"]["author"],
    )  # fmt: skip
    Claim.objects.filter(pk=own.pk).update(created_by=reviewer)  # a reviewer who also wrote it (a promoted editor)
    with unchanged():
        page_as(reviewer).post(f"/review/claims/{own.pk}/approve/")
        assert api_as(reviewer).post(f"/api/v1/claims/{own.pk}/approve/", {}, format="json").status_code == 403


def test_the_review_forms_answer_a_draft_id_as_if_it_did_not_exist_outside_the_newsroom(world):
    outsider = page_as(world["users"]["outsider"])
    with unchanged():
        for claim_id in (world["draft"].pk, world["pending"].pk, 999_999):
            assert outsider.post(f"/review/claims/{claim_id}/approve/").status_code == 404


def test_the_sent_back_page_lists_only_the_signed_in_editors_claims(world):
    reviewer, author = world["users"]["reviewer"], world["users"]["author"]
    services.request_changes(world["pending"], by=reviewer, comment="Private advice to the author")
    assert "Private advice" in page_as(author).get("/review/sent-back/").content.decode()
    assert "Private advice" not in page_as(world["users"]["other_editor"]).get("/review/sent-back/").content.decode()


@pytest.mark.parametrize("actor", ["author", "reviewer", "outsider"])
def test_the_admin_is_for_staff_only(world, actor):
    for path in ["/admin/", "/admin/annotations/claim/", f"/admin/annotations/claim/{world['draft'].pk}/change/",
                 "/admin/auth/user/"]:  # fmt: skip
        response = page_as(world["users"][actor]).get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/"), path


# CSRF: a page of another site cannot make a signed-in browser change anything.

SESSION_WRITES = [
    ("POST", "/api/v1/claims/", lambda w: {"article": w["article"].pk, "exact": "Critics", "verdict": "disputed"}),
    ("PATCH", "/api/v1/claims/{draft}/", lambda w: {"note": "forged"}),
    ("PUT", "/api/v1/claims/{draft}/", lambda w: {"article": w["article"].pk, "verdict": "verified"}),
    ("DELETE", "/api/v1/claims/{draft}/", lambda w: None),
    ("POST", "/api/v1/claims/{draft}/submit/", lambda w: {}),
    ("POST", "/api/v1/claims/{pending}/approve/", lambda w: {}),
    ("POST", "/api/v1/claims/{pending}/request-changes/", lambda w: {"comment": "forged"}),
    ("PATCH", "/api/v1/articles/{article}/", lambda w: {"body_html": "<p>Forged.</p>", "text_revision": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), SESSION_WRITES, ids=[f"{m} {p}" for m, p, _ in SESSION_WRITES])
def test_session_authenticated_api_writes_without_the_csrf_token_are_refused(world, method, path, body):
    admin = make_user("boss", is_staff=True, is_superuser=True)  # may do all of them
    url = path.format(draft=world["draft"].pk, pending=world["pending"].pk, article=world["article"].pk)
    with unchanged():
        response = api_as(admin, csrf=True).generic(
            method, url, json.dumps(body(world)), content_type="application/json", HTTP_IF_MATCH=etag(world["draft"])
        )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_authenticated_annotation_writes_without_the_csrf_token_are_refused(world):
    author, draft = world["users"]["author"], world["draft"]
    document = json.dumps(new_annotation(world["article"]))
    with unchanged():
        for method, path in [("POST", "/annotations/"), ("PUT", f"/annotations/{draft.pk}"),
                             ("DELETE", f"/annotations/{draft.pk}")]:  # fmt: skip
            response = api_as(author, csrf=True).generic(method, path, document, content_type=PROFILE,
                                                         HTTP_IF_MATCH=etag(draft))  # fmt: skip
            assert response.status_code == 403, (method, path)


def test_state_changing_pages_without_the_csrf_token_are_refused(world):
    reviewer, pending = world["users"]["reviewer"], world["pending"]
    admin = make_user("boss", is_staff=True, is_superuser=True)
    with unchanged():
        for user, path, data in [
            (reviewer, f"/review/claims/{pending.pk}/approve/", {}),
            (reviewer, f"/review/claims/{pending.pk}/request-changes/", {"comment": "forged"}),
            (admin, f"/admin/annotations/claim/{pending.pk}/delete/", {"post": "yes"}),
            (admin, "/admin/auth/user/add/", {"username": "mole", "password1": "x" * 20, "password2": "x" * 20}),
        ]:
            assert page_as(user, csrf=True).post(path, data).status_code == 403, path
    signed_in = page_as(reviewer, csrf=True)
    assert signed_in.post("/accounts/logout/").status_code == 403
    assert signed_in.get("/review/").status_code == 200, "a forged sign-out did not sign the reviewer out"
    login = page_as(csrf=True).post("/accounts/login/", {"username": "reviewer", "password": "pw"})
    assert login.status_code == 403, "login CSRF: another site cannot sign a browser into its own account"


# Open redirects: `next` only ever leads within the site.

OFF_SITE = [
    "https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example",
    "https:evil.example", "http://testserver@evil.example/", "javascript:alert(1)", "data:text/html,x",
    " https://evil.example", "https://evil.example\\@testserver/", "https://testserver.evil.example/",
]  # fmt: skip


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_redirects_off_site(world, target):
    response = page_as().post(
        "/accounts/login/?next=" + target, {"username": "author", "password": "pw", "next": target}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location
    assert "evil" not in location.split("?")[0].lstrip("/").split("/")[0], location


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_out_and_reviewing_never_redirect_off_site(world, target):
    reviewer = page_as(world["users"]["reviewer"])
    decided = reviewer.post(f"/review/claims/{world['pending'].pk}/request-changes/",
                            {"comment": "Needs the source", "next": target})  # fmt: skip
    assert decided["Location"] == "/review/"
    signed_out = reviewer.post("/accounts/logout/", {"next": target})
    assert signed_out["Location"] == "/", signed_out["Location"]


def test_a_same_site_next_is_followed(world):
    response = page_as().post(
        "/accounts/login/", {"username": "author", "password": "pw", "next": "/review/sent-back/"}
    )
    assert response["Location"] == "/review/sent-back/"
