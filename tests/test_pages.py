"""The home page lists the articles; an article page shows its body for the editor to read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db


def test_home_page_lists_both_seed_articles_by_title(client, seed_articles):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "From Jail, Navalny Urges Russians to Vote Out Pro-Kremlin Candidates" in page
    assert "From prison, Navalny urges Russians to vote against Kremlin candidates on September 10" in page
    assert "13 September 2021" in page
    assert "date unknown" in page


def test_home_page_lists_articles_with_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for n in range(5):
        article = make_article(
            title=f"Story {n}", body_html=f"<p>They said the bridge cost 4 million euros, story {n}.</p>"
        )
        make_claim(article, review_state="approved")
        make_claim(article, exact="They said")
    with django_assert_max_num_queries(3):
        response = client.get("/")
    # Anonymous readers count approved claims only.
    assert response.content.decode().count("· 1 claim\n") == 5


def test_article_page_shows_the_body_inside_a_container_without_extra_whitespace(client):
    article = make_article(title="Bridge", body_html="<p>One.</p>\n<p>Two.</p>")
    response = client.get(reverse("web:article-detail", args=[article.slug]))
    assert 'aria-label="Article text"><p>One.</p>\n<p>Two.</p></div>' in response.content.decode()


def test_article_page_escapes_title_and_shows_no_markup_from_it(client):
    article = make_article(title="<script>alert(1)</script> Bridge")
    page = client.get(reverse("web:article-detail", args=[article.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bridge" in page


def test_unknown_article_is_404(client):
    assert client.get("/articles/no-such-story/").status_code == 404


def test_admin_is_served(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_health_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_article_page_costs_the_same_queries_for_10_or_200_claims(client, editor):
    counts = [article_page_queries(client, editor, count) for count in (10, 200)]
    assert counts[0] == counts[1]
    # The session, the user and their roles, the article, the claims with their authors, their sources.
    assert counts[0] <= 8


def article_page_queries(client, editor, count: int) -> int:
    article = make_article(body_html="<p>The mayor said the bridge cost 4 million euros.</p>")
    for n in range(count):
        claim = make_claim(article, created_by=editor, note=f"n{n}")
        make_source(claim)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/articles/{article.slug}/").status_code == 200
    return len(queries)
