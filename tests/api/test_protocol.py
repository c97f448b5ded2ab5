"""The W3C Web Annotation Protocol container at /annotations/: every check of the reference test suite
(../shared/conformance/README.md, "W3C Web Annotation Protocol"), plus If-Match, 415 and Accept-Post.

A generic W3C client must be able to read our claims and write them: these tests act as one.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from annotations.exports import w3c
from annotations.models import Claim
from tests.exports.conformance import annotation_errors, collection_errors, page_errors
from tests.factories import make_claim, make_source, make_user

pytestmark = pytest.mark.django_db

PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
MINIMAL = 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
IRIS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
CONTAINER = "http://testserver/annotations/"


def body(response) -> dict:
    return json.loads(response.content)


def new_annotation(article, **changes) -> dict:
    """What a generic client POSTs: a quote and a position in the article, a verdict, a source."""
    exact = "the bridge cost 8 million euros"
    start = article.body_text.index(exact)
    document = {
        "@context": w3c.CONTEXT,
        "type": "Annotation",
        "motivation": "assessing",
        "canonical": "urn:uuid:3f1b0e0a-7c55-4d1e-9a53-5a0d0c6b2f11",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "disputed"},
            {"type": "TextualBody", "purpose": "identifying", "value": "Critics"},
            {
                "type": "SpecificResource",
                "purpose": "linking",
                "source": {"id": "https://example.org/budget", "schema:name": "City budget"},
                w3c.STANCE: "contradicts",
                w3c.KIND: "dataset",
            },
        ],
        "target": {
            "source": f"http://testserver/articles/{article.slug}/",
            "selector": [
                {"type": "TextQuoteSelector", "exact": exact},
                {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
            ],
        },
    }
    return document | changes


def post(client: APIClient, document, content_type: str = "application/ld+json"):
    return client.post("/annotations/", data=json.dumps(document), content_type=content_type)


@pytest.fixture
def approved(article, editor):
    claim = make_claim(article, created_by=editor, review_state=Claim.ReviewState.APPROVED, speaker="The mayor")
    make_source(claim, stance="origin", kind="official_statement")
    return claim


class TestContainer:
    def test_container_headers_and_body(self, api, approved):
        response = api.get("/annotations/")
        assert response.status_code == 200
        assert response["Content-Type"] == PROFILE
        assert {"GET", "HEAD", "OPTIONS", "POST"} <= {m.strip() for m in response["Allow"].split(",")}
        assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in response["Link"]
        assert 'rel="http://www.w3.org/ns/ldp#constrainedBy"' in response["Link"]
        assert "Accept" in response["Vary"]
        assert "Prefer" in response["Vary"]
        assert response["ETag"]
        assert response["Accept-Post"].startswith("application/ld+json")
        document = body(response)
        assert document["id"].endswith("/")
        assert response["Content-Location"] == document["id"] == CONTAINER
        assert {"BasicContainer", "AnnotationCollection"} <= set(document["type"])
        assert document["total"] == 1
        assert document["first"]["items"][0]["id"] == f"http://testserver/annotations/{approved.pk}"

    def test_head_and_options_answer_200(self, api, approved):
        assert api.head("/annotations/").status_code == 200
        options = api.options("/annotations/")
        assert options.status_code == 200
        assert "POST" in options["Allow"]

    def test_minimal_container_has_counts_and_links_but_no_items(self, api, approved):
        document = body(api.get("/annotations/", HTTP_PREFER=MINIMAL))
        assert document["total"] == 1
        assert isinstance(document["first"], str)
        assert isinstance(document["last"], str)
        assert "items" not in json.dumps(document)

    def test_contained_iris_lists_iris_only(self, api, approved):
        document = body(api.get("/annotations/", HTTP_PREFER=IRIS))
        assert document["first"]["items"] == [f"http://testserver/annotations/{approved.pk}"]

    def test_pages_link_to_each_other_and_to_the_container(self, api, article, editor):
        for n in range(230):
            make_claim(article, created_by=editor, review_state="approved", note=f"n{n}")
        first = body(api.get("/annotations/?page=0"))
        assert first["partOf"]["id"] == CONTAINER
        assert first["partOf"]["total"] == 230
        assert first["startIndex"] == 0
        assert "next" in first
        assert "prev" not in first
        assert page_errors(first) == []
        seen, page = [], first
        while True:
            seen += [item["id"] for item in page["items"]]
            if "next" not in page:
                break
            page = body(api.get(page["next"]))
        assert "prev" in page
        assert page["startIndex"] == 200
        assert len(seen) == len(set(seen)) == 230
        # The container's @context adds LDP's to the W3C one, as the protocol's own examples do.
        for prefer in (MINIMAL, ""):
            container = body(api.get("/annotations/", HTTP_PREFER=prefer))
            assert container["@context"] == [w3c.CONTEXT, "http://www.w3.org/ns/ldp.jsonld"]
            assert collection_errors({**container, "@context": w3c.CONTEXT}) == []

    def test_anonymous_readers_see_approved_claims_only(self, api, article, approved, editor):
        make_claim(article, created_by=editor, exact="the bridge cost 8 million euros")
        assert body(api.get("/annotations/"))["total"] == 1
        api.force_authenticate(editor)
        assert body(api.get("/annotations/"))["total"] == 2

    def test_bad_page_is_400(self, api, approved):
        assert api.get("/annotations/?page=7").status_code == 400
        assert api.get("/annotations/?page=-1").status_code == 400


class TestAnnotation:
    def test_annotation_headers_and_body(self, api, approved):
        response = api.get(f"/annotations/{approved.pk}")
        assert response.status_code == 200
        assert response["Content-Type"] == PROFILE
        assert {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"} <= {m.strip() for m in response["Allow"].split(",")}
        assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
        assert "Accept" in response["Vary"]
        assert response["ETag"] == f'"claim-{approved.pk}-v{approved.version}"'
        assert annotation_errors(body(response)) == []
        assert api.head(f"/annotations/{approved.pk}").status_code == 200
        assert api.options(f"/annotations/{approved.pk}").status_code == 200

    def test_unknown_or_unpublished_annotations_are_404(self, api, article, editor):
        draft = make_claim(article, created_by=editor)
        assert api.get(f"/annotations/{draft.pk}").status_code == 404
        assert api.get("/annotations/999999").status_code == 404
        assert api.get("/annotations/x%20y").status_code == 404


class TestWrite:
    def test_create_returns_201_with_location_under_the_container(self, as_editor, article):
        response = post(as_editor, new_annotation(article))
        assert response.status_code == 201, response.content
        created = body(response)
        assert response["Location"] == created["id"]
        assert created["id"].startswith(CONTAINER)
        assert response["ETag"]
        assert response["Content-Type"] == PROFILE
        assert created["canonical"] == "urn:uuid:3f1b0e0a-7c55-4d1e-9a53-5a0d0c6b2f11"
        assert annotation_errors(created) == []
        claim = Claim.objects.get()
        assert (claim.verdict, claim.speaker, claim.exact) == ("disputed", "Critics", "the bridge cost 8 million euros")
        assert claim.sources.get().stance == "contradicts"
        assert claim.created_by.username == "ed"
        assert claim.review_state == "draft"

    def test_a_position_in_utf16_units_is_corrected_by_the_quote(self, as_editor, article):
        document = new_annotation(article)
        document["target"]["selector"][1]["start"] += 3  # as a client counting other units might send
        document["target"]["selector"][1]["end"] += 3
        assert post(as_editor, document).status_code == 201
        claim = Claim.objects.get()
        assert article.body_text[claim.start : claim.end] == "the bridge cost 8 million euros"

    def test_words_not_in_the_article_are_400_and_nothing_is_written(self, as_editor, article):
        document = new_annotation(article)
        document["target"]["selector"] = {"type": "TextQuoteSelector", "exact": "words that are nowhere"}
        response = post(as_editor, document)
        assert response.status_code == 400
        assert "target.selector" in body(response)
        assert not Claim.objects.exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"body": [{"type": "TextualBody", "value": "just a comment"}]}, "body"),
            ({"target": "http://testserver/articles/nope/"}, "target"),
            ({"type": "Note"}, "type"),
        ],
    )
    def test_annotations_we_cannot_read_are_400_naming_the_part(self, as_editor, article, change, field):
        response = post(as_editor, new_annotation(article, **change))
        assert response.status_code == 400
        assert field in body(response)
        assert not Claim.objects.exists()

    def test_unknown_article_is_400(self, as_editor, article):
        document = new_annotation(article)
        document["target"]["source"] = "https://elsewhere.example/story"
        response = post(as_editor, document)
        assert response.status_code == 400
        assert "target.source" in body(response)

    def test_other_media_types_are_415(self, as_editor, article):
        assert post(as_editor, new_annotation(article), "text/plain").status_code == 415
        assert post(as_editor, new_annotation(article), "application/xml").status_code == 415
        assert not Claim.objects.exists()

    def test_profile_media_type_is_accepted(self, as_editor, article):
        assert post(as_editor, new_annotation(article), PROFILE).status_code == 201

    def test_anonymous_and_reviewers_cannot_write(self, api, article, reviewer):
        assert post(api, new_annotation(article)).status_code == 401
        api.force_authenticate(reviewer)
        assert post(api, new_annotation(article)).status_code == 403
        assert not Claim.objects.exists()

    def test_session_writes_need_the_csrf_token(self, article, editor):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(editor)
        assert post(client, new_annotation(article)).status_code == 403
        assert not Claim.objects.exists()

    def test_put_replaces_the_claim_and_a_stale_etag_is_412(self, as_editor, article):
        created = post(as_editor, new_annotation(article))
        iri, etag = body(created)["id"], created["ETag"]
        changed = body(created)
        changed["body"][0]["value"] = "verified"
        changed["body"].append({"type": "TextualBody", "purpose": "commenting", "value": "Budget line 4.2"})
        changed["target"]["selector"] = [
            {"type": "TextQuoteSelector", "exact": "the bridge cost 4 million euros"}
        ]  # a changed target: other words
        response = as_editor.put(iri, data=json.dumps(changed), content_type="application/ld+json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, response.content
        updated = body(response)
        assert updated["target"]["selector"][0]["exact"] == "the bridge cost 4 million euros"
        claim = Claim.objects.get()
        assert (claim.verdict, claim.note) == ("verified", "Budget line 4.2")
        stale = as_editor.put(iri, data=json.dumps(changed), content_type="application/ld+json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        assert stale["ETag"] == response["ETag"]
        assert Claim.objects.get().version == claim.version

    def test_put_without_if_match_is_428(self, as_editor, article):
        created = post(as_editor, new_annotation(article))
        response = as_editor.put(body(created)["id"], data=created.content, content_type="application/ld+json")
        assert response.status_code == 428

    def test_delete_is_204_with_the_current_etag_and_412_with_a_stale_one(self, as_editor, article):
        created = post(as_editor, new_annotation(article))
        iri = body(created)["id"]
        assert as_editor.delete(iri, HTTP_IF_MATCH='"claim-1-v99"').status_code == 412
        assert as_editor.delete(iri, HTTP_IF_MATCH=created["ETag"]).status_code == 204
        assert not Claim.objects.exists()

    def test_another_editors_annotation_cannot_be_changed(self, api, article):
        owner = make_user("owner", role="Editors")
        api.force_authenticate(owner)
        created = post(api, new_annotation(article))
        api.force_authenticate(make_user("other", role="Editors"))
        response = api.delete(body(created)["id"], HTTP_IF_MATCH=created["ETag"])
        assert response.status_code == 403
        assert Claim.objects.exists()


def test_article_pages_advertise_the_annotation_service(client, article):
    response = client.get(f"/articles/{article.slug}/")
    assert response["Link"] == '</annotations/>; rel="http://www.w3.org/ns/oa#annotationService"'
    assert b'rel="http://www.w3.org/ns/oa#annotationService" href="/annotations/"' in response.content


def test_a_claim_is_an_annotation_by_content_negotiation(api, approved):
    as_annotation = api.get(f"/api/v1/claims/{approved.pk}/", HTTP_ACCEPT="application/ld+json")
    assert as_annotation["Content-Type"] == PROFILE
    assert "Accept" in as_annotation["Vary"]
    assert annotation_errors(body(as_annotation)) == []
    assert body(as_annotation) == body(api.get(f"/annotations/{approved.pk}"))
    assert api.get(f"/api/v1/claims/{approved.pk}/", HTTP_ACCEPT="application/json").json()["id"] == approved.pk
    missing = api.get("/api/v1/claims/999999/", HTTP_ACCEPT="application/ld+json")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


class TestFoundByReview:
    """Each of these was a bug found by a review of the container; the test would have caught it."""

    def test_a_revision_landing_between_finding_the_words_and_saving_is_refused(
        self, as_editor, article, editor, monkeypatch
    ):
        from annotations import services

        found = services.anchor_annotation

        def then_revise(target, given, **options):
            result = found(target, given, **options)
            services.revise_article(target, "<p>A new first line.</p>" + target.body_html, by=editor)
            return result

        monkeypatch.setattr(services, "anchor_annotation", then_revise)
        response = post(as_editor, new_annotation(article))
        assert response.status_code in {400, 409}
        assert not Claim.objects.exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"body": [{"type": "TextualBody", "purpose": {"x": 1}, "value": "v"}]}, "body[0].purpose"),
            ({"body": [{"type": "TextualBody", "purpose": [["tagging"]], "value": "v"}]}, "body[0].purpose"),
            ({"target": {"source": "http://[bad/articles/x/", "selector": {"type": "TextQuoteSelector", "exact": "x"}}},
             "target.source"),
            ({"canonical": "urn:x:" + "語" * 1990}, "canonical"),
            ({"canonical": "urn:x:café"}, "canonical"),
            ({"bodyValue": "x" * 20_001}, "body"),
        ],
    )  # fmt: skip
    def test_hostile_annotations_are_400_never_500(self, as_editor, article, change, field):
        document = new_annotation(article, **change)
        if "bodyValue" in change:
            document["body"] = document["body"][:1]
        response = post(as_editor, document)
        assert response.status_code == 400, response.content
        assert field in body(response)
        assert not Claim.objects.exists()

    def test_too_many_sources_are_refused(self, as_editor, article):
        document = new_annotation(article)
        document["body"] += [document["body"][2]] * 60
        assert post(as_editor, document).status_code == 400

    def test_the_clients_id_is_not_taken_for_its_canonical(self, as_editor, article):
        document = new_annotation(article, id="anno1")
        del document["canonical"]
        response = post(as_editor, document)
        assert response.status_code == 201
        assert body(response)["canonical"] == body(response)["id"]

    def test_a_misquote_is_refused_not_attached_to_nearby_words(self, as_editor, article):
        document = new_annotation(article)
        document["target"]["selector"] = {"type": "TextQuoteSelector", "exact": "the bridge cost 9 million euros"}
        response = post(as_editor, document)
        assert response.status_code == 400
        assert "closest words" in body(response)["target.selector"][0]
        assert not Claim.objects.exists()

    def test_put_keeps_the_identity_of_unchanged_sources(self, as_editor, article):
        created = post(as_editor, new_annotation(article))
        ids = list(Claim.objects.get().sources.values_list("pk", flat=True))
        response = as_editor.put(
            body(created)["id"], data=created.content, content_type="application/ld+json", HTTP_IF_MATCH=created["ETag"]
        )
        assert response.status_code == 200
        assert list(Claim.objects.get().sources.values_list("pk", flat=True)) == ids

    def test_a_state_list_keeps_the_date_and_the_archived_copy(self, as_editor, article):
        document = new_annotation(article)
        document["body"][2]["state"] = [
            {"type": "TimeState", "sourceDate": "2024-03-01T00:00:00Z", "cached": "https://archive.example/1"}
        ]
        assert post(as_editor, document).status_code == 201
        source = Claim.objects.get().sources.get()
        assert (str(source.accessed_on), source.archived_url) == ("2024-03-01", "https://archive.example/1")

    def test_another_sites_article_page_is_not_ours(self, as_editor, article):
        document = new_annotation(article)
        document["target"]["source"] = f"https://elsewhere.example/articles/{article.slug}/"
        response = post(as_editor, document)
        assert response.status_code == 400
        assert "target.source" in body(response)

    def test_the_minimal_container_has_its_own_etag(self, api, approved):
        assert api.get("/annotations/")["ETag"] != api.get("/annotations/", HTTP_PREFER=MINIMAL)["ETag"]

    def test_the_annotation_of_a_claim_has_a_weak_etag_of_its_own(self, api, approved):
        as_json = api.get(f"/api/v1/claims/{approved.pk}/")
        as_annotation = api.get(f"/api/v1/claims/{approved.pk}/", HTTP_ACCEPT="application/ld+json")
        assert as_annotation["ETag"] == "W/" + as_json["ETag"]


@pytest.mark.parametrize("url", ["/api/v1/export/claims.csv", "/api/v1/export/claimreview.jsonld", "/api/v1/claims/"])
def test_an_article_number_beyond_64_bits_is_400_before_anything_is_sent(api, approved, url):
    response = api.get(url + "?article=99999999999999999999999")
    assert response.status_code == 400
    assert "article" in response.json()
