"""The editor's help through the API: sentences worth checking and who likely said a selection, newsroom only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Article
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JAIL = "from-jail-navalny-urges-russians-to-vote-out-pro-kremlin-candidates"
TWEET = "“They say that’s how it will be from now on,” Kobzev tweeted."


@pytest.fixture
def article():
    call_command("loaddata", "articles", verbosity=0)
    return Article.objects.get(slug=JAIL)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_editor_gets_the_sentences_worth_checking_with_reasons_and_speakers(article):
    answer = as_user(make_user("ed", role="Editors")).get(f"/api/v1/articles/{article.pk}/suggestions/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["text_revision"] == article.text_revision
    found = {item["exact"]: item for item in body["suggestions"]}
    tweet = found[TWEET]
    assert article.body_text[tweet["start"] : tweet["end"]] == TWEET
    assert "quote" in tweet["kinds"]
    assert "attribution" in tweet["kinds"]
    assert any("Kobzev tweeted" in reason for reason in tweet["reasons"])
    assert tweet["speaker"]["name"] == "Vadim Kobzev"
    assert tweet["speaker"]["evidence"]["exact"] == "Kobzev tweeted"
    assert not any(item["exact"].startswith("Related article") for item in body["suggestions"])


def test_a_sentence_already_marked_is_not_suggested_again(article):
    editor = make_user("ed", role="Editors")
    services.create_claim(article, by=editor, exact="Kobzev tweeted", verdict="attributed")
    found = as_user(editor).get(f"/api/v1/articles/{article.pk}/suggestions/").json()["suggestions"]
    assert TWEET not in {item["exact"] for item in found}


def test_the_speaker_of_a_selection_with_the_rule_and_the_words_that_decided(article):
    start = article.body_text.index("“Alas, what a shame")
    end = article.body_text.index("”", start) + 1
    answer = as_user(make_user("rev", role="Reviewers")).get(
        f"/api/v1/articles/{article.pk}/speaker/", {"start": start, "end": end}
    )
    assert answer.status_code == 200
    speaker = answer.json()["speaker"]
    assert speaker["name"] == "Alexei Navalny"
    assert article.body_text[speaker["evidence"]["start"] : speaker["evidence"]["end"]] == speaker["evidence"]["exact"]
    assert speaker["reason"]


def test_a_selection_nobody_said_gets_no_speaker(article):
    start = article.body_text.index("Though United Russia")
    answer = as_user(make_user("ed", role="Editors")).get(
        f"/api/v1/articles/{article.pk}/speaker/", {"start": start, "end": start + 20}
    )
    assert answer.status_code == 200
    assert answer.json()["speaker"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [({"start": -1, "end": 4}, "start"), ({"start": 9, "end": 4}, "end"), ({"start": 0, "end": 10**7}, "end"),
     ({"start": "x", "end": 4}, "start"), ({"end": 4}, "start")],
)  # fmt: skip
def test_a_bad_selection_gets_400_naming_the_field(article, query, field):
    answer = as_user(make_user("ed", role="Editors")).get(f"/api/v1/articles/{article.pk}/speaker/", query)
    assert answer.status_code == 400
    assert field in answer.json()


@pytest.mark.parametrize("path", ["suggestions/", "speaker/?start=0&end=5"])
def test_suggestions_and_speakers_are_for_the_newsroom(article, path):
    assert APIClient().get(f"/api/v1/articles/{article.pk}/{path}").status_code == 401
    assert as_user(make_user("outsider")).get(f"/api/v1/articles/{article.pk}/{path}").status_code == 403


def test_suggestions_cost_a_constant_number_of_queries(article, django_assert_max_num_queries):
    editor = as_user(make_user("ed", role="Editors"))
    with django_assert_max_num_queries(4):
        editor.get(f"/api/v1/articles/{article.pk}/suggestions/")


# Source reuse: sources already cited, offered again.


@pytest.fixture
def cited(article):
    editor = make_user("ed", role="Editors")
    budget = {"url": "https://city.example/budget", "title": "City budget 2024", "publisher": "City of Example",
              "kind": "dataset", "stance": "contradicts"}  # fmt: skip
    other = {"url": "https://court.example/ruling", "title": "Court ruling", "kind": "primary_document",
             "stance": "supports"}  # fmt: skip
    for exact, sources in [("Kobzev tweeted", [budget]), ("Navalny wrote", [budget, other])]:
        services.create_claim(article, by=editor, exact=exact, verdict="disputed", sources=sources)
    return editor


def test_sources_cited_before_are_offered_once_per_url_most_cited_first(cited):
    answer = as_user(cited).get("/api/v1/sources/", {"q": "example"})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(row["url"], row["uses"]) for row in results] == [
        ("https://city.example/budget", 2), ("https://court.example/ruling", 1)
    ]  # fmt: skip
    assert results[0] == {"url": "https://city.example/budget", "title": "City budget 2024",
                          "publisher": "City of Example", "kind": "dataset", "uses": 2}  # fmt: skip
    assert [row["url"] for row in as_user(cited).get("/api/v1/sources/", {"q": "RULING"}).json()["results"]] == [
        "https://court.example/ruling"
    ]


def test_source_reuse_needs_two_characters_and_the_newsroom(cited):
    assert as_user(cited).get("/api/v1/sources/", {"q": "e"}).status_code == 400
    assert as_user(cited).get("/api/v1/sources/").status_code == 400
    assert APIClient().get("/api/v1/sources/", {"q": "budget"}).status_code == 401
    assert as_user(make_user("outsider")).get("/api/v1/sources/", {"q": "budget"}).status_code == 403


def test_source_reuse_costs_a_constant_number_of_queries(cited, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        as_user(cited).get("/api/v1/sources/", {"q": "example"})


def dismissed_url(article) -> str:
    return f"/api/v1/articles/{article.pk}/suggestions/dismissed/"


def suggested(client, article) -> dict[str, dict]:
    return {
        item["exact"]: item for item in client.get(f"/api/v1/articles/{article.pk}/suggestions/").json()["suggestions"]
    }


def test_a_dismissed_suggestion_is_set_aside_for_every_editor_until_shown_again(article):
    ed, colleague = as_user(make_user("ed", role="Editors")), as_user(make_user("kim", role="Editors"))
    tweet = suggested(ed, article)[TWEET]
    assert tweet["dismissed"] is None
    body = {"start": tweet["start"], "end": tweet["end"], "text_revision": article.text_revision}
    answer = ed.post(dismissed_url(article), body, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["by"] == "ed"
    seen = suggested(colleague, article)[TWEET]["dismissed"]
    assert (seen["by"], seen["at"]) == ("ed", answer.json()["at"])
    # Dismissing it again (another editor, a second click) keeps the first dismissal.
    assert colleague.post(dismissed_url(article), body, format="json").json()["by"] == "ed"

    restored = colleague.delete(f"{dismissed_url(article)}?text_revision={article.text_revision}")
    assert (restored.status_code, restored.json()) == (200, {"restored": 1})
    assert suggested(ed, article)[TWEET]["dismissed"] is None


def test_a_revised_text_gets_a_fresh_look_and_a_stale_dismissal_is_refused(article):
    editor = make_user("ed", role="Editors")
    ed = as_user(editor)
    tweet = suggested(ed, article)[TWEET]
    body = {"start": tweet["start"], "end": tweet["end"], "text_revision": article.text_revision}
    assert ed.post(dismissed_url(article), body, format="json").status_code == 201
    services.revise_article(article, article.body_html + "<p>One more line.</p>", by=editor, reason="update")
    assert suggested(ed, article)[TWEET]["dismissed"] is None
    stale = ed.post(dismissed_url(article), body, format="json")
    assert stale.status_code == 409
    assert "revised" in stale.json()["detail"]
    stale_restore = ed.delete(f"{dismissed_url(article)}?text_revision={body['text_revision']}")
    assert stale_restore.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": 5, "end": 5, "text_revision": 1}, "end"),
        ({"start": -1, "end": 5, "text_revision": 1}, "start"),
        ({"start": 0, "end": 10**7, "text_revision": 1}, "end"),
        ({"start": 0, "end": 5}, "text_revision"),
        ({"start": 0, "end": 5, "text_revision": 1, "by": "someone"}, "by"),
        ({"start": "x", "end": 5, "text_revision": 1}, "start"),
    ],
)
def test_a_bad_dismissal_gets_400_naming_the_field_and_changes_nothing(article, body, field):
    from annotations.models import DismissedSuggestion

    answer = as_user(make_user("ed", role="Editors")).post(dismissed_url(article), body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not DismissedSuggestion.objects.exists()


def test_only_editors_dismiss_suggestions(article):
    body = {"start": 0, "end": 5, "text_revision": article.text_revision}
    assert (
        as_user(make_user("rev", role="Reviewers")).post(dismissed_url(article), body, format="json").status_code == 403
    )
    assert APIClient().post(dismissed_url(article), body, format="json").status_code in (401, 403)
    assert (
        as_user(make_user("rev2", role="Reviewers")).delete(f"{dismissed_url(article)}?text_revision=1").status_code
        == 403
    )


def test_only_a_current_suggestion_can_be_dismissed(article):
    from annotations.models import DismissedSuggestion

    ed = as_user(make_user("ed", role="Editors"))
    tweet = suggested(ed, article)[TWEET]
    body = {"start": tweet["start"], "end": tweet["end"] - 1, "text_revision": article.text_revision}
    answer = ed.post(dismissed_url(article), body, format="json")
    assert answer.status_code == 400
    assert "reload the suggestions" in answer.json()["start"][0]
    assert not DismissedSuggestion.objects.exists()


def test_showing_dismissed_suggestions_again_ignores_other_query_parameters(article):
    ed = as_user(make_user("ed", role="Editors"))
    answer = ed.delete(f"{dismissed_url(article)}?text_revision={article.text_revision}&format=json")
    assert (answer.status_code, answer.json()) == (200, {"restored": 0})
    missing = ed.delete(dismissed_url(article))
    assert missing.status_code == 400
    assert "text_revision" in missing.json()
