"""Review in Chromium: a reviewer approves from the queue and from the article; an editor sees a request for changes."""

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Claim
from tests.browser.test_editor import open_article, sign_in
from tests.factories import make_article, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "<p>The council met on Monday. Critics say the bridge cost 8 million euros. The mayor disagreed.</p>"


@pytest.fixture
def pending(editor):
    article = make_article(title="Bridge", body_html=BODY)
    claim = services.create_claim(article, by=editor, exact="the bridge cost 8 million euros", verdict="disputed")
    make_source(claim, url="https://city.example/budget", title="City budget")
    return services.submit_claim(claim, by=editor)


def test_reviewer_approves_from_the_queue(page, live_server, reviewer, pending):
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/")
    row = page.locator(f"#queue-claim-{pending.pk}")
    assert "the bridge cost 8 million euros" in row.inner_text()
    link = row.locator("a[target=_blank]")
    assert link.get_attribute("rel") == "noopener noreferrer"
    row.get_by_role("button", name="Approve").click()
    page.wait_for_selector(".message-success")
    assert Claim.objects.get(pk=pending.pk).review_state == "approved"
    assert page.locator(f"#queue-claim-{pending.pk}").count() == 0


def test_editor_sees_a_request_for_changes(page, live_server, editor, reviewer, pending):
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/")
    page.fill(f"#comment-{pending.pk}", "Link the budget page itself")
    page.locator(f"#queue-claim-{pending.pk}").get_by_role("button", name="Send back").click()
    page.wait_for_selector(".message-success")

    page.context.clear_cookies()
    sign_in(page, live_server, editor)
    page.goto(f"{live_server.url}/review/sent-back/")
    assert "Link the budget page itself" in page.inner_text("main")
    page.click("main a[href*='/articles/']")
    page.wait_for_selector("html[data-editor-ready]")
    assert "changes requested" in page.inner_text("#claim-list")


def test_reviewer_approves_from_the_article_page_and_sees_the_history(page, live_server, reviewer, pending):
    sign_in(page, live_server, reviewer)
    open_article(page, live_server, pending.article)
    page.click(f"#claim-mark-{pending.pk}")
    page.wait_for_selector("[data-review]:not([hidden])")
    page.click("[data-history-box] summary")
    page.wait_for_selector("[data-history] li >> nth=1")
    assert "Submitted for review" in page.inner_text("[data-history]")
    page.fill("#claim-comment", "Checked against the budget")
    page.click("[data-approve]")
    expect(page.locator("#editor-status")).to_have_text("Claim approved.")
    assert Claim.objects.get(pk=pending.pk).review_state == "approved"
    assert pending.reviews.get().comment == "Checked against the budget"
    # The approved claim now has a public page, linked from its form.
    page.click(f"#claim-mark-{pending.pk}")
    link = page.locator("[data-public-link] a")
    link.wait_for()
    assert link.get_attribute("href") == f"/claims/{pending.pk}/"
    public = page.context.new_page()
    public.goto(f"{live_server.url}/claims/{pending.pk}/")
    assert "ClaimReview" in public.locator("script[type='application/ld+json']").inner_text()
    public.close()
