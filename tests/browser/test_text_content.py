"""The anchoring contract: claim offsets count code points of `body_text`, so the article page's
`textContent` must be exactly `body_text`, which must be exactly `text.text_of(body_html)`."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from annotations import services, text
from annotations.ingest import ArticleInput
from annotations.models import Article

pytestmark = pytest.mark.browser

FIXTURE_SLUGS = [
    row["fields"]["slug"]
    for row in json.loads((Path(__file__).parents[2] / "fixtures" / "articles.json").read_text(encoding="utf-8"))
    if row["model"] == "annotations.article"
]

DOUBLE_STRUCK_X = "\U0001d54f"  # MATHEMATICAL DOUBLE-STRUCK CAPITAL X, an astral character
TRICKY_HTML = (
    "<h2>Reactions 👍🏽</h2>\n"
    "<!-- editor's note: not article text -->\n"
    f"  <p>Posted on <strong>{DOUBLE_STRUCK_X} <em>by <a href='https://example.org/'>Fish &amp; Chips</a>&nbsp;Ltd</em>"
    "</strong>"
    " at 9&nbsp;am.<!-- inline comment --></p>\n\n"
    "<blockquote>\n  <p>“Music 𝄞 &amp; flags 🇫🇷”</p>\n</blockquote>\n"
    "<ul>\n  <li>one</li>\n  <li>two <b>t<i>hr</i>ee</b></li>\n</ul>"
)


def body_text_in_browser(page, live_server, article):
    response = page.goto(f"{live_server.url}/articles/{article.slug}/")
    assert response is not None
    assert response.ok, response.status
    return page.evaluate('document.getElementById("article-body").textContent')


def first_difference(a, b):
    """A repr of both strings around the first code point where they differ, for assertion messages."""
    index = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(index - 20, 0)
    return f"first difference at code point {index}: {a[start : index + 20]!r} != {b[start : index + 20]!r}"


def assert_same_text(actual, expected):
    assert actual == expected, first_difference(actual, expected)


@pytest.mark.parametrize("slug", FIXTURE_SLUGS)
def test_browser_text_content_matches_body_text_for_every_fixture_article(page, live_server, transactional_db, slug):
    call_command("loaddata", "articles", verbosity=0)
    article = Article.objects.get(slug=slug)

    browser_text = body_text_in_browser(page, live_server, article)

    assert_same_text(browser_text, article.body_text)
    assert_same_text(browser_text, text.text_of(article.body_html))


def test_browser_text_content_matches_body_text_with_astral_characters_entities_and_comments(
    page, live_server, transactional_db
):
    article = services.import_article(ArticleInput(title="Reactions", body_html=TRICKY_HTML)).article
    # The stored text keeps what makes the contract hard, so the test cannot pass vacuously.
    for needle in ("👍🏽", DOUBLE_STRUCK_X, "𝄞", "🇫🇷", "Fish & Chips\xa0Ltd", "one\n  two three"):
        assert needle in article.body_text
    assert "editor" not in article.body_text

    browser_text = body_text_in_browser(page, live_server, article)

    assert_same_text(browser_text, article.body_text)
    assert_same_text(browser_text, text.text_of(article.body_html))
    code_points = page.evaluate('[...document.getElementById("article-body").textContent].length')
    assert code_points == len(article.body_text)
