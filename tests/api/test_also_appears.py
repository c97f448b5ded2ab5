"""The same claim across articles: passages of other articles that state it, linking one to reuse the verdict, and
earlier claims offered for a new one."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Article, Claim
from tests.factories import make_user

pytestmark = pytest.mark.django_db

JAIL = "from-jail-navalny-urges-russians-to-vote-out-pro-kremlin-candidates"
PRISON = "from-prison-navalny-urges-russians-to-vote-against-kremlin-candidates-on-september-10"
URGED = "Alexei Navalny has urged Russians to vote out ruling party candidates"
CALLED = "Alexei Navalny today called on Russians from his prison cell"
SOURCE = {"url": "https://www.instagram.com/navalny/", "title": "Navalny's post", "kind": "social_media_post",
          "stance": "origin"}  # fmt: skip


@pytest.fixture
def world():
    call_command("loaddata", "articles", verbosity=0)
    editor = make_user("ed", role="Editors")
    jail, prison = Article.objects.get(slug=JAIL), Article.objects.get(slug=PRISON)
    claim = services.create_claim(jail, by=editor, exact=URGED, verdict="attributed", speaker="Alexei Navalny",
                                  note="His Instagram post from jail.", sources=[SOURCE])  # fmt: skip
    api = APIClient()
    api.force_authenticate(editor)
    return {"editor": editor, "jail": jail, "prison": prison, "claim": claim, "api": api}


def test_the_other_seed_article_states_the_same_claim_and_says_why(world):
    answer = world["api"].get(f"/api/v1/claims/{world['claim'].pk}/also-appears/")
    assert answer.status_code == 200
    best = answer.json()["passages"][0]
    assert best["article"] == {"id": world["prison"].pk, "title": world["prison"].title, "slug": PRISON}
    assert best["exact"].startswith(CALLED)
    assert world["prison"].body_text[best["start"] : best["end"]] == best["exact"]
    assert {"navalny", "russians"} <= set(best["shared"])
    assert "shares" in best["reason"]
    assert best["claims"] == []


def test_linking_a_passage_marks_the_same_claim_there_with_the_verdict_and_sources_reused(world):
    api, claim, prison = world["api"], world["claim"], world["prison"]
    best = api.get(f"/api/v1/claims/{claim.pk}/also-appears/").json()["passages"][0]
    linked = api.post(f"/api/v1/claims/{claim.pk}/also-appears/",
                      {"article": prison.pk, "start": best["start"], "end": best["end"]}, format="json")  # fmt: skip
    assert linked.status_code == 201, linked.json()
    made = Claim.objects.get(pk=linked.json()["id"])
    assert (made.article, made.same_as, made.verdict, made.speaker, made.note) == (
        prison, claim, "attributed", "Alexei Navalny", "His Instagram post from jail."
    )  # fmt: skip
    assert list(made.sources.values_list("url", "stance")) == [(SOURCE["url"], "origin")]
    assert made.review_state == "draft"  # reviewed like any other claim
    again = api.get(f"/api/v1/claims/{claim.pk}/also-appears/").json()["passages"][0]
    assert again["claims"] == [{"id": made.pk, "verdict": "attributed", "linked": True}]
    # A link of a link points at the first claim, so every restatement names one original.
    third = api.post(f"/api/v1/claims/{made.pk}/also-appears/",
                     {"article": world["jail"].pk, "start": 0, "end": 14}, format="json")  # fmt: skip
    assert Claim.objects.get(pk=third.json()["id"]).same_as == claim


@pytest.mark.parametrize(
    ("body", "field"),
    [({"start": 0, "end": 14}, "article"), ({"article": 999, "start": 0, "end": 14}, "article"),
     ({"start": -1, "end": 14}, "start"), ({"start": 0, "end": 10**8}, "end"), ({"start": 0, "end": 14, "x": 1}, "x")],
)  # fmt: skip
def test_a_bad_link_gets_400_naming_the_field_and_changes_nothing(world, body, field):
    body = {"article": world["prison"].pk, **body} if "article" not in body and field != "article" else body
    before = Claim.objects.count()
    answer = world["api"].post(f"/api/v1/claims/{world['claim'].pk}/also-appears/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert Claim.objects.count() == before


def test_linking_within_the_same_article_is_refused(world):
    answer = world["api"].post(f"/api/v1/claims/{world['claim'].pk}/also-appears/",
                               {"article": world["jail"].pk, "start": 0, "end": 14}, format="json")  # fmt: skip
    assert answer.status_code == 400
    assert "article" in answer.json()


def test_earlier_claims_like_a_new_one_are_offered_with_their_verdicts(world):
    answer = world["api"].get("/api/v1/claims/similar/", {"text": CALLED + " to vote for any candidate"})
    assert answer.status_code == 200
    (first, *_) = answer.json()["results"]
    assert (first["id"], first["verdict"], first["speaker"]) == (world["claim"].pk, "attributed", "Alexei Navalny")
    assert first["reason"]
    assert world["api"].get("/api/v1/claims/similar/", {"text": "Weather in Lisbon was sunny"}).json()["results"] == []


def test_cross_article_help_is_for_the_newsroom_and_linking_for_editors(world):
    claim = world["claim"]
    reviewer = APIClient()
    reviewer.force_authenticate(make_user("rev", role="Reviewers"))
    assert reviewer.get(f"/api/v1/claims/{claim.pk}/also-appears/").status_code == 200
    link = {"article": world["prison"].pk, "start": 0, "end": 14}
    assert reviewer.post(f"/api/v1/claims/{claim.pk}/also-appears/", link, format="json").status_code == 403
    outsider = APIClient()
    outsider.force_authenticate(make_user("outsider"))
    assert outsider.get(f"/api/v1/claims/{claim.pk}/also-appears/").status_code == 404  # a draft: not theirs to see
    assert outsider.get("/api/v1/claims/similar/", {"text": "Navalny vote"}).status_code == 403
    assert APIClient().get("/api/v1/claims/similar/", {"text": "Navalny vote"}).status_code == 401


def _approve(claim: Claim) -> None:
    reviewer = make_user(role="Reviewers")
    services.submit_claim(claim, by=claim.created_by)
    services.approve_claim(Claim.objects.get(pk=claim.pk), by=reviewer)


def test_a_restated_claim_names_its_original_to_the_newsroom_and_to_readers_once_the_original_is_published(world):
    api, claim, prison = world["api"], world["claim"], world["prison"]
    linked = api.post(f"/api/v1/claims/{claim.pk}/also-appears/",
                      {"article": prison.pk, "start": 0, "end": 14}, format="json").json()  # fmt: skip
    assert linked["same_as"] == claim.pk
    listed = {row["id"]: row["same_as"] for row in api.get("/api/v1/claims/").json()["results"]}
    assert listed == {claim.pk: None, linked["id"]: claim.pk}
    _approve(Claim.objects.get(pk=linked["id"]))

    reader = APIClient()  # anonymous: sees the approved restatement, but not the draft it points at
    assert reader.get(f"/api/v1/claims/{linked['id']}/").json()["same_as"] is None
    assert [row["same_as"] for row in reader.get("/api/v1/claims/").json()["results"]] == [None]
    header, *rows = csv_rows(reader)
    assert header[-1] == "same_as"
    assert [row[-1] for row in rows] == [""]
    assert (
        "sameClaimAs"
        not in reader.get(f"/api/v1/claims/{linked['id']}/", HTTP_ACCEPT="application/ld+json").content.decode()
    )

    _approve(claim)
    assert reader.get(f"/api/v1/claims/{linked['id']}/").json()["same_as"] == claim.pk
    listed = {row["id"]: row["same_as"] for row in reader.get("/api/v1/claims/").json()["results"]}
    assert listed == {claim.pk: None, linked["id"]: claim.pk}
    assert {row[0]: row[-1] for row in csv_rows(reader)[1:]} == {str(claim.pk): "", str(linked["id"]): str(claim.pk)}
    annotation = reader.get(f"/api/v1/claims/{linked['id']}/", HTTP_ACCEPT="application/ld+json").json()
    assert annotation["https://w3id.org/factcheck/ns#sameClaimAs"].endswith(f"/annotations/{claim.pk}")


def csv_rows(client: APIClient) -> list[list[str]]:
    answer = client.get("/api/v1/export/claims.csv")
    return list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
