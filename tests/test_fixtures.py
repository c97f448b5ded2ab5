"""The fixtures load, agree with the importer and the sanitizer, and their claims are anchored."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from annotations.models import Article, Claim, Review, Source
from annotations.sanitize import clean_article_html
from annotations.text import text_hash, text_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_ARTICLES = json.loads((ROOT / "fixtures" / "articles.json").read_text())


@pytest.mark.parametrize("entry", FIXTURE_ARTICLES, ids=lambda e: e["fields"]["slug"][:40])
def test_fixture_body_text_is_the_text_of_its_html(entry):
    assert entry["fields"]["body_text"] == text_of(entry["fields"]["body_html"])


@pytest.mark.parametrize("entry", FIXTURE_ARTICLES, ids=lambda e: e["fields"]["slug"][:40])
def test_fixture_text_hash_is_the_hash_of_its_text(entry):
    assert entry["fields"]["text_hash"] == text_hash(entry["fields"]["body_text"])


@pytest.mark.parametrize("entry", FIXTURE_ARTICLES, ids=lambda e: e["fields"]["slug"][:40])
def test_fixture_body_html_is_already_sanitized(entry):
    assert clean_article_html(entry["fields"]["body_html"]) == entry["fields"]["body_html"]


def test_fixture_articles_are_what_the_importer_makes_of_the_seeds(tmp_path, db):
    """Rebuilding the fixtures (`make fixtures`) would change nothing: the fixtures cannot drift."""
    call_command("import_articles", ROOT / "fixtures/seeds/000_9cc0648c5dc4d37f.txt", stdout=StringIO())
    call_command("import_articles", ROOT / "fixtures/seeds/002_29d9a801bb3d3614.txt", stdout=StringIO())
    imported = {a.body_html: a for a in Article.objects.all()}
    for entry in FIXTURE_ARTICLES:
        fields = entry["fields"]
        article = imported[fields["body_html"]]
        assert article.body_text == fields["body_text"]
        assert str(article.published_on or "None") == str(fields["published_on"])
        assert article.source_url == fields["source_url"]


def test_loaddata_articles_loads_both_seed_articles(seed_articles):
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "From Jail, Navalny Urges Russians to Vote Out Pro-Kremlin Candidates",
        "From prison, Navalny urges Russians to vote against Kremlin candidates on September 10",
    ]


def test_untitled_seed_keeps_unknown_metadata_empty(seed_articles):
    article = Article.objects.get(title__startswith="From prison")
    assert (article.published_on, article.source_url, article.byline, article.publisher) == (None, "", "", "")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def test_demo_claims_are_anchored_on_their_quotes(demo):
    claims = list(Claim.objects.select_related("article"))
    assert len(claims) >= 3
    for claim in claims:
        text = claim.article.body_text
        assert text[claim.start : claim.end] == claim.exact
        assert claim.prefix == text[max(0, claim.start - 32) : claim.start]
        assert claim.suffix == text[claim.end : claim.end + 32]


def test_demo_has_every_verdict_and_the_sources_the_article_names(demo):
    assert set(Claim.objects.values_list("verdict", flat=True)) == {"attributed", "disputed", "verified"}
    kobzev = Claim.objects.get(speaker="Vadim Kobzev")
    assert kobzev.sources.get().stance == Source.Stance.ORIGIN
    assert kobzev.sources.get().kind == Source.Kind.SOCIAL_MEDIA_POST
    navalny = Claim.objects.get(exact__startswith="someone in the Kremlin")
    assert "Instagram" in navalny.sources.get().title


def test_demo_review_states_match_their_reviews(demo):
    for review in Review.objects.select_related("claim"):
        expected = "approved" if review.decision == "approve" else "changes_requested"
        assert review.claim.review_state == expected


def test_demo_creates_the_three_roles_and_their_history(demo):
    from django.contrib.auth import authenticate

    assert (
        authenticate(RequestFactory().post("/"), username="editor", password="editor-demo").groups.get().name
        == "Editors"
    )
    assert (
        authenticate(RequestFactory().post("/"), username="reviewer", password="reviewer-demo").groups.get().name
        == "Reviewers"
    )
    assert authenticate(RequestFactory().post("/"), username="admin", password="admin-demo").is_superuser
    assert Claim.history.count() == Claim.objects.count()


def test_running_demo_again_overwrites_nothing(demo):
    claim = Claim.objects.first()
    claim.note = "Edited by a user"
    claim.save()
    call_command("load_demo", stdout=StringIO())
    claim.refresh_from_db()
    assert claim.note == "Edited by a user"


def test_demo_users_are_never_created_in_production_mode(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never created in production"):
        call_command("load_demo", stdout=StringIO())
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()


def test_production_process_refuses_demo_command(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
        "DJANGO_ALLOWED_HOSTS": "factcheck.example",
        "DJANGO_SQLITE_NAME": str(tmp_path / "prod.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "never created in production" in result.stderr


def test_demo_claims_are_found_by_their_source_titles(demo):
    claim = Claim.objects.filter(sources__isnull=False).first()
    titles = list(claim.sources.order_by("pk").values_list("title", flat=True))
    assert claim.source_titles == "\n".join(titles)
    word = next(word for word in titles[0].split() if len(word) > 4)
    assert claim.pk in {c.pk for c in Claim.objects.filter(source_titles__icontains=word)}


def test_demo_publishes_the_voting_call_in_both_articles_as_one_claim(demo, client):
    original = Claim.objects.get(exact__startswith="Kremlin critic Alexei Navalny has urged")
    again = Claim.objects.get(same_as=original)
    assert (original.review_state, again.review_state) == ("approved", "approved")
    assert again.article != original.article
    assert again.article.body_text[again.start : again.end].startswith("Alexei Navalny today called on Russians")
    page = client.get(f"/claims/{original.pk}/").content.decode()
    assert "The same claim also appears in" in page
    assert f'href="http://testserver/articles/{again.article.slug}/"' in page
