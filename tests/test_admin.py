"""A newsroom admin can find and inspect everything: lists, filters, search, inline sources, history."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from annotations.models import Claim
from tests.factories import make_claim, make_source, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def claim():
    claim = make_claim(speaker="The mayor", note="Budget line 12")
    make_source(claim, title="City budget 2024")
    return claim


@pytest.mark.parametrize("model", ["article", "claim", "source", "review", "articlerevision", "dismissedsuggestion"])
def test_every_model_has_a_changelist(admin_client, claim, model):
    response = admin_client.get(reverse(f"admin:annotations_{model}_changelist"))
    assert response.status_code == 200


def test_claims_can_be_filtered_and_searched(admin_client, claim):
    url = reverse("admin:annotations_claim_changelist")
    assert "the bridge cost" in admin_client.get(url, {"verdict__exact": "disputed", "q": "Budget"}).content.decode()
    assert "the bridge cost" not in admin_client.get(url, {"verdict__exact": "verified"}).content.decode()


def test_claim_page_shows_its_sources_inline_and_its_history(admin_client, claim):
    page = admin_client.get(reverse("admin:annotations_claim_change", args=[claim.pk])).content.decode()
    assert "City budget 2024" in page
    history = admin_client.get(reverse("admin:annotations_claim_history", args=[claim.pk]))
    assert history.status_code == 200


def test_editing_a_claim_in_the_admin_records_who_and_bumps_the_version(admin_client, claim):
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    source = claim.sources.get()
    form = {
        "verdict": "verified", "review_state": "draft", "speaker": "Mayor Jane Doe", "note": "Budget line 12",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "1", "sources-MIN_NUM_FORMS": "0", "sources-MAX_NUM_FORMS": "1000",
        "sources-0-id": source.pk, "sources-0-claim": claim.pk, "sources-0-url": source.url, "sources-0-title": source.title,
        "sources-0-publisher": "", "sources-0-kind": source.kind, "sources-0-stance": "supports",
        "sources-0-quoted_text": "", "sources-0-accessed_on": "", "sources-0-archived_url": "",
        "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0", "reviews-MIN_NUM_FORMS": "0", "reviews-MAX_NUM_FORMS": "0",
    }  # fmt: skip
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.speaker, claim.version, claim.updated_by.username) == ("Mayor Jane Doe", 2, "boss")
    assert claim.history.first().history_user.username == "boss"


def test_admin_cannot_change_the_review_state_by_hand(admin_client, claim):
    page = admin_client.get(reverse("admin:annotations_claim_change", args=[claim.pk])).content.decode()
    assert 'name="review_state"' not in page


def test_admin_refuses_a_javascript_source_url(admin_client, claim):
    url = reverse("admin:annotations_source_change", args=[claim.sources.get().pk])
    response = admin_client.post(
        url, {"claim": claim.pk, "url": "javascript:alert(1)", "kind": "dataset", "stance": "supports"}
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()


def test_admin_applies_the_editing_rules_of_the_api(client, claim):
    other_editor = make_user("other", role="Editors", is_staff=True)
    client.force_login(other_editor)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="speaker"' not in page.content.decode()  # view only: not their claim
    author = claim.created_by
    author.is_staff = True
    author.save()
    author.groups.add(Group.objects.get_or_create(name="Editors")[0])
    client.force_login(author)
    assert 'name="speaker"' in client.get(url).content.decode()
    Claim.objects.filter(pk=claim.pk).update(review_state="approved")
    assert 'name="speaker"' not in client.get(url).content.decode()  # approved claims are locked


def test_a_newsroom_admin_sees_who_dismissed_which_suggestion_and_can_bring_it_back(client, claim):
    from annotations.models import DismissedSuggestion

    editor = make_user("ed", role="Editors")
    article = claim.article
    dismissal = DismissedSuggestion.objects.create(
        article=article, text_revision=article.text_revision, start=0, end=5, dismissed_by=editor
    )
    client.force_login(make_user("chief", role="Admins", is_staff=True))  # an admin by role, not a superuser
    listed = client.get(reverse("admin:annotations_dismissedsuggestion_changelist"))
    assert listed.status_code == 200
    assert "ed" in listed.content.decode()
    delete = reverse("admin:annotations_dismissedsuggestion_delete", args=[dismissal.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not DismissedSuggestion.objects.exists()
