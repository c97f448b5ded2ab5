"""The database itself refuses structurally bad rows, on SQLite and PostgreSQL alike."""

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Article, Claim, Review, Source
from tests.factories import make_article, make_claim, make_source, make_user

pytestmark = pytest.mark.django_db


def assert_refused(update, model, pk) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**update)


@pytest.mark.parametrize(
    "update",
    [
        {"start": 10, "end": 10},
        {"start": 12, "end": 5},
        {"exact": ""},
        {"verdict": "true"},
        {"verdict": ""},
        {"review_state": "published"},
        {"anchor_state": "lost"},
        {"version": 0},
    ],
)
def test_database_refuses_bad_claim(update):
    claim = make_claim()
    assert_refused(update, Claim, claim.pk)


def test_database_refuses_negative_offset():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypass the model field's own validation: this is the last line of defence.
        Claim.objects.filter(pk=claim.pk).update(start=-1)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "ftp://example.org", "", "//x"],
)
def test_database_refuses_non_web_source_url(url):
    source = make_source(make_claim())
    assert_refused({"url": url}, Source, source.pk)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_database_refuses_non_web_archived_and_article_urls(url):
    source = make_source(make_claim())
    assert_refused({"archived_url": url}, Source, source.pk)
    assert_refused({"source_url": url}, Article, make_article().pk)


@pytest.mark.parametrize("update", [{"kind": "rumour"}, {"stance": "neutral"}])
def test_database_refuses_bad_source_choice(update):
    source = make_source(make_claim())
    assert_refused(update, Source, source.pk)


def test_database_refuses_bad_review_decision():
    review = Review.objects.create(claim=make_claim(), reviewer=make_user(), decision="approve")
    assert_refused({"decision": "maybe"}, Review, review.pk)


def test_web_urls_in_any_case_are_accepted():
    source = make_source(make_claim(), url="HTTPS://Example.org/a", archived_url="http://archive.example/x")
    source.refresh_from_db()
    assert source.url == "HTTPS://Example.org/a"


def test_two_articles_cannot_share_an_original_url():
    make_article(source_url="https://news.example/story")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="Copy", slug="copy", body_html="<p>x</p>", body_text="x", source_url="https://news.example/story"
        )


def test_articles_without_original_url_may_coexist():
    make_article(title="One", body_html="<p>First story.</p>")
    make_article(title="Two", body_html="<p>Second story.</p>")
    assert Article.objects.filter(source_url="").count() == 2


def test_article_with_claims_cannot_be_deleted():
    claim = make_claim()
    with pytest.raises(Exception, match="protected"):
        claim.article.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_changes_to_claims_and_sources_are_recorded_with_who_and_what():
    claim = make_claim(speaker="The mayor")
    editor = make_user("desk")
    claim.speaker = "Mayor Jane Doe"
    claim._history_user = editor
    claim.save()
    make_source(claim)
    latest, previous = claim.history.all()[:2]
    delta = latest.diff_against(previous)
    assert latest.history_user == editor
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("speaker", "The mayor", "Mayor Jane Doe")]
    assert claim.sources.first().history.count() == 1
