"""The review workflow's rules, in the services that both the pages and the API call."""

import datetime

import pytest

from annotations import services
from annotations.models import Claim
from tests.factories import make_article, make_source, make_user

pytestmark = pytest.mark.django_db

BODY = "<p>The mayor said the bridge cost 4 million euros.</p>"


def draft(editor, verdict, speaker=""):
    article = make_article(body_html=BODY)
    return services.create_claim(
        article, by=editor, exact="the bridge cost 4 million euros", verdict=verdict, speaker=speaker
    )


@pytest.mark.parametrize(
    ("verdict", "speaker", "stances", "message"),
    [
        ("verified", "", [], "supports it"),
        ("verified", "", ["contradicts"], "supports it"),
        ("disputed", "", ["supports"], "contradicts it"),
        ("attributed", "", ["origin"], "needs its speaker"),
        ("attributed", "The mayor", ["supports"], "origin"),
    ],
)
def test_submit_refuses_an_incomplete_verdict_with_a_clear_message(editor, verdict, speaker, stances, message):
    claim = draft(editor, verdict, speaker)
    for stance in stances:
        make_source(claim, stance=stance)
    with pytest.raises(services.DomainError, match=message):
        services.submit_claim(claim, by=editor)
    assert Claim.objects.get(pk=claim.pk).review_state == "draft"


@pytest.mark.parametrize(
    ("verdict", "speaker", "stance"),
    [("verified", "", "supports"), ("disputed", "", "contradicts"), ("attributed", "The mayor", "origin")],
)
def test_submit_accepts_a_complete_verdict(editor, verdict, speaker, stance):
    claim = draft(editor, verdict, speaker)
    make_source(claim, stance=stance)
    assert services.submit_claim(claim, by=editor).review_state == "pending"


def test_every_step_is_in_the_history_with_who(editor):
    reviewer = make_user("rev", role="Reviewers")
    claim = draft(editor, "disputed")
    make_source(claim)
    services.submit_claim(claim, by=editor)
    services.request_changes(claim, by=reviewer, comment="Add the page")
    services.update_claim(claim, by=editor, version=claim.version, changes={"note": "page 12"})
    services.submit_claim(claim, by=editor)
    services.approve_claim(claim, by=reviewer)
    services.reopen_claim(claim, by=reviewer, comment="New figures")
    steps = [
        (entry.history_change_reason, entry.history_user.username) for entry in claim.history.order_by("history_date")
    ]
    assert steps == [
        (None, "ed"),
        ("Submitted for review", "ed"),
        ("Sent back: Add the page", "rev"),
        ("Edited", "ed"),
        ("Submitted for review", "ed"),
        ("Approved", "rev"),
        ("Reopened: New figures", "rev"),
    ]


def test_an_approved_claim_is_locked_for_its_author_and_admins(editor):
    reviewer, chief = make_user("rev", role="Reviewers"), make_user("chief", role="Admins")
    claim = draft(editor, "disputed")
    make_source(claim)
    services.submit_claim(claim, by=editor)
    services.approve_claim(claim, by=reviewer)
    for person in (editor, chief):
        with pytest.raises(services.DomainError, match="approved and locked"):
            services.update_claim(claim, by=person, version=claim.version, changes={"note": "late"})
    with pytest.raises(services.DomainError, match="reason"):
        services.reopen_claim(claim, by=reviewer, comment="")


def test_approval_date_is_set_on_approval_and_cleared_when_reopened(editor):
    reviewer = make_user("rev", role="Reviewers")
    claim = draft(editor, "disputed")
    make_source(claim)
    services.submit_claim(claim, by=editor)
    assert claim.approved_at is None
    services.approve_claim(claim, by=reviewer)
    approved_at = claim.approved_at
    assert approved_at is not None
    assert abs(approved_at - claim.reviews.get(decision="approve").created_at) < datetime.timedelta(seconds=1)
    services.reopen_claim(claim, by=reviewer, comment="New figures")
    assert claim.approved_at is None


def test_canonical_must_be_an_absolute_iri(editor):
    article = make_article(body_html=BODY)
    with pytest.raises(services.DomainError, match="absolute URI"):
        services.create_claim(article, by=editor, exact="the bridge", verdict="disputed", canonical="not an iri")
    claim = services.create_claim(article, by=editor, exact="the bridge", verdict="disputed", canonical="urn:uuid:1")
    assert claim.canonical == "urn:uuid:1"
