"""The same claim across articles in Chromium: "Also appears in" lists the passages of other articles that state an
opened claim (with the words they share), editors link one and reuse the verdict with a click, and a new claim is
offered the verdicts of similar earlier claims. Both seed articles report Navalny calling on Russians to vote."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations import services
from annotations.models import Article, Claim
from tests.browser.test_editor import open_article, select_text, sign_in
from tests.browser.test_suggestions import select_on_screen
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGED = "Alexei Navalny has urged Russians to vote out ruling party candidates"
CALLED = "Alexei Navalny today called on Russians from his prison cell"
CALLED_END = "in local elections on September 10."
ORIGIN = {"url": "https://www.instagram.com/navalny/", "kind": "social_media_post", "stance": "origin"}


@pytest.fixture
def articles():
    call_command("loaddata", "articles", verbosity=0)
    return (
        Article.objects.get(slug="from-jail-navalny-urges-russians-to-vote-out-pro-kremlin-candidates"),
        Article.objects.get(slug__startswith="from-prison-navalny-urges-russians-to-vote-against"),
    )


@pytest.fixture
def editor():
    return make_user("desk", role="Editors")


def also_appears(page):
    return page.get_by_role("region", name="Also appears in")


def test_editor_links_the_same_claim_in_the_other_article_right_after_saving_it(
    page, live_server, editor, articles, problems
):
    first, second = articles
    sign_in(page, live_server, editor)
    open_article(page, live_server, first)
    select_on_screen(page, URGED)
    page.wait_for_selector("#claim-form:not([hidden])")
    page.check("input[name=verdict][value=verified]")
    page.click("[data-add-source]")
    page.fill("[data-source-row] input[name=url]", ORIGIN["url"])
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    claim = Claim.objects.get(article=first)

    notice = page.locator("#also-appears-notice")
    expect(notice).to_contain_text(f"“{URGED[:59]}…” also appears in another article.")
    notice.get_by_role("button", name="Show where").click()
    expect(page.locator("#claim-form")).to_be_visible()
    expect(notice).to_be_hidden()
    section = also_appears(page)
    expect(section.get_by_role("heading", name="Also appears in")).to_be_focused()
    passage = section.locator(".also-appears-item")
    expect(passage).to_have_count(1)
    title = section.get_by_role("link", name=second.title)
    expect(title).to_have_attribute(
        "href", re.compile(rf"^/articles/{second.slug}/#:~:text=Alexei%20Navalny%20today%20called,")
    )
    expect(passage.locator("q")).to_contain_text(f"{CALLED} to vote for “any candidate”")
    expect(passage).to_contain_text(re.compile(r"Shared words: .*navalny.*russians.*jail ~ prison.*similarity 0\.\d\d"))
    assert Claim.objects.filter(article=second).count() == 0

    link_button = passage.get_by_role("button", name="Link and reuse the verdict")
    expect(link_button).to_have_accessible_description(re.compile(rf"^{CALLED}.*Shared words"))
    link_button.click()
    expect(passage).to_contain_text("Already linked: the same claim there (verified).")
    expect(section.get_by_role("status")).to_have_text(
        f"Linked in “{second.title}”: a draft there now reuses this verdict and its sources."
    )
    expect(link_button).to_have_count(0)
    linked = Claim.objects.get(article=second)
    assert (linked.same_as_id, linked.verdict, linked.review_state, linked.created_by) == (
        claim.pk, "verified", "draft", editor,
    )  # fmt: skip
    assert linked.exact.startswith(CALLED)
    copied = ["url", "kind", "stance"]
    assert list(linked.sources.values_list(*copied)) == list(claim.sources.values_list(*copied))
    assert linked.sources.get().url == ORIGIN["url"]
    expect(page.locator("#claim-form")).to_be_visible()

    # The link opens the other article on the new claim, in a new tab (this form stays as it was).
    new_claim_link = passage.get_by_role("link", name="the same claim there")
    expect(new_claim_link).to_be_focused()
    with page.context.expect_page() as opened:
        new_claim_link.click()
    other = opened.value
    other.wait_for_selector("html[data-editor-ready]")
    assert other.url == f"{live_server.url}/articles/{second.slug}/#claim-{linked.pk}"
    expect(other.locator(f"#claim-mark-{linked.pk}")).to_have_class(re.compile("is-selected"))
    expect(other.locator(f"#claim-mark-{linked.pk}")).to_be_focused()
    expect(other.locator("#claim-list")).to_contain_text(f"“{CALLED}")
    expect(other.locator(f'#claim-list [data-id="{linked.pk}"]')).to_contain_text("verified")


def test_a_new_claim_on_the_same_words_is_offered_the_earlier_verdict_without_saving(
    page, live_server, editor, articles, problems
):
    first, second = articles
    services.create_claim(first, by=editor, exact=URGED, verdict="verified", speaker="Alexei Navalny")
    sign_in(page, live_server, editor)
    open_article(page, live_server, second)
    select_text(page, CALLED, through=CALLED_END)
    page.wait_for_selector("#claim-form:not([hidden])")
    similar = page.get_by_role("region", name="Similar earlier claims")
    earlier = similar.locator(".similar-item")
    expect(earlier).to_have_count(1)
    expect(earlier.locator("q")).to_have_text(URGED)
    expect(earlier).to_contain_text("verified · draft · Alexei Navalny · in another article")
    expect(earlier).to_contain_text(re.compile(r'shares "alexei", "navalny", "russians".*\(similarity 0\.\d+\)'))
    expect(page.locator("input[name=verdict][value=verified]")).not_to_be_checked()

    page.fill("#claim-speaker", "Yulia Navalnaya")
    use = earlier.get_by_role("button", name="Use this verdict")
    expect(use).to_have_accessible_description(re.compile(rf"^{URGED} verified · draft"))
    use.click()
    expect(page.locator("input[name=verdict][value=verified]")).to_be_checked()
    expect(page.locator("#claim-speaker")).to_have_value("Yulia Navalnaya")  # typed: kept
    expect(similar.get_by_role("status")).to_have_text(
        "Verdict set to verified, as on the earlier claim. Nothing is saved until you press Save."
    )
    page.fill("#claim-speaker", "")
    use.click()
    expect(page.locator("#claim-speaker")).to_have_value("Alexei Navalny")  # empty: filled
    expect(page.locator("#claim-form")).to_be_visible()
    page.wait_for_timeout(200)
    assert Claim.objects.filter(article=second).count() == 0

    # A claim opened for editing offers none; the form only shows them for new words.
    page.click("[data-cancel]")
    select_on_screen(page, "We have to vote")
    page.wait_for_selector("#claim-form:not([hidden])")
    page.click("#claim-form button[type=submit]")
    expect(page.locator("#editor-status")).to_have_text("Claim created.")
    page.click(f"#claim-mark-{Claim.objects.get(article=second).pk}")
    expect(page.locator("#claim-form-title")).to_have_text("Edit claim")
    expect(similar).to_be_hidden()


def test_an_opened_claim_shows_a_passage_marked_there_by_another_claim(page, live_server, editor, articles, problems):
    first, second = articles
    claim = services.create_claim(first, by=editor, exact=URGED, verdict="verified")
    start = second.body_text.index(CALLED)
    services.create_claim(second, by=make_user("desk2", role="Editors"), start=start, end=start + len(CALLED), verdict="disputed")  # fmt: skip
    sign_in(page, live_server, editor)
    open_article(page, live_server, first)
    page.click(f"#claim-mark-{claim.pk}")
    passage = also_appears(page).locator(".also-appears-item")
    expect(passage).to_contain_text("Marked there as disputed: that claim, a claim of its own.")
    expect(passage.get_by_role("button")).to_have_count(0)
    expect(page.locator("#also-appears-notice")).to_be_hidden()


def test_a_reviewer_sees_where_a_claim_also_appears_without_the_link_button(
    page, live_server, editor, articles, problems
):
    first, second = articles
    claim = services.create_claim(first, by=editor, exact=URGED, verdict="verified")
    sign_in(page, live_server, make_user("chief", role="Reviewers"))
    open_article(page, live_server, first)
    page.click(f"#claim-mark-{claim.pk}")
    passage = also_appears(page).locator(".also-appears-item")
    expect(passage).to_contain_text(CALLED)
    expect(passage).to_contain_text("Not marked there yet.")
    expect(page.get_by_role("button", name="Link and reuse the verdict")).to_have_count(0)
    expect(page.get_by_role("link", name=second.title)).to_be_visible()


def test_a_refused_link_is_explained_next_to_the_section_and_the_form_keeps_its_text(
    page, live_server, editor, articles
):
    first, second = articles
    claim = services.create_claim(first, by=editor, exact=URGED, verdict="verified")
    page.route(
        re.compile(r"/also-appears/$"),
        lambda route: (
            route.fulfill(status=400, json={"end": ["The passage is not in the article any more."]})
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    sign_in(page, live_server, editor)
    open_article(page, live_server, first)
    page.click(f"#claim-mark-{claim.pk}")
    page.fill("#claim-note", "Checked against the Instagram post.")
    button = also_appears(page).get_by_role("button", name="Link and reuse the verdict")
    button.click()
    expect(also_appears(page).get_by_role("alert")).to_have_text("end: The passage is not in the article any more.")
    expect(button).to_be_enabled()
    expect(page.locator("#claim-note")).to_have_value("Checked against the Instagram post.")
    expect(page.locator("#claim-form")).to_be_visible()
    assert Claim.objects.filter(article=second).count() == 0


def test_readers_see_no_help(page, live_server, editor, articles):
    first, _ = articles
    supports = {**ORIGIN, "stance": "supports"}
    claim = services.create_claim(first, by=editor, exact=URGED, verdict="verified", sources=[supports])
    services.approve_claim(services.submit_claim(claim, by=editor), by=make_user("chief", role="Reviewers"))
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    open_article(page, live_server, first)
    page.click(f"#claim-mark-{claim.pk}")
    expect(page.locator("#claim-form")).to_be_visible()
    assert page.locator("#also-appears-notice, [data-also-appears]:visible, [data-similar]:visible").count() == 0
    assert not [url for url in asked if "/api/" in url]


def test_with_the_optional_model_a_restatement_in_other_words_says_it_was_found_by_meaning(
    page, live_server, editor, articles, problems, settings, meaning_model
):
    from tests.test_meaning import GUILTY, RETURN

    first, _ = articles
    start = first.body_text.index(GUILTY)
    end = first.body_text.index(".", start) + 1  # the whole sentence, as a claim's context would be
    claim = services.create_claim(first, by=editor, start=start, end=end, verdict="disputed")
    settings.SIMILARITY = "meaning"
    sign_in(page, live_server, editor)
    open_article(page, live_server, first)
    page.click(f"#claim-mark-{claim.pk}")
    passage = also_appears(page).locator(".also-appears-item").first
    expect(passage.locator("q")).to_contain_text(RETURN)
    expect(passage).to_contain_text(re.compile(r"Close in meaning · similarity 0\.7\d · shared words: .*kremlin"))
