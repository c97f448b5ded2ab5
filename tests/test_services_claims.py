"""Creating and editing claims: the anchor is validated, the server fills the context, nothing is lost."""

import pytest

from annotations import services
from annotations.models import Claim, Source
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

BODY = "<p>The mayor said the bridge cost 4 million euros.</p>\n<p>Critics say the bridge cost 8 million euros.</p>"


@pytest.fixture
def article():
    return make_article(body_html=BODY)


@pytest.fixture
def editor():
    return make_user("editor1", role="Editors")


def create(article, editor, **given):
    return services.create_claim(article, by=editor, **{"verdict": "disputed", **given})


def test_claim_from_offsets_gets_its_quote_and_context_from_the_server(article, editor):
    claim = create(article, editor, start=4, end=9, prefix="ignored", suffix="ignored")
    assert (claim.exact, claim.prefix, claim.suffix[:10]) == ("mayor", "The ", " said the ")
    assert claim.anchored_revision == article.text_revision == 1


def test_claim_from_a_unique_quote_is_placed_by_the_server(article, editor):
    claim = create(article, editor, exact="Critics say")
    assert (claim.start, claim.end) == (
        article.body_text.index("Critics say"),
        article.body_text.index("Critics say") + 11,
    )


def test_ambiguous_quote_needs_context_or_offsets(article, editor):
    with pytest.raises(services.DomainError, match="occurs 2 times"):
        create(article, editor, exact="the bridge cost")
    claim = create(article, editor, exact="the bridge cost", prefix="Critics say ")
    assert claim.start == article.body_text.index("Critics say the bridge cost") + len("Critics say ")


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"start": 4, "end": 9, "exact": "mayors"}, "exact", "does not match"),
        ({"start": 3, "end": 4}, "exact", "whitespace"),
        ({"start": 9, "end": 9}, "end", "empty"),
        ({"start": 0, "end": 10_000}, "end", "past the end"),
        ({"start": -3, "end": 2}, "start", "negative"),
        ({"start": 4}, "end", "both start and end"),
        ({}, "exact", "start and end of the claim, or its exact quote"),
        ({"exact": "not in the article"}, "exact", "does not occur"),
    ],
)
def test_bad_anchor_is_refused_with_a_field_and_a_clear_message(article, editor, given, field, message):
    with pytest.raises(services.DomainError, match=message) as raised:
        create(article, editor, **given)
    assert raised.value.field == field
    assert not Claim.objects.exists()


def test_bad_verdict_or_source_is_refused_and_nothing_is_saved(article, editor):
    with pytest.raises(services.DomainError) as raised:
        create(article, editor, start=4, end=9, verdict="true")
    assert raised.value.field == "verdict"
    with pytest.raises(services.DomainError) as raised:
        create(
            article,
            editor,
            start=4,
            end=9,
            sources=[{"url": "javascript:alert(1)", "kind": "expert", "stance": "supports"}],
        )
    assert raised.value.field == "sources[0].url"
    assert not Claim.objects.exists()
    assert not Source.objects.exists()


def test_claim_is_created_with_its_sources_and_history(article, editor):
    claim = create(
        article, editor, exact="Critics say", speaker="Critics\x00", sources=[
            {"url": "https://city.example/budget", "title": "Budget", "kind": "dataset", "stance": "supports"},
        ],
    )  # fmt: skip
    assert claim.speaker == "Critics"
    assert claim.sources.get().title == "Budget"
    assert claim.history.get().history_user == editor


def test_claim_selected_in_an_older_revision_of_the_text_is_refused(article, editor):
    services.revise_article(article, BODY.replace("The mayor", "Mayor Jane Doe"), by=editor)
    with pytest.raises(services.DomainError, match="revised") as raised:
        create(article, editor, start=4, end=9, expected_revision=1)
    assert raised.value.code == "conflict"


def test_update_with_the_current_version_changes_the_claim_and_bumps_the_version(article, editor):
    claim = create(article, editor, exact="Critics say")
    chief = make_user("chief", role="Admins")
    claim = services.update_claim(claim, by=chief, version=1, changes={"speaker": "Critics", "note": "Check budget"})
    assert (claim.speaker, claim.note, claim.version, claim.updated_by) == ("Critics", "Check budget", 2, chief)
    assert claim.history.first().history_user == chief


def test_stale_update_is_refused_and_the_first_edit_survives(article, editor):
    claim = create(article, editor, exact="Critics say")
    services.update_claim(claim, by=editor, version=1, changes={"note": "first"})
    with pytest.raises(services.DomainError, match="Someone else changed") as raised:
        services.update_claim(claim, by=editor, version=1, changes={"note": "second"})
    assert raised.value.code == "precondition_failed"
    assert Claim.objects.get().note == "first"


def test_moving_the_anchor_re_attaches_an_orphan(article, editor):
    claim = create(article, editor, exact="Critics say")
    Claim.objects.filter(pk=claim.pk).update(anchor_state="orphaned")
    claim = services.update_claim(claim, by=editor, version=1, changes={"exact": "Critics say the bridge"})
    assert (claim.anchor_state, claim.exact) == ("anchored", "Critics say the bridge")


def test_sources_are_replaced_as_given_keeping_ids(article, editor):
    claim = create(article, editor, exact="Critics say", sources=[
        {"url": "https://a.example", "kind": "dataset", "stance": "supports"},
        {"url": "https://b.example", "kind": "expert", "stance": "contradicts"},
    ])  # fmt: skip
    first, second = claim.sources.all()
    services.update_claim(claim, by=editor, version=1, changes={"sources": [
        {"id": first.pk, "url": "https://a.example/v2", "kind": "dataset", "stance": "supports"},
        {"url": "https://c.example", "kind": "news_report", "stance": "origin"},
    ]})  # fmt: skip
    assert [(s.pk == first.pk, s.url) for s in claim.sources.all()] == [
        (True, "https://a.example/v2"),
        (False, "https://c.example"),
    ]
    assert Source.history.filter(id=second.pk, history_type="-").exists()
