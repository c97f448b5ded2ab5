"""Email: reviewers hear when work waits, the editor hears when a claim is sent back."""

import pytest

from annotations import services
from tests.factories import make_article, make_source, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    editor = make_user("ed", role="Editors", email="ed@newsroom.example")
    article = make_article(body_html="<p>Critics say the bridge cost 8 million euros.</p>")
    claim = services.create_claim(article, by=editor, exact="Critics say", verdict="disputed")
    make_source(claim)
    return claim


def test_submitting_emails_the_reviewers_but_not_the_author(claim, mailoutbox, django_capture_on_commit_callbacks):
    make_user("rev", role="Reviewers", email="rev@newsroom.example")
    make_user("chief", role="Admins", email="chief@newsroom.example")
    make_user("other", role="Editors", email="other@newsroom.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_claim(claim, by=claim.created_by)
    (message,) = mailoutbox
    assert message.to == ["chief@newsroom.example", "rev@newsroom.example"]
    assert "Critics say" in message.subject
    assert "/review/" in message.body
    claim.refresh_from_db()
    assert claim.submitted_at is not None


def test_sending_back_emails_the_editor_with_the_comment(claim, mailoutbox, django_capture_on_commit_callbacks):
    reviewer = make_user("rev", role="Reviewers")
    services.submit_claim(claim, by=claim.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(claim, by=reviewer, comment="Link the budget page itself")
    (message,) = mailoutbox
    assert message.to == ["ed@newsroom.example"]
    assert "Link the budget page itself" in message.body


def test_a_refused_transition_sends_nothing(claim, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DomainError):
        services.request_changes(claim, by=make_user("rev", role="Reviewers"), comment="x")
    assert mailoutbox == []
