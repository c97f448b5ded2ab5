"""The hostile input corpus: what an attacker or a broken client sends, through every way in.

Each bad input gets a clear 4xx naming what is wrong and changes nothing (`unchanged` compares every row of the
claims, sources, reviews and history before and after); nothing is ever a 500. Markup in a text field is text: it
is kept as typed (a note may quote a script it found on a page) and every page shows it escaped, which
tests/browser/test_hostile.py checks in Chromium. URLs are http(s) or refused.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Article, Claim, Review, Source
from tests.api.test_protocol import new_annotation
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

BODY = "<p>The mayor 😀 said the bridge cost 4 million euros.</p><p>Critics say the bridge cost 8 million euros.</p>"
QUOTE = "the bridge cost 4 million euros"

MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="window.__xss=1" data-xss>',
    '"><svg onload=alert(1) data-xss>',
    "</script><script>alert(1)</script><!--",
    '<a href="javascript:alert(1)" data-xss>click</a>',
    '<iframe srcdoc="<script>parent.__xss=1</script>" data-xss></iframe>',
    "'';!--\"<XSS>=&{()}",
    "{{ 7|add:7 }}{% csrf_token %}${7*7}",
    "<style>*{display:none}</style>",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
]

BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&#x3A;alert(1)",
    "javascript&colon;alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
    "file:///etc/passwd",
    "http://",
    "https://exa mple.com",
    "ftp://files.example/a",
]

SOURCE = {"url": "https://city.example/budget", "title": "City budget", "kind": "dataset", "stance": "contradicts"}


@pytest.fixture
def world():
    editor, reviewer = make_user("ed", role="Editors"), make_user("rev", role="Reviewers")
    article = make_article(title="Bridge", body_html=BODY)
    claim = services.create_claim(article, by=editor, exact=QUOTE, verdict="disputed", sources=[SOURCE])
    api = APIClient()
    api.force_authenticate(editor)
    return {"editor": editor, "reviewer": reviewer, "article": article, "claim": claim, "api": api}


def everything() -> tuple:
    """Every row a request could change."""
    return (
        list(Article.objects.order_by("pk").values()),
        list(Claim.objects.order_by("pk").values()),
        list(Source.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
        list(Claim.history.order_by("pk").values()),
    )


@contextmanager
def unchanged():
    before = everything()
    yield
    assert everything() == before, "a refused request changed the database"


def etag(api, claim) -> str:
    return api.get(f"/api/v1/claims/{claim.pk}/")["ETag"]


def send(api, method: str, path: str, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return api.generic(method, path, data, content_type="application/json", **headers)


# Markup in text fields: kept as text, never markup.


@pytest.mark.parametrize("payload", MARKUP)
def test_markup_in_every_text_field_is_stored_as_typed_and_never_reaches_a_page_as_markup(world, payload):
    api, editor, reviewer, article = world["api"], world["editor"], world["reviewer"], world["article"]
    sources = [{**SOURCE, "stance": "origin", "title": payload, "publisher": payload, "quoted_text": payload}]
    fields = {"note": payload, "speaker": payload[:200], "summary": payload[:200]}
    created = send(api, "POST", "/api/v1/claims/", {"article": article.pk, "exact": QUOTE, "verdict": "attributed",
                                                    **fields, "sources": sources})  # fmt: skip
    assert created.status_code == 201, created.json()
    claim = created.json()
    assert {name: claim[name] for name in fields} == fields
    assert claim["sources"][0]["title"] == payload
    assert claim["sources"][0]["publisher"] == payload
    assert claim["sources"][0]["quoted_text"] == payload
    api.post(f"/api/v1/claims/{claim['id']}/submit/", {"comment": payload}, format="json")
    reviewing = APIClient()
    reviewing.force_authenticate(reviewer)
    sent_back = reviewing.post(f"/api/v1/claims/{claim['id']}/request-changes/", {"comment": payload}, format="json")
    assert sent_back.status_code == 200
    assert Review.objects.get(claim_id=claim["id"]).comment == payload
    for path, who in [("/review/sent-back/", editor), (f"/articles/{article.slug}/", editor)]:
        browser = APIClient()
        browser.force_login(who)
        shows_as_text(payload, browser.get(path).content.decode(), path)
    api.post(f"/api/v1/claims/{claim['id']}/submit/", {}, format="json")
    queue = APIClient()
    queue.force_login(reviewer)
    shows_as_text(payload, queue.get("/review/").content.decode(), "/review/")
    approved = reviewing.post(f"/api/v1/claims/{claim['id']}/approve/", {"comment": payload}, format="json")
    assert approved.status_code == 200, approved.json()

    for who in (editor, reviewer, None):
        browser = APIClient()
        if who:
            browser.force_login(who)
        for path in [f"/articles/{article.slug}/", f"/claims/{claim['id']}/"]:
            shows_as_text(payload, browser.get(path).content.decode(), path)
        if who:
            assert "<" not in payload or payload not in browser.get("/dashboard/").content.decode()


def shows_as_text(payload: str, html: str, path: str) -> None:
    if "<" in payload:
        assert payload not in html, (path, "the payload is in the page unescaped")
    else:
        assert payload in html, (path, "the text is shown as typed, not evaluated")


def test_markup_in_an_article_on_import_is_sanitized_and_its_title_is_text(tmp_path):
    hostile = tmp_path / "hostile.html"
    hostile.write_text(
        "<html><head><title>Budget <script>alert(1)</script></title></head><body>"
        "<h1>Budget <img src=x onerror=alert(1)></h1><p onclick=alert(1)>The mayor said "
        '<a href="javascript:alert(1)">this</a> <iframe src="https://evil.example"></iframe>'
        "<script>alert(2)</script><style>p{}</style>it cost 4 million.</p></body></html>"
    )
    call_command("import_articles", str(hostile), verbosity=0)
    article = Article.objects.get()
    assert "<script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "<iframe" not in article.body_html
    assert "alert(2)" not in article.body_text
    page = APIClient().get(f"/articles/{article.slug}/").content.decode()
    assert "<script>alert" not in page
    assert "onerror=alert" not in page


def test_markup_in_a_revised_article_is_sanitized(world):
    api, article = world["api"], world["article"]
    given = BODY.replace("Critics", "<script>alert(1)</script><img src=x onerror=alert(1)>Critics")
    response = send(api, "PATCH", f"/api/v1/articles/{article.pk}/", {"body_html": given, "text_revision": 1})
    assert response.status_code == 200, response.json()
    article.refresh_from_db()
    assert "<script" not in article.body_html
    assert "onerror" not in article.body_html


def test_an_article_file_with_a_javascript_original_url_is_refused_and_nothing_is_imported(tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("# Budget\n\nThe mayor said it cost 4 million.\n\nOriginal url: javascript:alert(1)\n")
    with pytest.raises(CommandError, match="not an http"):
        call_command("import_articles", str(hostile), verbosity=0)
    assert not Article.objects.exists()


# URLs: http(s) or refused, in every URL field and every way in.


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_a_bad_url_is_refused_on_create_patch_put_and_annotation_import_naming_the_field(world, url, field):
    api, article, claim = world["api"], world["article"], world["claim"]
    source = {**SOURCE, field: url}
    with unchanged():
        created = send(api, "POST", "/api/v1/claims/",
                       {"article": article.pk, "exact": QUOTE, "verdict": "disputed", "sources": [source]})  # fmt: skip
        assert created.status_code == 400
        assert field in json.dumps(created.json())
        for method in ("PATCH", "PUT"):
            changed = send(api, method, f"/api/v1/claims/{claim.pk}/", {"article": article.pk, "verdict": "disputed",
                                                                         "sources": [source]}, HTTP_IF_MATCH=etag(api, claim))  # fmt: skip
            assert changed.status_code == 400, (method, changed.json())
            assert field in json.dumps(changed.json())
    annotation = new_annotation(article)
    linking = annotation["body"][2]
    if field == "url":
        linking["source"]["id"] = url
    else:
        linking["source"]["schema:archivedAt"] = url
    with unchanged():
        imported = world["api"].generic(
            "POST", "/annotations/", json.dumps(annotation), content_type="application/ld+json"
        )
        assert imported.status_code == 400, imported.content


# Broken and oversized bodies, wrong types, impossible offsets, unknown fields.

BROKEN_BODIES = {
    "nul byte": '{"verdict": "disputed", "note": "a\\u0000b"}',
    "raw nul byte": b'{"verdict": "disputed", "note": "a\x00b"}',
    "lone high surrogate": '{"verdict": "disputed", "note": "\\ud83d"}',
    "lone low surrogate": '{"verdict": "disputed", "speaker": "\\ude00"}',
    "surrogate in a key": '{"\\ud800": 1}',
    "deeply nested": "[" * 100_000 + "]" * 100_000,
    "nested objects": '{"a":' * 5000 + "1" + "}" * 5000,
    "not json": "{verdict: disputed}",
    "truncated": '{"verdict": "disput',
    "a string": '"disputed"',
    "a list": "[]",
    "null": "null",
    "invalid utf-8": b'{"note": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES.keys())
def test_a_broken_body_gets_400_on_every_write(world, body):
    api, claim = world["api"], world["claim"]
    writes = [
        ("POST", "/api/v1/claims/"),
        ("PATCH", f"/api/v1/claims/{claim.pk}/"),
        ("PUT", f"/api/v1/claims/{claim.pk}/"),
        ("POST", f"/api/v1/claims/{claim.pk}/submit/"),
        ("PATCH", f"/api/v1/articles/{claim.article_id}/"),
    ]
    with unchanged():
        for method, path in writes:
            response = api.generic(method, path, body, content_type="application/json", HTTP_IF_MATCH=etag(api, claim))
            assert response.status_code == 400, (method, path, response.content[:200])
            assert "detail" in response.json() or response.json()
        for method, path in [("POST", "/annotations/"), ("PUT", f"/annotations/{claim.pk}")]:
            response = api.generic(
                method, path, body, content_type="application/ld+json", HTTP_IF_MATCH=etag(api, claim)
            )
            assert response.status_code == 400, (method, path, response.content[:200])


def test_an_empty_body_creates_nothing_and_an_empty_patch_changes_nothing(world):
    api, claim = world["api"], world["claim"]
    with unchanged():
        assert api.generic("POST", "/api/v1/claims/", "", content_type="application/json").status_code == 400
        patched = api.generic("PATCH", f"/api/v1/claims/{claim.pk}/", "", content_type="application/json",
                              HTTP_IF_MATCH=etag(api, claim))  # fmt: skip
        assert patched.status_code == 200
        assert patched.json()["version"] == claim.version
        stale = api.generic("PATCH", f"/api/v1/claims/{claim.pk}/", "", content_type="application/json",
                            HTTP_IF_MATCH=f'"claim-{claim.pk}-v{claim.version + 1}"')  # fmt: skip
        assert stale.status_code == 412


def test_a_10_mb_body_gets_413_in_json_and_changes_nothing(world):
    api, claim = world["api"], world["claim"]
    huge = json.dumps({"article": claim.article_id, "exact": QUOTE, "verdict": "disputed", "note": "x" * 10_000_000})
    with unchanged():
        for method, path, kind in [("POST", "/api/v1/claims/", "application/json"),
                                   ("PATCH", f"/api/v1/claims/{claim.pk}/", "application/json"),
                                   ("PATCH", f"/api/v1/articles/{claim.article_id}/", "application/json"),
                                   ("POST", "/annotations/", "application/ld+json")]:  # fmt: skip
            response = api.generic(method, path, huge, content_type=kind, HTTP_IF_MATCH=etag(api, claim))
            assert response.status_code == 413, (path, response.status_code)
            assert response.json()["code"] == "too_large"


WRONG = [
    ({"verdict": 5}, "verdict"),
    ({"verdict": ["disputed"]}, "verdict"),
    ({"verdict": "maybe"}, "verdict"),
    ({"verdict": None}, "verdict"),
    ({"article": "one"}, "article"),
    ({"article": 10**30}, "article"),
    ({"article": -1}, "article"),
    ({"start": "four", "end": 9}, "start"),
    ({"start": 1.5, "end": 9}, "start"),
    ({"start": True, "end": 9}, "start"),
    ({"start": -1, "end": 9}, "start"),
    ({"start": 4, "end": -9}, "end"),
    ({"start": 10**30, "end": 10**30 + 5}, "start"),
    ({"start": 4, "end": 10**9}, "end"),
    ({"start": 9, "end": 4}, "end"),
    ({"start": 4, "end": 4}, "end"),
    ({"note": {"text": "hi"}}, "note"),
    ({"note": ["hi"]}, "note"),
    ({"note": "x" * 20_001}, "note"),
    ({"speaker": "x" * 201}, "speaker"),
    ({"sources": "https://city.example"}, "sources"),
    ({"sources": [SOURCE] * 51}, "sources"),
    ({"sources": [{**SOURCE, "kind": "rumour"}]}, "kind"),
    ({"sources": [{**SOURCE, "accessed_on": "yesterday"}]}, "accessed_on"),
    ({"sources": [{**SOURCE, "id": "abc"}]}, "id"),
    ({"sources": [{**SOURCE, "claim": 1}]}, "claim"),
    ({"prefix": "x" * 65}, "prefix"),
    ({"article_revision": 0}, "article_revision"),
    ({"review_state": "approved"}, "review_state"),
    ({"created_by": "rev"}, "created_by"),
    ({"approved_at": "2026-01-01T00:00:00Z"}, "approved_at"),
    ({"version": "latest"}, "version"),
    ({"id": 999}, "id"),
    ({"anchor_state": "anchored"}, "anchor_state"),
    ({"evil": 1}, "evil"),
]


@pytest.mark.parametrize(("given", "field"), WRONG, ids=[f"{field}-{i}" for i, (_, field) in enumerate(WRONG)])
def test_a_wrong_type_or_value_gets_400_naming_the_field_on_create_and_update(world, given, field):
    api, article, claim = world["api"], world["article"], world["claim"]
    with unchanged():
        created = send(api, "POST", "/api/v1/claims/", {"article": article.pk, "exact": QUOTE, "verdict": "disputed",
                                                        "sources": [SOURCE], **given})  # fmt: skip
        assert created.status_code == 400, created.json()
        assert field in json.dumps(created.json()), created.json()
        if "article" not in given:
            changed = send(api, "PATCH", f"/api/v1/claims/{claim.pk}/", given, HTTP_IF_MATCH=etag(api, claim))
            assert changed.status_code == 400, changed.json()
            assert field in json.dumps(changed.json()), changed.json()


def test_offsets_counted_in_utf16_units_split_the_emoji_and_are_refused_with_the_quote(world):
    """The contract counts code points. A client counting UTF-16 units (JavaScript's length) lands one past each
    astral character: with the quote, the mismatch is refused, never stored on the wrong words."""
    api, article = world["api"], world["article"]
    start = article.body_text.index(QUOTE)
    emoji = article.body_text.index("😀")
    cases = [
        {"start": start + 1, "end": start + 1 + len(QUOTE), "exact": QUOTE},  # JavaScript's offsets
        {"start": emoji, "end": emoji + 1, "exact": "\ud83d"},  # half of the emoji as UTF-16 would split it
    ]
    with unchanged():
        for given in cases:
            response = send(api, "POST", "/api/v1/claims/", {"article": article.pk, "verdict": "disputed", **given})
            assert response.status_code == 400, response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/abc/", "/api/v1/claims/-1/", "/api/v1/claims/99999999999999999999999/", "/api/v1/claims/1e3/",
        "/api/v1/claims/%00/", "/api/v1/articles/%F0%9F%98%80/", "/api/v1/articles/99999999999999999999999/",
        "/annotations/99999999999999999999999", "/annotations/%00", "/claims/99999999999999999999999/",
        "/articles/%00/", "/api/v1/claims/?article=abc", "/api/v1/claims/?page=-1", "/api/v1/claims/?page_size=10**9",
        "/api/v1/claims/?ordering=password", "/api/v1/claims/?updated_after=2026-13-45",
        "/api/v1/claims/?q=%00", "/api/v1/claims/?q=" + "a%20" * 2000, "/?q=%00", "/review/?article=abc&verdict=%00",
        "/api/v1/export/claims.csv?article=%00", "/annotations/?page=99999999999999999999",
    ],
)  # fmt: skip
def test_hostile_ids_and_query_strings_get_4xx_or_a_page_never_a_500(world, path):
    browser = APIClient()
    browser.force_login(world["reviewer"])
    assert browser.get(path).status_code < 500
