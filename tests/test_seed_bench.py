"""manage.py seed_bench: a small corpus whose rows are as consistent as the app's own."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from annotations.anchoring import CONTEXT_LENGTH
from annotations.models import Article, Claim, Review, Source, web_url_validator
from annotations.services import REQUIRED_STANCE
from annotations.text import text_hash, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    out = StringIO()
    call_command("seed_bench", articles=3, claims_per_article=20, stdout=out)
    return out.getvalue()


def test_counts_are_printed_and_match_the_rows(corpus):
    assert Article.objects.count() == 3
    assert Claim.objects.count() == 60
    assert f"Created 3 articles, 60 claims, {Source.objects.count()} sources" in corpus
    assert f"and {Review.objects.count()} reviews" in corpus


def test_articles_are_long_and_their_text_is_the_html_text_content(corpus):
    for article in Article.objects.all():
        assert 20_000 <= len(article.body_text) <= 52_000
        assert article.body_html.startswith("<p>")
        assert text_of(article.body_html) == article.body_text
        assert article.text_hash == text_hash(article.body_text)
        assert article.slug.startswith("bench-")


def test_anchors_are_consistent_with_the_text(corpus):
    claims = list(Claim.objects.select_related("article"))
    orphans = [claim for claim in claims if claim.anchor_state == Claim.AnchorState.ORPHANED]
    assert len(orphans) == 1  # 2% of 60
    for claim in claims:
        text = claim.article.body_text
        assert 0 <= claim.start < claim.end <= len(text)
        assert claim.prefix == text[max(0, claim.start - CONTEXT_LENGTH) : claim.start]
        assert claim.suffix == text[claim.end : claim.end + CONTEXT_LENGTH]
        if claim.is_orphaned:
            assert text[claim.start : claim.end] != claim.exact  # the last known quote, no longer there
            assert claim.anchored_revision < claim.article.text_revision
        else:
            assert text[claim.start : claim.end] == claim.exact
            assert claim.exact.strip() == claim.exact
            assert claim.anchored_revision == claim.article.text_revision


def test_every_verdict_and_state_is_present(corpus):
    assert set(Claim.objects.values_list("verdict", flat=True)) == set(Claim.Verdict.values)
    assert set(Claim.objects.values_list("review_state", flat=True)) == set(Claim.ReviewState.values)
    assert set(Claim.objects.values_list("anchor_state", flat=True)) == set(Claim.AnchorState.values)
    pairs = set(Claim.objects.values_list("verdict", "review_state"))
    assert len(pairs) == len(Claim.Verdict.values) * len(Claim.ReviewState.values)


def test_review_dates_follow_the_workflow(corpus):
    approved = Claim.objects.filter(review_state=Claim.ReviewState.APPROVED)
    assert approved.exclude(summary="").exists()
    assert approved.filter(summary="").exists()  # ClaimReview falls back to the quote
    for claim in Claim.objects.all():
        assert claim.created_at <= claim.updated_at
        if claim.review_state == Claim.ReviewState.DRAFT:
            assert claim.submitted_at is None
        else:
            assert claim.created_at <= claim.submitted_at <= claim.updated_at
        if claim.review_state == Claim.ReviewState.APPROVED:
            assert claim.approved_at is not None
            assert claim.reviews.filter(decision=Review.Decision.APPROVE).exists()
        else:
            assert claim.approved_at is None
        if claim.review_state == Claim.ReviewState.CHANGES_REQUESTED:
            assert claim.reviews.filter(decision=Review.Decision.REQUEST_CHANGES).exclude(comment="").exists()
        if claim.verdict == Claim.Verdict.ATTRIBUTED:
            assert claim.speaker


def test_sources_are_valid_and_back_each_verdict(corpus):
    counts = Claim.objects.annotate(n=Count("sources")).values_list("n", flat=True)
    assert set(counts) <= {1, 2, 3}
    for source in Source.objects.all():
        web_url_validator(source.url)
        if source.archived_url:
            web_url_validator(source.archived_url)
        assert source.kind in Source.Kind.values
        assert source.stance in Source.Stance.values
    for claim in Claim.objects.prefetch_related("sources"):
        stance, _ = REQUIRED_STANCE[Claim.Verdict(claim.verdict)]
        assert stance in {source.stance for source in claim.sources.all()}


def test_claims_carry_their_source_titles_for_search_as_the_services_would(corpus):
    from annotations import services

    assert Claim.objects.exclude(source_titles="").count() > 40
    for claim in Claim.objects.all()[:20]:
        seeded = claim.source_titles
        services.refresh_source_titles(claim.pk)
        claim.refresh_from_db()
        assert claim.source_titles == seeded


def test_no_history_is_recorded_for_bench_rows(corpus):
    assert not Claim.history.exists()
    assert not Source.history.exists()


def test_a_second_run_adds_articles_with_new_slugs(corpus):
    call_command("seed_bench", articles=2, claims_per_article=5, stdout=StringIO())
    assert Article.objects.count() == 5
    assert Claim.objects.count() == 70


def test_the_same_seed_gives_the_same_text(corpus):
    first = list(Article.objects.order_by("slug").values_list("body_text", flat=True))
    call_command("seed_bench", articles=3, claims_per_article=20, stdout=StringIO())
    second = list(Article.objects.order_by("slug").values_list("body_text", flat=True))[3:]
    assert first == second


def test_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_bench", articles=1, claims_per_article=1, stdout=StringIO())
    assert not Article.objects.exists()
