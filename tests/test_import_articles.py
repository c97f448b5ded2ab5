"""manage.py import_articles: the seed format, Markdown, HTML; idempotent; all or nothing."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Article
from annotations.text import parse_fragment
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
MOSCOW_TIMES = SEEDS / "000_9cc0648c5dc4d37f.txt"
NO_TITLE = SEEDS / "002_29d9a801bb3d3614.txt"


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out)
    return out.getvalue()


def elements(article: Article, tag: str) -> list:
    return [e for e in parse_fragment(article.body_html).iter() if e.tag == tag]


def test_seed_article_gets_title_date_original_url_and_paragraphs():
    run_import(MOSCOW_TIMES)
    article = Article.objects.get()
    assert article.title == "From Jail, Navalny Urges Russians to Vote Out Pro-Kremlin Candidates"
    assert article.published_on == datetime.date(2021, 9, 13)
    assert article.source_url == (
        "https://www.themoscowtimes.com/2021/09/13/from-jail-navalny-urges-russians-to-vote-out-pro-kremlin-candidates-a75034"
    )
    assert len(elements(article, "p")) == 14
    assert article.body_text.startswith("Alexei Navalny is serving a 2.5-year prison sentence")
    assert "Original url" not in article.body_text
    assert "# From Jail" not in article.body_text


def test_seed_photo_caption_becomes_a_figure_with_its_credit():
    run_import(MOSCOW_TIMES)
    (figcaption,) = elements(Article.objects.get(), "figcaption")
    assert "".join(figcaption.itertext()).endswith("he says is trumped up. navalny / Instagram")


def test_seed_placeholder_links_become_text_not_dead_links():
    run_import(MOSCOW_TIMES)
    article = Article.objects.get()
    assert elements(article, "a") == []
    assert 'href="#"' not in article.body_html
    assert "in a social media post written from jail Monday" in article.body_text
    assert "Team Navalny lawyer Vadim Kobzev confirmed Monday" in article.body_text
    assert "[" not in article.body_text.replace("[But]", "")


def test_seed_related_article_lines_keep_the_title_as_a_citation():
    run_import(MOSCOW_TIMES)
    article = Article.objects.get()
    cites = ["".join(c.itertext()) for c in elements(article, "cite")]
    assert cites == [
        "Russia Blocks Navalny Voting Strategy Website Ahead of Election",
        "Russia's Opposition Candidates Are Fighting Among Themselves. Again.",
    ]
    assert "**" not in article.body_text


def test_seed_without_title_date_or_url_gets_a_title_from_its_text_and_empty_fields():
    run_import(NO_TITLE)
    article = Article.objects.get()
    assert article.title.startswith("Alexei Navalny today called on Russians")
    assert len(article.title) <= 80
    assert article.published_on is None
    assert article.source_url == ""
    assert len(elements(article, "p")) == 12


def test_title_option_names_an_untitled_article():
    run_import(NO_TITLE, "--title", "Navalny calls for a vote against the Kremlin")
    assert Article.objects.get().title == "Navalny calls for a vote against the Kremlin"


def test_importing_twice_changes_nothing_and_says_so():
    run_import(MOSCOW_TIMES, NO_TITLE)
    before = list(Article.objects.values())
    output = run_import(MOSCOW_TIMES, NO_TITLE)
    assert list(Article.objects.values()) == before
    assert "0 created, 0 updated, 2 unchanged." in output


def test_reimport_without_options_keeps_publisher_and_title_set_earlier():
    run_import(MOSCOW_TIMES, "--publisher", "The Moscow Times")
    run_import(NO_TITLE, "--title", "Chosen title")
    run_import(SEEDS)
    assert sorted(Article.objects.values_list("title", "publisher")) == [
        ("Chosen title", ""),
        ("From Jail, Navalny Urges Russians to Vote Out Pro-Kremlin Candidates", "The Moscow Times"),
    ]


def test_changed_file_updates_the_article_with_the_same_original_url(tmp_path):
    run_import(MOSCOW_TIMES)
    revised = tmp_path / "revised.txt"
    revised.write_text(MOSCOW_TIMES.read_text().replace("Kremlin critic", "Opposition leader"))
    output = run_import(revised)
    article = Article.objects.get()
    assert "Opposition leader Alexei Navalny" in article.body_text
    assert "updated:" in output
    assert "body_html" in output


def test_new_text_for_an_article_with_claims_is_a_revision_that_re_anchors_them(tmp_path):
    run_import(MOSCOW_TIMES)
    article = Article.objects.get()
    claim = make_claim(article, exact="Team Navalny lawyer Vadim Kobzev")
    revised = tmp_path / "revised.txt"
    revised.write_text(MOSCOW_TIMES.read_text().replace("Kremlin critic", "Opposition leader"))
    run_import(revised)
    article.refresh_from_db()
    claim.refresh_from_db()
    assert article.text_revision == 2
    assert article.revisions.get().previous_body_text.count("Kremlin critic Alexei Navalny") == 1
    assert article.body_text[claim.start : claim.end] == "Team Navalny lawyer Vadim Kobzev"
    assert claim.anchor_state == "relocated"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n \n", "the file is empty"),
        (b"\xff\xfe\x00b\x00a\x00d", "not UTF-8"),
        (b"text\x00with NUL", "NUL"),
        (b"# Only a title\n\nSeptember 1, 2021\n", "no article text"),
        (b"# Title\n\nBody.\n\nOriginal url: <javascript:alert(1)>", "not an http"),
    ],
)
def test_malformed_file_gets_a_clear_message_and_changes_nothing(tmp_path, content, message):
    run_import(MOSCOW_TIMES)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run_import(NO_TITLE, bad)
    assert Article.objects.count() == 1


def test_unsupported_or_missing_file_is_refused(tmp_path):
    (tmp_path / "story.pdf").write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="unsupported file type"):
        run_import(tmp_path / "story.pdf")
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "missing.txt")


def test_html_file_is_sanitized_and_titled_from_its_heading(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Site | Story</title><script>track()</script></head><body>"
        "<nav>Menu</nav><article><h1>Mayor's bridge cost doubled</h1>"
        '<p onclick="x()">The bridge cost <a href="https://city.example/budget">8 million</a>.</p>'
        "<script>alert(1)</script></article></body></html>"
    )
    run_import(page)
    article = Article.objects.get()
    assert article.title == "Mayor's bridge cost doubled"
    assert article.body_text == "The bridge cost 8 million."
    assert "script" not in article.body_html
    assert 'rel="noopener nofollow noreferrer"' in article.body_html


def test_markdown_file_with_real_links_keeps_them(tmp_path):
    story = tmp_path / "story.md"
    story.write_text("# Budget story\n\nThe [budget](https://city.example/budget) is *public*.\n")
    run_import(story)
    article = Article.objects.get()
    assert article.body_html == (
        '<p>The <a href="https://city.example/budget" rel="noopener nofollow noreferrer">budget</a> is <em>public</em>.</p>'
    )
