"""Hostile text in Chromium: a claim whose every text field is an XSS payload, on every page that shows it.

No payload runs (no dialog, no `window.__xss`), none becomes an element (no `[data-xss]` in the DOM), and no page
breaks the Content-Security-Policy (Chromium reports each violation on the console), admin and API docs included.
"""

from __future__ import annotations

import pytest

from annotations import services
from tests.browser.test_editor import sign_in
from tests.factories import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = (
    '<img src=x onerror="window.__xss=1;alert(1)" data-xss>'
    "<script>window.__xss=2;alert(2)</script>"
    '"><svg onload="window.__xss=3" data-xss></svg>'
    '<iframe srcdoc="<script>parent.__xss=4</script>" data-xss></iframe>'
    '<a href="javascript:alert(5)" data-xss>x</a>'
)
SHORT = '<img src=x onerror="window.__xss=1" data-xss>'
BODY = (
    "<p>The mayor said the bridge cost 4 million euros.</p>"
    '<p onclick="alert(6)">Critics say the bridge cost 8 million euros.<script>alert(7)</script>'
    '<img src=x onerror="alert(8)"> The council agreed.</p>'
)


@pytest.fixture
def world():
    editor, reviewer = make_user("desk", role="Editors"), make_user("rev", role="Reviewers")
    admin = make_user("boss", is_staff=True, is_superuser=True)
    article = make_article(title=f"Bridge {SHORT}", body_html=BODY, byline=SHORT, publisher=SHORT)
    source = {
        "url": "https://city.example/<script>alert(9)</script>", "title": PAYLOAD, "publisher": SHORT,
        "quoted_text": PAYLOAD, "kind": "official_statement", "stance": "origin",
        "archived_url": "https://archive.example/?q=\"><img%20src=x%20onerror=alert(10)%20data-xss>",
    }  # fmt: skip
    fields = {"verdict": "attributed", "speaker": SHORT, "summary": SHORT, "note": PAYLOAD, "sources": [source]}

    def claim(exact: str):
        return services.submit_claim(services.create_claim(article, by=editor, exact=exact, **fields), by=editor)

    sent_back = services.request_changes(claim("The mayor said"), by=reviewer, comment=PAYLOAD)
    approved = services.approve_claim(claim("Critics say"), by=reviewer, comment=PAYLOAD)
    pending = claim("The council agreed")
    return {"editor": editor, "reviewer": reviewer, "admin": admin, "article": article,
            "sent_back": sent_back, "approved": approved, "pending": pending}  # fmt: skip


class Watch:
    """What a page did that it must not: dialogs, script errors, CSP violations."""

    def __init__(self, page) -> None:
        self.events: list[str] = []
        page.on("dialog", self.on_dialog)
        page.on("console", self.on_console)

    def on_dialog(self, dialog) -> None:
        self.events.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.events.append(f"csp: {message.text} at {message.location}")


def visit(page, watch: Watch, url: str, ready: str = "main, #content, body") -> None:
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_timeout(150)  # an onerror or onload would have fired by now
    assert page.evaluate("window.__xss") is None, url
    assert page.locator("[data-xss]").count() == 0, url
    assert watch.events == [], (url, watch.events)


def test_editor_pages_show_the_payload_as_text(page, live_server, world):
    watch = Watch(page)
    sign_in(page, live_server, world["editor"])
    article = world["article"]
    visit(page, watch, f"{live_server.url}/articles/{article.slug}/", "html[data-editor-ready]")
    assert SHORT in page.inner_text("#claim-list")
    page.click(f"#claim-mark-{world['sent_back'].pk}")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert page.input_value("#claim-note") == PAYLOAD
    page.click("[data-history-box] summary")
    page.wait_for_selector("[data-history] li >> nth=1")
    assert PAYLOAD in page.inner_text("[data-history]")
    visit(page, watch, f"{live_server.url}/articles/{article.slug}/", "html[data-editor-ready]")
    visit(page, watch, f"{live_server.url}/review/sent-back/")
    assert PAYLOAD in page.inner_text("main")  # the reviewer's comment, as text
    for path in ["/", "/dashboard/"]:
        visit(page, watch, live_server.url + path)
    assert SHORT in page.inner_text("main") or "Bridge" in page.inner_text("main")


def test_reviewer_and_public_pages_show_the_payload_as_text(page, live_server, world):
    watch = Watch(page)
    visit(page, watch, f"{live_server.url}/claims/{world['approved'].pk}/")
    assert PAYLOAD in page.inner_text("main")
    visit(page, watch, f"{live_server.url}/articles/{world['article'].slug}/", "html[data-editor-ready]")
    sign_in(page, live_server, world["reviewer"])
    visit(page, watch, f"{live_server.url}/review/")
    assert PAYLOAD in page.inner_text(f"#queue-claim-{world['pending'].pk}")


def test_admin_api_docs_and_browsable_api_show_the_payload_as_text(page, live_server, world):
    watch = Watch(page)
    sign_in(page, live_server, world["admin"])
    claim = world["sent_back"]
    paths = [
        "/admin/", "/admin/annotations/claim/", f"/admin/annotations/claim/{claim.pk}/change/",
        f"/admin/annotations/claim/{claim.pk}/history/", "/admin/annotations/source/", "/admin/annotations/review/",
        "/admin/annotations/article/", f"/admin/annotations/article/{claim.article_id}/change/",
        f"/api/v1/claims/{claim.pk}/?format=api", "/api/v1/claims/?format=api",
    ]  # fmt: skip
    for path in paths:
        visit(page, watch, live_server.url + path)
    visit(page, watch, f"{live_server.url}/api/docs/", ".swagger-ui .info")
