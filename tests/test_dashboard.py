"""The dashboard: claims by verdict and state as server-drawn charts, time to a decision, oldest pending."""

import datetime

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Claim, Review
from tests.factories import make_article, make_claim, make_source, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(client):
    editor, reviewer = make_user("ed", role="Editors"), make_user("rev", role="Reviewers")
    article = make_article(
        title="Bridge", body_html="<p>Critics say the bridge cost 8 million euros. The mayor disagreed.</p>"
    )
    claim = services.create_claim(article, by=editor, exact="the bridge cost 8 million euros", verdict="disputed")
    make_source(claim)
    services.submit_claim(claim, by=editor)
    services.approve_claim(claim, by=reviewer)
    make_claim(article, exact="The mayor disagreed", verdict="attributed", review_state="pending")
    client.force_login(reviewer)
    return article, claim


def test_dashboard_counts_by_verdict_and_state_in_accessible_svg(client, newsroom):
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "<strong>2</strong> claims" in page
    assert 'aria-label="Claims by verdict: Attributed 1, Disputed 1, Verified 0"' in page
    assert 'aria-label="Claims by review state: Draft 0, Pending review 1, Approved 1, Changes requested 0"' in page
    assert "The mayor disagreed" in page  # the oldest pending claim


def test_median_time_from_submission_to_decision(client, newsroom):
    article, claim = newsroom
    now = Review.objects.get().created_at
    Review.objects.update(submitted_at=now - datetime.timedelta(hours=3))
    Review.objects.create(
        claim=claim, reviewer=make_user(), decision="approve", submitted_at=now - datetime.timedelta(hours=1)
    )
    Review.objects.filter(submitted_at=now - datetime.timedelta(hours=1)).update(created_at=now)
    page = client.get(reverse("web:dashboard"), {"article": article.pk}).content.decode()
    assert '<strong id="median-decision">2.0 hours</strong>' in page  # the middle of 3 h and 1 h


def test_decisions_record_when_the_claim_was_submitted(newsroom):
    _, claim = newsroom
    review = Review.objects.get()
    assert review.submitted_at == Claim.objects.get(pk=claim.pk).submitted_at
    assert review.created_at >= review.submitted_at


def test_dashboard_per_article_and_for_the_newsroom_only(client, newsroom):
    other = make_article(title="Other", body_html="<p>Nothing checked here.</p>")
    assert "<strong>0</strong> claims" in client.get(reverse("web:dashboard"), {"article": other.pk}).content.decode()
    client.logout()
    assert client.get(reverse("web:dashboard")).status_code == 302
    client.force_login(make_user("outsider"))
    assert client.get(reverse("web:dashboard")).status_code == 403
