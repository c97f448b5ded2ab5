"""The editor's help in Chromium: suggested claims (painted on their words, explained, marked as claims or dismissed),
a proposed speaker for a selection, and sources cited on other claims offered again. Only editors see any of it."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations import services
from annotations.models import Article, Claim
from tests.browser.test_editor import open_article, select_text, sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KOBZEV = "“They say that’s how it will be from now on,” Kobzev tweeted."
BLOCKED = "Russian authorities have since blocked dozens of Navalny-linked websites"


@pytest.fixture
def article():
    call_command("loaddata", "articles", verbosity=0)
    return Article.objects.get(slug="from-jail-navalny-urges-russians-to-vote-out-pro-kremlin-candidates")


def select_on_screen(page, words: str):
    """select_text, after scrolling the words' paragraph into view (the mouse only reaches what is on screen)."""
    page.locator("#article-body p", has_text=words).scroll_into_view_if_needed()
    select_text(page, words)


def painted(page, name: str = "factcheck-suggestion") -> list[str]:
    """The words a CSS custom highlight paints, in text order."""
    return page.evaluate(
        """(name) => [...(CSS.highlights.get(name) ?? [])]
            .sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b)).map((range) => range.toString())""",
        name,
    )


def centre_of(page, words: str) -> tuple[float, float]:
    """Where `words` (their first occurrence in the article) are on screen."""
    return page.evaluate(
        """(words) => {
            const walker = document.createTreeWalker(document.getElementById("article-body"), NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes(words)) {}
            const range = document.createRange();
            range.setStart(node, node.data.indexOf(words));
            range.setEnd(node, node.data.indexOf(words) + words.length);
            const box = range.getClientRects()[0];
            return [box.left + box.width / 2, box.top + box.height / 2];
        }""",
        words,
    )


def suggestion(page, words: str):
    return page.locator(".suggestion-item", has_text=words)


def test_editor_sees_suggestions_painted_on_their_words_and_explained_in_the_panel(
    page, live_server, editor, article, problems
):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    items = page.locator(".suggestion-item")
    words = painted(page)
    assert KOBZEV in words
    assert len(words) == items.count() == int(page.inner_text("[data-suggestion-count]")) >= 10
    # Painting leaves the article's DOM alone: the offsets every claim counts in are untouched.
    assert page.evaluate("document.getElementById('article-body').textContent") == article.body_text

    item = suggestion(page, "Kobzev tweeted.")
    expect(item).to_contain_text("score 0.70 · speaker: Vadim Kobzev")
    expect(item.locator(".suggestion-reasons li")).to_have_text(
        [
            'direct quote: "They say that’s how it will be from now on"',
            'attribution: "Kobzev tweeted"',
            re.compile(r'^speaker: attribution within the selection: "Kobzev tweeted"; Kobzev is Vadim Kobzev'),
        ]
    )
    mark_button = item.get_by_role("button", name="Mark as claim")
    expect(mark_button).to_have_accessible_description(re.compile(r'Kobzev tweeted.*attribution: "Kobzev tweeted"'))

    # Hovering the words explains them.
    page.locator("#article-body p", has_text="Kobzev tweeted").scroll_into_view_if_needed()
    x, y = centre_of(page, "Kobzev tweeted")
    page.mouse.move(x, y)
    expect(page.locator("#article-body")).to_have_attribute(
        "title",
        re.compile(
            r'^Suggested claim \(score 0\.70\): direct quote: .*attribution: "Kobzev tweeted"\. Proposed speaker: Vadim Kobzev\.$'
        ),
    )
    # Clicking them leads to the entry; the entry with the focus has its words painted as current.
    page.mouse.click(x, y)
    expect(mark_button).to_be_focused()
    expect(item).to_have_class(re.compile("is-current"))
    assert painted(page, "factcheck-suggestion-current") == [KOBZEV]
    assert KOBZEV not in painted(page)
    page.keyboard.press("Shift+Tab")  # the words' own button ("show in text"): still the current one
    assert painted(page, "factcheck-suggestion-current") == [KOBZEV]

    page.locator("summary", has_text="Suggested claims").click()
    expect(items.first).to_be_hidden()
    assert painted(page, "factcheck-suggestion-current") == []


def test_mark_as_claim_opens_the_form_with_the_speaker_and_saving_replaces_the_suggestion(
    page, live_server, editor, article, problems
):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    before = page.locator(".suggestion-item").count()
    suggestion(page, "Kobzev tweeted.").get_by_role("button", name="Mark as claim").click()
    page.wait_for_selector("#claim-form:not([hidden])")
    expect(page.locator("[data-quote]")).to_have_text(f"“{KOBZEV}”")
    expect(page.locator("#claim-speaker")).to_have_value("Vadim Kobzev")
    expect(page.locator("[data-speaker-hint]")).to_contain_text(
        "Proposed: Vadim Kobzev — attribution within the selection"
    )
    page.check("input[name=verdict][value=attributed]")
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")

    claim = Claim.objects.get()
    start = article.body_text.index(KOBZEV)
    assert (claim.start, claim.end, claim.exact, claim.speaker, claim.verdict) == (
        start, start + len(KOBZEV), KOBZEV, "Vadim Kobzev", "attributed",
    )  # fmt: skip
    expect(suggestion(page, "Kobzev tweeted.")).to_have_count(0)
    expect(page.locator(".suggestion-item")).to_have_count(before - 1)
    expect(page.locator(f"#claim-mark-{claim.pk}")).to_have_text(KOBZEV)
    assert KOBZEV not in painted(page)
    assert len(painted(page)) == before - 1

    # Deleting the claim brings its sentence back as a suggestion.
    page.click(f"#claim-mark-{claim.pk}")
    page.click("[data-delete]")
    page.click("[data-delete]")
    expect(page.locator("#editor-status")).to_have_text("Claim deleted.")
    expect(suggestion(page, "Kobzev tweeted.")).to_have_count(1)


def test_a_dismissed_suggestion_stays_hidden_for_the_whole_newsroom_until_shown_again(
    page, browser, live_server, editor, article, problems
):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    before = page.locator(".suggestion-item").count()
    suggestion(page, "Kobzev tweeted.").get_by_role("button", name="Dismiss").click()
    expect(suggestion(page, "Kobzev tweeted.")).to_have_count(0)
    expect(page.locator("[data-suggestion-count]")).to_have_text(str(before - 1))
    assert KOBZEV not in painted(page)
    expect(page.get_by_role("button", name="Show the 1 dismissed again")).to_be_visible()

    # Another editor, in another browser (nothing shared but the server), sees it set aside too.
    colleague = browser.new_context().new_page()
    sign_in(colleague, live_server, make_user("colleague", role="Editors"))
    open_article(colleague, live_server, article)
    expect(colleague.locator(".suggestion-item")).to_have_count(before - 1)
    expect(suggestion(colleague, "Kobzev tweeted.")).to_have_count(0)
    colleague.get_by_role("button", name="Show the 1 dismissed again").click()
    expect(suggestion(colleague, "Kobzev tweeted.")).to_have_count(1)
    assert KOBZEV in painted(colleague)
    colleague.context.close()

    page.reload()
    page.wait_for_selector("html[data-editor-ready]")
    expect(suggestion(page, "Kobzev tweeted.")).to_have_count(1)
    assert not Claim.objects.exists()


def test_a_dismissal_the_server_refuses_shows_the_suggestion_again_with_the_reason(page, live_server, editor, article):
    # (No `problems` here: Chromium logs the 409 answer as a console error.)
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    services.revise_article(article, article.body_html + "<p>One more line.</p>", by=editor, reason="update")
    suggestion(page, "Kobzev tweeted.").get_by_role("button", name="Dismiss").click()
    expect(page.locator("[data-suggestion-note]")).to_contain_text("Not dismissed: ")
    expect(page.locator("[data-suggestion-note]")).to_contain_text("revised")
    expect(suggestion(page, "Kobzev tweeted.")).to_have_count(1)


def test_a_selection_gets_a_proposed_speaker_that_can_be_cleared(page, live_server, editor, article, problems):
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    select_on_screen(page, "Navalny wrote on Instagram")
    page.wait_for_selector("#claim-form:not([hidden])")
    expect(page.locator("#claim-speaker")).to_have_value("Alexei Navalny")
    hint = page.locator("[data-speaker-hint]")
    expect(hint).to_contain_text('Proposed: Alexei Navalny — attribution within the selection: "Navalny wrote"')
    page.get_by_role("button", name="Clear the proposed speaker").click()
    expect(page.locator("#claim-speaker")).to_have_value("")
    expect(hint).to_be_hidden()
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    assert Claim.objects.get().speaker == ""


def test_a_proposed_speaker_never_overwrites_what_the_editor_typed(page, live_server, editor, article, problems):
    held = []
    page.route(re.compile(r"/speaker/\?"), lambda route: held.append(route))  # answered once the editor has typed
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    select_on_screen(page, "Navalny wrote on Instagram")
    page.wait_for_selector("#claim-form:not([hidden])")
    page.fill("#claim-speaker", "Navalny's press office")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    with page.expect_response(re.compile(r"/speaker/\?")):
        held[0].continue_()
    page.wait_for_timeout(100)  # the answer is handled in the next task
    expect(page.locator("#claim-speaker")).to_have_value("Navalny's press office")
    expect(page.locator("[data-speaker-hint]")).to_be_hidden()


def test_a_source_field_offers_a_source_cited_on_another_claim(page, live_server, editor, article, problems):
    cited = {
        "url": "https://www.themoscowtimes.com/navalny-smart-voting",
        "title": "Smart Voting explained",
        "publisher": "The Moscow Times",
        "kind": "news_report",
        "stance": "supports",
    }
    services.create_claim(article, by=editor, exact=BLOCKED, verdict="verified", sources=[cited])
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    suggestion(page, "Kobzev tweeted.").get_by_role("button", name="Mark as claim").click()
    page.click("[data-add-source]")
    row = page.locator("[data-source-row]")
    row.locator("input[name=url]").press_sequentially("smart", delay=30)
    option = page.get_by_role("option", name=re.compile("Smart Voting explained"))
    expect(option).to_be_visible()
    expect(option).to_contain_text(
        "The Moscow Times · https://www.themoscowtimes.com/navalny-smart-voting · cited 1 time"
    )
    expect(row.locator("input[name=url]")).to_have_attribute("aria-expanded", "true")
    option.click()
    expect(row.locator("input[name=url]")).to_have_value(cited["url"])
    expect(row.locator("input[name=title]")).to_have_value(cited["title"])
    expect(row.locator("input[name=publisher]")).to_have_value(cited["publisher"])
    expect(row.locator("select[name=kind]")).to_have_value("news_report")
    expect(page.get_by_role("listbox", name="Sources cited before")).to_be_hidden()
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    source = Claim.objects.get(exact=KOBZEV).sources.get()
    assert (source.url, source.title, source.publisher, source.kind) == (
        cited["url"], cited["title"], cited["publisher"], "news_report",
    )  # fmt: skip


def test_an_earlier_source_is_chosen_by_keyboard_and_escape_closes_only_the_list(
    page, live_server, editor, article, problems
):
    cited = {
        "url": "https://instagram.com/navalny/p/1",
        "title": "Navalny's Instagram post",
        "kind": "social_media_post",
        "stance": "supports",
    }
    services.create_claim(article, by=editor, exact=BLOCKED, verdict="verified", sources=[cited])
    sign_in(page, live_server, editor)
    open_article(page, live_server, article)
    select_on_screen(page, "Navalny wrote on Instagram")
    page.click("[data-add-source]")
    title = page.locator("[data-source-row] input[name=title]")
    earlier = page.get_by_role("listbox", name="Sources cited before").get_by_role("option")
    title.press_sequentially("instag", delay=30)
    expect(earlier).to_have_count(1)
    title.press("Escape")
    expect(page.get_by_role("listbox", name="Sources cited before")).to_be_hidden()
    expect(page.locator("#claim-form")).to_be_visible()
    title.press("r")  # "instagr": asks again
    expect(earlier).to_have_count(1)
    title.press("ArrowDown")
    expect(earlier).to_have_attribute("aria-selected", "true")
    title.press("Enter")  # chooses, does not save
    expect(page.locator("[data-source-row] input[name=url]")).to_have_value(cited["url"])
    expect(title).to_have_value(cited["title"])
    expect(page.locator("[data-source-row] select[name=kind]")).to_have_value("social_media_post")
    assert Claim.objects.count() == 1


@pytest.mark.parametrize("role", ["Reviewers", None])
def test_reviewers_and_readers_see_no_suggestions(page, live_server, article, role, problems):
    origin = {"url": "https://twitter.com/kobzev", "kind": "social_media_post", "stance": "origin"}
    claim = services.create_claim(
        article, by=make_user("desk", role="Editors"), exact=KOBZEV, verdict="attributed", speaker="Vadim Kobzev",
        sources=[origin],
    )  # fmt: skip
    if role is None:
        services.approve_claim(
            services.submit_claim(claim, by=claim.created_by), by=make_user("chief", role="Reviewers")
        )
    else:
        sign_in(page, live_server, make_user("rev2", role=role))
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    open_article(page, live_server, article)
    expect(page.locator(f"#claim-mark-{claim.pk}")).to_have_text(KOBZEV)
    assert page.locator("#suggestions, [data-speaker-hint]:visible").count() == 0
    assert page.evaluate("CSS.highlights.size") == 0
    select_on_screen(page, "Navalny wrote on Instagram")  # no form, so no speaker to propose
    assert not [url for url in asked if "/api/" in url]
    page.click(f"#claim-mark-{claim.pk}")
    page.wait_for_selector("#claim-form:not([hidden])")
    assert page.locator("[data-source-row] input[role=combobox]").count() == 0
