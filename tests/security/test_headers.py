"""Every answer carries the security headers; the pages hold no script or style a strict CSP would have to allow."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from annotations import services
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def newsroom():
    editor = make_user("ed", role="Editors")
    admin = make_user("boss", is_staff=True, is_superuser=True)
    article = make_article(title="Bridge")
    claim = services.create_claim(
        article, by=editor, exact="the bridge cost 4 million euros", verdict="disputed",
        sources=[{"url": "https://city.example/budget", "title": "Budget", "kind": "dataset", "stance": "contradicts"}],
    )  # fmt: skip
    services.approve_claim(services.submit_claim(claim, by=editor), by=make_user("rev", role="Reviewers"))
    return {"editor": editor, "admin": admin, "article": article, "claim": claim}


def pages(world) -> list[str]:
    article, claim = world["article"], world["claim"]
    return [
        "/", f"/articles/{article.slug}/", f"/claims/{claim.pk}/", "/review/", "/review/sent-back/", "/dashboard/",
        "/accounts/login/", "/api/docs/", "/api/v1/claims/?format=api", "/admin/", "/admin/annotations/claim/",
        f"/admin/annotations/claim/{claim.pk}/change/",
    ]  # fmt: skip


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_page_and_answer_has_the_strict_policy_and_the_other_headers(newsroom):
    client = Client()
    client.force_login(newsroom["admin"])
    for path in [*pages(newsroom), "/api/v1/claims/", "/api/v1/export/claims.csv", "/annotations/", "/healthz"]:
        response = client.get(path)
        assert response.status_code == 200, path
        styled = path.endswith("format=api")  # DRF's pages style inline (StyledBrowsableAPIRenderer); scripts as strict
        expected = POLICY | (
            {"style-src": "'self' 'unsafe-inline'", "style-src-attr": "'unsafe-inline'"} if styled else {}
        )
        assert policy_of(response) == expected, path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_errors_carry_the_headers_too():
    client = Client()
    for path, status in [("/articles/nope/", 404), ("/api/v1/claims/999/", 404), ("/review/", 302)]:
        response = client.get(path)
        assert response.status_code == status
        assert policy_of(response) == POLICY
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_our_pages_hold_no_inline_script_handler_style_attribute_or_javascript_url(newsroom):
    """The policy forbids them; a page that used one would break. (Admin and API docs are Django's and
    drf-spectacular's: the Chromium test checks they raise no violation.)"""
    client = Client()
    client.force_login(newsroom["admin"])
    for path in pages(newsroom)[:7]:
        html = client.get(path).content.decode()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, JS_URL):
            assert not pattern.search(html), (path, pattern.pattern, pattern.search(html))


def test_cookies_are_http_only_and_same_site():
    response = Client().get("/accounts/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    make_user("ed", role="Editors")
    signed_in = Client().post("/accounts/login/", {"username": "ed", "password": "pw"})
    session = signed_in.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
