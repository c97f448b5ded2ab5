"""The editor in Chromium: select words, tag them, save, reload, edit, delete, by mouse and by keyboard."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from annotations import services
from annotations.models import Claim
from tests.factories import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<p>The mayor said the bridge cost 4 million euros.</p>\n"
    "<p>Critics say the bridge cost 8 million euros, citing the city budget.</p>"
)


@pytest.fixture
def editor():
    return make_user("desk", role="Editors")


@pytest.fixture
def article():
    return make_article(title="Bridge", body_html=BODY)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def open_article(page, live_server, article):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{live_server.url}/articles/{article.slug}/")
    page.wait_for_selector("html[data-editor-ready]")
    return errors


def select_text(page, words: str, occurrence: int = 0, through: str | None = None):
    """Drag the mouse over `words` (or from `words` to the end of `through`) in the article body."""
    box = page.evaluate(
        """([words, occurrence, through]) => {
            const body = document.getElementById("article-body");
            const text = body.textContent;
            let at = -1;
            for (let i = 0; i <= occurrence; i++) at = text.indexOf(words, at + 1);
            const end = through ? text.indexOf(through, at) + through.length : at + words.length;
            const point = (offset, isEnd) => {
                const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
                let seen = 0, node;
                while ((node = walker.nextNode())) {
                    const past = seen + node.data.length;
                    if (isEnd ? past >= offset : past > offset) return [node, offset - seen];
                    seen = past;
                }
            };
            const [startNode, startOffset] = point(at, false);
            const [endNode, endOffset] = point(end, true);
            const first = document.createRange(); first.setStart(startNode, startOffset); first.setEnd(startNode, startOffset + 1);
            const last = document.createRange(); last.setStart(endNode, endOffset - 1); last.setEnd(endNode, endOffset);
            const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
            return [a.left + 1, (a.top + a.bottom) / 2, b.right - 1, (b.top + b.bottom) / 2];
        }""",
        [words, occurrence, through],
    )
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()


def marked_text(page, claim_id: int) -> str:
    return page.evaluate(
        """(id) => [...document.querySelectorAll("mark.hl")]
            .filter((mark) => mark.dataset.claims.split(" ").includes(String(id)))
            .map((mark) => mark.textContent).join("")""",
        claim_id,
    )


def test_select_tag_save_reload_edit_and_delete_a_claim(page, live_server, editor, article):
    sign_in(page, live_server, editor)
    errors = open_article(page, live_server, article)
    select_text(page, "the bridge cost 8 million euros")
    page.wait_for_selector("#claim-form:not([hidden])")
    page.check("input[name=verdict][value=disputed]")
    page.fill("#claim-speaker", "Critics")
    page.fill("#claim-summary", "Critics: the bridge cost 8 million euros")
    page.click("[data-add-source]")
    page.fill("[data-source-row] input[name=url]", "https://city.example/budget")
    page.fill("[data-source-row] input[name=title]", "City budget 2024")
    page.select_option("[data-source-row] select[name=stance]", "contradicts")
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("#claim-form[hidden]", state="attached")

    claim = Claim.objects.get()
    text = article.body_text
    assert (claim.exact, claim.start) == ("the bridge cost 8 million euros", text.index("the bridge cost 8"))
    assert claim.sources.get().title == "City budget 2024"
    assert claim.summary == "Critics: the bridge cost 8 million euros"

    page.reload()
    page.wait_for_selector("html[data-editor-ready]")
    assert marked_text(page, claim.pk) == "the bridge cost 8 million euros"

    page.click(f"#claim-mark-{claim.pk}")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert page.input_value("#claim-summary") == "Critics: the bridge cost 8 million euros"
    assert page.locator("[data-public-link]").is_hidden()  # a draft has no public page
    page.fill("#claim-note", "The budget says 8 million")
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim saved.")
    claim.refresh_from_db()
    assert (claim.note, claim.version) == ("The budget says 8 million", 2)

    page.click(f"#claim-mark-{claim.pk}")
    page.click("[data-delete]")
    page.click("[data-delete]")  # confirm
    expect(page.locator("#editor-status")).to_have_text("Claim deleted.")
    assert not Claim.objects.exists()
    assert page.locator("mark.hl").count() == 0
    assert errors == []


def test_selection_across_two_paragraphs(page, live_server, editor, article):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    select_text(page, "4 million euros.", through="Critics say")
    page.wait_for_selector("#claim-form:not([hidden])")
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    assert Claim.objects.get().exact == "4 million euros.\nCritics say"


def test_overlapping_and_nested_claims_are_all_drawn_on_their_words(page, live_server, editor, article):
    outer = services.create_claim(article, by=editor, exact="the bridge cost 4 million euros", verdict="disputed")
    inner = services.create_claim(article, by=editor, exact="4 million", verdict="verified")
    crossing = services.create_claim(article, by=editor, exact="euros.\nCritics", verdict="attributed")
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    for claim in (outer, inner, crossing):
        assert marked_text(page, claim.pk) == claim.exact
    assert page.evaluate("document.getElementById('article-body').textContent") == article.body_text
    assert page.locator("mark.hl-overlap").count() >= 2


def test_astral_characters_keep_offsets_in_code_points(page, live_server, editor):
    article = make_article(title="Emoji", body_html="<p>Fans 👍🏽 said 𝕏 the 🇫🇷 team won 3–1.</p>")
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    select_text(page, "team won")
    page.wait_for_selector("#claim-form:not([hidden])")
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.exact) == (
        article.body_text.index("team won"),
        article.body_text.index("team won") + 8,
        "team won",
    )
    page.reload()
    page.wait_for_selector("html[data-editor-ready]")
    assert marked_text(page, claim.pk) == "team won"


def test_markup_in_a_note_or_source_title_is_shown_as_text_and_never_runs(page, live_server, editor, article):
    payload = "<img src=x onerror=alert(1)>"
    services.create_claim(
        article, by=editor, exact="Critics say", verdict="disputed", speaker=payload, note=payload,
        sources=[{"url": "https://x.example", "title": payload, "kind": "expert", "stance": "contradicts"}],
    )  # fmt: skip
    sign_in(page, live_server, editor)
    errors = open_article(page, live_server, article)
    assert payload in page.inner_text("#claim-list")
    page.click(".claim-item")
    page.keyboard.press("Enter")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert page.input_value("#claim-note") == payload
    assert page.input_value("[data-source-row] input[name=title]") == payload
    assert page.locator("img").count() == 0
    assert errors == []


def test_whitespace_only_selection_gets_a_clear_message(page, live_server, editor, article):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    page.evaluate(
        """() => {
            const body = document.getElementById("article-body");
            const gap = [...body.childNodes].find((node) => node.nodeType === 3);
            const range = document.createRange(); range.selectNodeContents(gap);
            const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }"""
    )
    expect(page.locator("#editor-status")).to_contain_text("only whitespace")
    assert page.locator("#claim-form").is_hidden()


def test_server_error_appears_next_to_its_field(page, live_server, editor, article):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    select_text(page, "Critics say")
    page.click("[data-add-source]")
    page.fill("[data-source-row] input[name=url]", "javascript:alert(1)")
    page.click("#claim-form button[type=submit]")
    error = page.locator("[data-source-row] [data-field]:has(input[name=url]) [data-error]")
    error.wait_for()
    assert "valid URL" in error.inner_text()
    assert not Claim.objects.exists()


def test_keyboard_only_creation_escape_and_panel_arrows(page, live_server, editor, article):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "new-claim":
            break
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "claim-exact"
    page.keyboard.type("Critics say")
    page.keyboard.press("Tab")  # the verdict radios
    page.keyboard.press("ArrowRight")  # disputed
    page.keyboard.press("Tab")
    page.keyboard.type("Critics")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    claim = Claim.objects.get()
    assert (claim.exact, claim.verdict, claim.speaker) == ("Critics say", "disputed", "Critics")

    services.create_claim(article, by=editor, exact="The mayor said", verdict="attributed")
    page.reload()
    page.wait_for_selector("html[data-editor-ready]")
    page.focus(".claim-item >> nth=0")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith("“Critics say")
    page.keyboard.press("Enter")  # selects: the highlight gets focus
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    page.keyboard.press("Enter")  # opens the claim
    page.wait_for_selector("#claim-form:not([hidden])")
    page.keyboard.press("Escape")
    assert page.locator("#claim-form").is_hidden()
    assert page.evaluate("document.activeElement.tagName") == "MARK"


def select_in_body(page, words: str, *, mouseups: int = 1) -> None:
    """Select the first occurrence of `words` in the article's text and let go of the mouse `mouseups` times."""
    page.evaluate(
        """([words, mouseups]) => {
            const body = document.getElementById("article-body");
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes(words)) {}
            const at = node.data.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
            for (let n = 0; n < mouseups; n++) body.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }""",
        [words, mouseups],
    )


def test_orphan_is_listed_apart_and_re_attached_by_selecting_words(page, live_server, editor, article):
    claim = services.create_claim(article, by=editor, exact="Critics say", verdict="disputed")
    services.revise_article(article, BODY.replace("Critics say", "Opponents argue"), by=editor)
    claim.refresh_from_db()
    assert claim.anchor_state == "orphaned"
    sign_in(page, live_server, editor)
    open_article(page, live_server, article.__class__.objects.get(pk=article.pk))
    assert "Critics say" in page.inner_text("#orphan-list")
    assert page.locator("#claim-list .claim-item").count() == 0
    page.click("[data-reattach]")
    expect(page.locator("#editor-status")).to_have_text(re.compile(r"^Select the words"))
    # The selection is set directly here: dragging is covered above, and under load a drag right after the
    # click was sometimes cut short by the browser.
    select_in_body(page, "Opponents argue")
    expect(page.locator("#editor-status")).to_have_text(re.compile(r"^Re-attached"))
    claim.refresh_from_db()
    assert (claim.anchor_state, claim.exact, claim.anchored_revision) == ("anchored", "Opponents argue", 2)
    assert marked_text(page, claim.pk) == "Opponents argue"
    assert page.locator("#orphan-list li").count() == 0


def test_a_second_mouseup_while_re_attaching_sends_the_change_once(page, live_server, editor, article, problems):
    """Under load the click's own mouseup could be handled after the selection was made: the change went twice
    and the second, refused as stale (412), replaced "Re-attached" with "Someone else changed this claim". Nor may
    the second open the form for a new claim on the same words while the first is on its way."""
    claim = services.create_claim(article, by=editor, exact="Critics say", verdict="disputed")
    services.revise_article(article, BODY.replace("Critics say", "Opponents argue"), by=editor)
    sign_in(page, live_server, editor)
    open_article(page, live_server, article.__class__.objects.get(pk=article.pk))
    patches = []
    page.on("request", lambda request: request.method == "PATCH" and patches.append(request.url))
    page.click("[data-reattach]")
    select_in_body(page, "Opponents argue", mouseups=2)
    expect(page.locator("#editor-status")).to_have_text(re.compile(r"^Re-attached"))
    expect(page.locator("#orphan-list li")).to_have_count(0)
    assert patches == [f"{live_server.url}/api/v1/claims/{claim.pk}/"]
    expect(page.locator("#claim-form")).to_be_hidden()  # nor did the second open a new claim on the same words
    claim.refresh_from_db()
    assert (claim.anchor_state, claim.exact, claim.version) == ("anchored", "Opponents argue", 3)


def test_the_page_loads_nothing_from_outside_the_app(page, live_server, editor, article):
    services.create_claim(article, by=editor, exact="Critics say", verdict="disputed")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    assert requested
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
    assert page.locator("mark.hl").count() == 1


def test_selection_running_out_of_the_article_gets_a_clear_message(page, live_server, editor, article):
    services.create_claim(article, by=editor, exact="Critics say", verdict="disputed")
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    page.evaluate(
        """() => {
            const range = document.createRange();
            range.setStart(document.getElementById("article-body").firstChild.firstChild, 4);
            range.setEnd(document.querySelector(".claim-quote").firstChild, 3);
            const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }"""
    )
    expect(page.locator("#editor-status")).to_contain_text("inside the article text only")
    assert page.locator("#claim-form").is_hidden()
