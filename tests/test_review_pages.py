"""The reviewer queue and "sent back to me": what reviewers and editors see and do in the pages."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Claim
from tests.factories import make_article, make_source, make_user

pytestmark = pytest.mark.django_db

BODY = "<p>The council met on Monday. Critics say the bridge cost 8 million euros. The mayor disagreed.</p>"


def pending_claim(editor, article=None, exact="the bridge cost 8 million euros", verdict="disputed"):
    article = article or make_article(title="Bridge", body_html=BODY)
    claim = services.create_claim(article, by=editor, exact=exact, verdict=verdict, speaker="Critics")
    make_source(claim, title="Budget <b>2024</b>", stance="contradicts" if verdict == "disputed" else "supports")
    return services.submit_claim(claim, by=editor)


def test_queue_shows_each_claim_in_its_sentence_with_safe_source_links(client, editor, reviewer):
    pending_claim(editor)
    client.force_login(reviewer)
    page = client.get(reverse("web:review-queue")).content.decode()
    assert 'Critics say <mark class="hl hl-disputed">the bridge cost 8 million euros</mark>.' in page
    assert 'target="_blank" rel="noopener noreferrer">Budget &lt;b&gt;2024&lt;/b&gt;</a>' in page


def test_queue_is_oldest_first_and_filters_by_article_verdict_and_editor(client, editor, reviewer):
    first = pending_claim(editor)
    other_editor = make_user("ed2", role="Editors")
    second = pending_claim(other_editor, first.article, exact="The mayor disagreed", verdict="verified")
    client.force_login(reviewer)
    url = reverse("web:review-queue")

    def ids(query=None):
        page = client.get(url, query or {}).content.decode()
        return [pk for pk in (first.pk, second.pk) if f'id="queue-claim-{pk}"' in page], page

    found, page = ids()
    assert found == [first.pk, second.pk]
    assert page.index(f"queue-claim-{first.pk}") < page.index(f"queue-claim-{second.pk}")
    assert ids({"verdict": "verified"})[0] == [second.pk]
    assert ids({"editor": "ed"})[0] == [first.pk]
    assert ids({"article": str(first.article_id), "verdict": "disputed"})[0] == [first.pk]


def test_queue_is_for_reviewers(client, editor):
    assert client.get(reverse("web:review-queue")).status_code == 302  # to sign in
    client.force_login(editor)
    assert client.get(reverse("web:review-queue")).status_code == 403


def test_reviewer_approves_from_the_row(client, editor, reviewer):
    claim = pending_claim(editor)
    client.force_login(reviewer)
    response = client.post(reverse("web:review-approve", args=[claim.pk]), {"next": "/review/"}, follow=True)
    assert "approved." in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).review_state == "approved"


def test_nobody_approves_their_own_claim_from_the_queue(client, reviewer):
    both = make_user("both", role="Editors")
    both.groups.add(*reviewer.groups.all())
    claim = pending_claim(both)
    client.force_login(both)
    response = client.post(reverse("web:review-approve", args=[claim.pk]), follow=True)
    assert "second pair of eyes" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).review_state == "pending"


def test_sending_back_needs_a_comment_and_the_editor_sees_it(client, editor, reviewer):
    claim = pending_claim(editor)
    client.force_login(reviewer)
    refused = client.post(reverse("web:review-send-back", args=[claim.pk]), {"comment": " "}, follow=True)
    assert "a comment is required" in refused.content.decode()
    client.post(reverse("web:review-send-back", args=[claim.pk]), {"comment": "Link the budget page itself"})
    assert Claim.objects.get(pk=claim.pk).review_state == "changes_requested"

    client.force_login(editor)
    page = client.get(reverse("web:sent-back")).content.decode()
    assert "Link the budget page itself" in page
    assert "the bridge cost 8 million euros" in page


def test_decisions_never_redirect_off_site(client, editor, reviewer):
    claim = pending_claim(editor)
    client.force_login(reviewer)
    response = client.post(reverse("web:review-approve", args=[claim.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("web:review-queue")


def test_decisions_need_post(client, editor, reviewer):
    claim = pending_claim(editor)
    client.force_login(reviewer)
    assert client.get(reverse("web:review-approve", args=[claim.pk])).status_code == 405


def test_queue_costs_the_same_queries_for_many_claims(client, editor, reviewer, django_assert_max_num_queries):
    article = make_article(
        title="Many", body_html="<p>" + " ".join(f"Claim number {n} is here." for n in range(30)) + "</p>"
    )
    for n in range(30):
        pending_claim(editor, article, exact=f"Claim number {n} is here", verdict="disputed")
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("web:review-queue")).content.decode()
    assert page.count('class="queue-row') == 30


@pytest.mark.parametrize(("role", "shown"), [("Reviewers", True), ("Admins", True), ("Editors", False), (None, False)])
def test_the_review_queue_link_is_shown_to_those_the_queue_lets_in(client, role, shown):
    client.force_login(make_user("someone", role=role))
    page = client.get("/").content.decode()
    assert ('">Review queue</a>' in page) is shown
    if shown:
        assert client.get(reverse("web:review-queue")).status_code == 200


def test_a_superuser_sees_the_review_queue_link(client):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    assert '">Review queue</a>' in client.get("/").content.decode()
