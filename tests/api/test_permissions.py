"""Who may do what through the API: every endpoint by every role, against the status a newsroom expects.

The table below is the contract. Each row is one request; each column one actor:

- anonymous: no credentials. Their writes are refused for lack of credentials: `AUTH` in the table, which is
  401 with `WWW-Authenticate: Token` while TokenAuthentication is the first authentication class (as
  configured), or 403 if SessionAuthentication came first (it sends no challenge, so DRF answers 403);
- author: the editor who wrote the claims of the test world;
- other_editor: another editor, who did not write them;
- reviewer: a reviewer (no editing rights);
- admin: a member of the Admins group;
- superuser: a Django superuser without any group (counts as an admin);
- outsider: signed in, but holding no newsroom role (reads like the public).

Every refused request (and every read) must leave the database exactly as it was; every accepted write
must have its effect. Anonymous readers and outsiders cannot see drafts, so for them a draft's URL is
404 on reads; writes by anonymous users are refused by IsAuthenticatedOrReadOnly before any lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from annotations.models import Article, ArticleRevision, Claim, Review, Source
from tests.factories import BODY_HTML, make_article, make_claim, make_source, make_user

pytestmark = pytest.mark.django_db

API = "/api/v1/"
ACTORS = ("anonymous", "author", "other_editor", "reviewer", "admin", "superuser", "outsider")

AUTH = 0  # refused for lack of credentials: 401 or 403, see the module's docstring

QUOTE = "the bridge cost 4 million euros"  # what the claims of the test world mark
NEW_NOTE = "Checked against the 2024 budget."
REVISED_HTML = BODY_HTML.replace("twice that", "three times that")


def new_claim(world, **extra) -> dict:
    return {"article": world.article.pk, "verdict": "disputed", "exact": "Critics say", **extra}


# What an accepted write must have done. Each gets the world (as it was set up) and the acting user.


def article_revised(world, user) -> None:
    article = Article.objects.get(pk=world.article.pk)
    assert (article.text_revision, article.body_html) == (2, REVISED_HTML)
    assert ArticleRevision.objects.get(article=article).revised_by == user


def claim_created(world, user) -> None:
    created = Claim.objects.exclude(pk__in=[claim.pk for claim in world.claims.values()]).get()
    assert (created.created_by, created.updated_by, created.review_state) == (user, user, "draft")


def claim_edited(name: str) -> Callable:
    def check(world, user) -> None:
        before, after = world.claims[name], Claim.objects.get(pk=world.claims[name].pk)
        assert (after.note, after.version, after.updated_by) == (NEW_NOTE, before.version + 1, user)
        assert after.review_state == before.review_state

    return check


def claim_deleted(name: str) -> Callable:
    def check(world, user) -> None:
        assert not Claim.objects.filter(pk=world.claims[name].pk).exists()

    return check


def claim_moved_to(name: str, state: str, decision: str | None = None) -> Callable:
    def check(world, user) -> None:
        before, after = world.claims[name], Claim.objects.get(pk=world.claims[name].pk)
        assert (after.review_state, after.version) == (state, before.version + 1)
        if decision:
            assert Review.objects.filter(claim=after, reviewer=user, decision=decision).count() == 1

    return check


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # "{article}" or "{<claim name>}" is replaced by that object's id
    expect: tuple[int, ...]  # one status per actor, in the order of ACTORS
    body: dict | Callable | None = None  # a callable gets the world
    if_match: bool = False  # send the ETag, as read by the newsroom, in If-Match
    effect: Callable | None = None  # what an accepted write did
    label: str = ""
    bugs: dict[str, str] = field(default_factory=dict)  # actor -> reason of a strict xfail

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}" + (f" {self.label}" if self.label else "")


REVISE = {"body_html": REVISED_HTML, "reason": "Correction"}
NOTE = {"note": NEW_NOTE}
COMMENT = {"comment": "Fix the source"}
REASON = {"comment": "New evidence"}

# fmt: off
# statuses for: anonymous, author, other_editor, reviewer, admin, superuser, outsider
#                                                                  anon auth othr rev  adm  su   out
MATRIX = [
    # Articles: everyone reads; editors and admins revise the text.
    Row("GET", "articles/",                                expect=(200, 200, 200, 200, 200, 200, 200)),
    Row("GET", "articles/{article}/",                      expect=(200, 200, 200, 200, 200, 200, 200)),
    Row("PATCH", "articles/{article}/", body=REVISE,       expect=(AUTH, 200, 200, 403, 200, 200, 403),
        if_match=True, effect=article_revised),

    # Reading claims: drafts are private to the newsroom; approved claims are public.
    Row("GET", "claims/",                                  expect=(200, 200, 200, 200, 200, 200, 200)),
    Row("GET", "claims/{draft}/",                          expect=(404, 200, 200, 200, 200, 200, 404)),
    Row("GET", "claims/{approved}/",                       expect=(200, 200, 200, 200, 200, 200, 200)),
    Row("GET", "claims/{draft}/history/",                  expect=(404, 200, 200, 200, 200, 200, 404)),
    Row("GET", "claims/{approved}/history/",               expect=(AUTH, 200, 200, 200, 200, 200, 403)),

    # Creating claims: editors and admins. Forged server-side fields are refused whoever sends them.
    Row("POST", "claims/", body=new_claim,                 expect=(AUTH, 201, 201, 403, 201, 201, 403),
        effect=claim_created),
    Row("POST", "claims/", label="forging review_state",   expect=(AUTH, 400, 400, 403, 400, 400, 403),
        body=lambda world: new_claim(world, review_state="approved")),
    Row("POST", "claims/", label="forging created_by",     expect=(AUTH, 400, 400, 403, 400, 400, 403),
        body=lambda world: new_claim(world, created_by=world.users["admin"].pk)),

    # Changing claims: the author edits own drafts and claims sent back; admins edit any claim not approved;
    # a pending claim waits for its review (409 for its author); an approved claim is locked for everyone.
    Row("PATCH", "claims/{draft}/", body=NOTE,             expect=(AUTH, 200, 403, 403, 200, 200, 404),
        if_match=True, effect=claim_edited("draft")),
    Row("PATCH", "claims/{sent_back}/", body=NOTE,         expect=(AUTH, 200, 403, 403, 200, 200, 404),
        if_match=True, effect=claim_edited("sent_back")),
    Row("PATCH", "claims/{pending}/", body=NOTE,           expect=(AUTH, 409, 403, 403, 200, 200, 404),
        if_match=True, effect=claim_edited("pending")),
    Row("PATCH", "claims/{approved}/", body=NOTE,          expect=(AUTH, 409, 409, 409, 409, 409, 409),
        if_match=True),
    Row("PUT", "claims/{draft}/", body=lambda world: new_claim(world, exact=QUOTE, note=NEW_NOTE),
        expect=(AUTH, 200, 403, 403, 200, 200, 404), if_match=True, effect=claim_edited("draft")),
    Row("DELETE", "claims/{draft}/",                       expect=(AUTH, 204, 403, 403, 204, 204, 404),
        if_match=True, effect=claim_deleted("draft")),
    Row("DELETE", "claims/{approved}/",                    expect=(AUTH, 409, 409, 409, 409, 409, 409),
        if_match=True),

    # The review workflow: authors submit; reviewers (and admins) approve, send back and reopen.
    Row("POST", "claims/{draft}/submit/", body={},         expect=(AUTH, 200, 403, 403, 200, 200, 404),
        effect=claim_moved_to("draft", "pending")),
    Row("POST", "claims/{pending}/approve/", body={},      expect=(AUTH, 403, 403, 200, 200, 200, 404),
        effect=claim_moved_to("pending", "approved", "approve")),
    Row("POST", "claims/{pending}/request-changes/",       expect=(AUTH, 403, 403, 200, 200, 200, 404),
        body=COMMENT, effect=claim_moved_to("pending", "changes_requested", "request_changes")),
    Row("POST", "claims/{pending}/request-changes/",       expect=(AUTH, 403, 403, 400, 400, 400, 404),
        body={}, label="without a comment"),
    Row("POST", "claims/{approved}/reopen/", body=REASON,  expect=(AUTH, 403, 403, 200, 200, 200, 403),
        effect=claim_moved_to("approved", "changes_requested", "request_changes")),
    Row("POST", "claims/{approved}/reopen/", body={},      expect=(AUTH, 403, 403, 400, 400, 400, 403),
        label="without a comment"),
]
# fmt: on


@pytest.fixture
def world():
    """An article with one claim by `author` in each review state, each backed by a contradicting source."""
    users = {
        "anonymous": None,
        "author": make_user("author", role="Editors"),
        "other_editor": make_user("other_editor", role="Editors"),
        "reviewer": make_user("reviewer", role="Reviewers"),
        "admin": make_user("admin", role="Admins"),
        "superuser": make_user("superuser", is_superuser=True, is_staff=True),
        "outsider": make_user("outsider"),
    }
    article = make_article(title="Bridge")
    claims = {}
    for state, name in [("draft", "draft"), ("pending", "pending"), ("approved", "approved"),
                        ("changes_requested", "sent_back")]:  # fmt: skip
        claims[name] = make_claim(article, created_by=users["author"], review_state=state, note="Original note")
        make_source(claims[name])
    return SimpleNamespace(users=users, article=article, claims=claims)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def etag(world, path: str) -> str:
    """The ETag as the newsroom reads it (anonymous users cannot read drafts, so read as the superuser)."""
    response = client_for(world.users["superuser"]).get(API + path)
    assert response.status_code == 200
    return response["ETag"]


def database_state() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "claims": list(
            Claim.objects.order_by("pk").values_list(
                "pk", "version", "review_state", "note", "verdict", "updated_by", "start", "end"
            )
        ),
        "sources": list(Source.objects.order_by("pk").values_list("pk", "claim", "stance", "url")),
        "reviews": Review.objects.count(),
        "claim_history": Claim.history.count(),
        "articles": list(Article.objects.order_by("pk").values_list("pk", "text_revision", "body_html")),
        "article_revisions": ArticleRevision.objects.count(),
    }


def matrix_cases() -> list:
    cases = []
    for row in MATRIX:
        assert len(row.expect) == len(ACTORS), row.name
        for actor, status in zip(ACTORS, row.expect, strict=True):
            marks = [pytest.mark.xfail(strict=True, reason=row.bugs[actor])] if actor in row.bugs else []
            cases.append(pytest.param(row, actor, status, id=f"{row.name} [{actor}]", marks=marks))
    return cases


def assert_refused_for_lack_of_credentials(response) -> None:
    """401 with the first authentication class's challenge if it has one, else 403 (DRF's rule)."""
    challenge = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]().authenticate_header(None)
    assert response.status_code == (401 if challenge else 403), response.data
    assert response.get("WWW-Authenticate") == challenge
    assert response.data["detail"].code == "not_authenticated"


def send(world, row: Row, user):
    path = row.path.format(article=world.article.pk, **{name: claim.pk for name, claim in world.claims.items()})
    headers = {"HTTP_IF_MATCH": etag(world, path)} if row.if_match else {}
    body = row.body(world) if callable(row.body) else row.body
    return getattr(client_for(user), row.method.lower())(API + path, body, format="json", **headers)


@pytest.mark.parametrize(("row", "actor", "expected"), matrix_cases())
def test_permission_matrix(world, row, actor, expected):
    user = world.users[actor]
    before = database_state()

    response = send(world, row, user)

    if expected == AUTH:
        assert_refused_for_lack_of_credentials(response)
    else:
        assert response.status_code == expected, getattr(response, "data", response.content)
    if row.method == "GET" or expected == AUTH or expected >= 400:
        assert database_state() == before, "a read or a refused request changed the database"
    else:
        assert row.effect is not None, f"{row.name}: say what an accepted request does"
        row.effect(world, user)


# Who sees which claims: the public sees approved claims only, the newsroom sees every claim.

VISIBLE = {"anonymous": 1, "author": 4, "other_editor": 4, "reviewer": 4, "admin": 4, "superuser": 4, "outsider": 1}


@pytest.mark.parametrize(("actor", "count"), VISIBLE.items())
def test_claim_lists_and_counts_show_drafts_only_to_the_newsroom(world, actor, count):
    client = client_for(world.users[actor])

    claims = client.get(API + "claims/").json()
    assert claims["count"] == len(claims["results"]) == count
    if count == 1:
        assert [claim["id"] for claim in claims["results"]] == [world.claims["approved"].pk]
    listed = client.get(API + "articles/").json()["results"]
    assert [article["claim_counts"]["total"] for article in listed] == [count]
    detail = client.get(API + f"articles/{world.article.pk}/").json()
    assert detail["claim_counts"]["total"] == count


def test_the_etag_has_the_documented_format(world):
    claim = world.claims["draft"]
    assert etag(world, f"claims/{claim.pk}/") == f'"claim-{claim.pk}-v{claim.version}"'


# An approved claim is locked until a reviewer reopens it.


def test_an_approved_claim_is_locked_until_a_reviewer_reopens_it(world):
    claim = world.claims["approved"]
    path = f"claims/{claim.pk}/"
    author, reviewer = client_for(world.users["author"]), client_for(world.users["reviewer"])

    for actor in ("author", "admin", "superuser"):
        before = database_state()
        response = client_for(world.users[actor]).patch(
            API + path, NOTE, format="json", HTTP_IF_MATCH=etag(world, path)
        )
        assert response.status_code == 409, actor
        assert database_state() == before

    assert reviewer.post(API + path + "reopen/", REASON, format="json").status_code == 200
    response = author.patch(API + path, NOTE, format="json", HTTP_IF_MATCH=etag(world, path))
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.note, claim.review_state) == (NEW_NOTE, "changes_requested")


# Four eyes: whoever wrote a claim or last edited it cannot approve it, whatever roles they hold.


def test_an_admin_who_last_edited_a_claim_cannot_approve_it(world):
    claim = world.claims["pending"]
    path = f"claims/{claim.pk}/"
    admin = client_for(world.users["admin"])
    assert admin.patch(API + path, NOTE, format="json", HTTP_IF_MATCH=etag(world, path)).status_code == 200

    before = database_state()
    assert admin.post(API + path + "approve/", {}, format="json").status_code == 403
    assert database_state() == before
    assert client_for(world.users["reviewer"]).post(API + path + "approve/", {}, format="json").status_code == 200


@pytest.mark.parametrize("roles", [("Editors", "Reviewers"), ("Admins",)], ids=["editor-and-reviewer", "admin"])
def test_the_author_of_a_claim_cannot_approve_it(world, roles):
    author = make_user("writer")
    author.groups.add(*Group.objects.filter(name__in=roles))
    client = client_for(author)
    source = {"url": "https://city.example/budget", "kind": "dataset", "stance": "contradicts"}
    response = client.post(API + "claims/", new_claim(world, sources=[source]), format="json")
    assert response.status_code == 201
    path = f"claims/{response.json()['id']}/"
    assert client.post(API + path + "submit/", {}, format="json").status_code == 200

    before = database_state()
    assert client.post(API + path + "approve/", {}, format="json").status_code == 403
    assert database_state() == before
    assert client_for(world.users["reviewer"]).post(API + path + "approve/", {}, format="json").status_code == 200


# The optimistic lock is part of every write: a stale If-Match changes nothing and says so.


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_stale_if_match_changes_nothing(world, method):
    claim = world.claims["draft"]
    path = f"claims/{claim.pk}/"
    stale = etag(world, path)
    Claim.objects.filter(pk=claim.pk).update(version=claim.version + 1)  # someone else saved meanwhile
    before = database_state()

    response = getattr(client_for(world.users["author"]), method)(
        API + path, NOTE if method == "patch" else None, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert database_state() == before
