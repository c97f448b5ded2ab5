"""Approved claims as schema.org ClaimReview: every property we print exists in the vocabulary and fits its
node's type and its value; Google's required and recommended fields are there; `claimReviewed` stays short and
free of the rating; only approved claims are published; JSON-LD processors read the document."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations import queries
from annotations.exports import claimreview
from annotations.exports.claimreview import RATING_WORDS, claim_review, claim_reviewed
from annotations.exports.records import ArticleRecord, ClaimRecord, Site
from annotations.models import Claim
from tests.exports import conformance
from tests.exports.support import SITE_URL, get_json

EXPORT = "/api/v1/export/claimreview.jsonld"
SITE = Site(SITE_URL, publisher_name="Factcheck Daily", publisher_url="https://factcheck.example/")
SCHEMA = "schema:"


@pytest.fixture(autouse=True)
def _material():
    conformance.require_material()


# The vocabulary (schema.org v30.0, read at test time).


@dataclasses.dataclass(frozen=True, eq=False)
class Vocabulary:
    nodes: dict[str, dict[str, Any]]

    def node(self, name: str) -> dict[str, Any] | None:
        return self.nodes.get(SCHEMA + name)

    def ids(self, node: dict[str, Any], key: str) -> set[str]:
        values = conformance.as_list(node.get(key))
        return {value["@id"] for value in values}

    @functools.cache  # noqa: B019 (one vocabulary for the session)
    def ancestors(self, term: str) -> frozenset[str]:
        """The class and every class above it (rdfs:subClassOf, transitively)."""
        found, todo = {term}, [term]
        while todo:
            node = self.nodes.get(todo.pop())
            for parent in self.ids(node or {}, "rdfs:subClassOf"):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return frozenset(found)

    def is_pending(self, node: dict[str, Any]) -> bool:
        return "https://pending.schema.org" in self.ids(node, "schema:isPartOf")


@functools.cache
def vocabulary() -> Vocabulary:
    path = conformance.require_material() / "schemaorg" / "schemaorg-current-https.jsonld"
    graph = conformance.load_json(path)["@graph"]
    return Vocabulary({node["@id"]: node for node in graph})


URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


def string_fits(value: str, datatypes: set[str]) -> bool:
    """Whether a JSON string is a value of one of the data types a property's range includes.

    schema.org itself is lenient: consumers are asked to accept Text where any type is expected (and a URL is
    Text). We hold our own output to the stricter reading, so a mistake shows: a string must be a value of a
    *data type* in the range - any string for Text, an absolute http(s) URL for URL, an ISO 8601 date or date-time
    for Date and DateTime. A string where only a class (Person, Organization...) is expected does not fit.
    """
    checks = {
        SCHEMA + "Text": lambda text: True,
        SCHEMA + "URL": lambda text: URL.fullmatch(text) is not None,
        SCHEMA + "Date": lambda text: re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and _parses(datetime.date, text),
        SCHEMA + "DateTime": lambda text: "T" in text and _parses(datetime.datetime, text),
    }
    return any(checks[datatype](value) for datatype in datatypes if datatype in checks)


def _parses(kind, text: str) -> bool:
    try:
        kind.fromisoformat(text)
    except ValueError:
        return False
    return True


def vocabulary_errors(node: dict[str, Any], path: str = "") -> list[str]:
    """Each property of `node` (and of the nodes nested in it): in the vocabulary, in the domain of the node's
    type, with values in its range; keyed by where it is, `ClaimReview.itemReviewed.author`."""
    vocab = vocabulary()
    errors = []
    kind = node.get("@type")
    if not isinstance(kind, str) or vocab.node(kind) is None:
        return [f"{path or '(root)'}: @type {kind!r} is not a schema.org type"]
    where = f"{path}{kind}"
    kinds = vocab.ancestors(SCHEMA + kind)
    for name, values in node.items():
        if name.startswith("@"):
            continue  # JSON-LD keywords (@context, @type, @id)
        prop = vocab.node(name)
        if prop is None or prop.get("@type") != "rdf:Property":
            errors.append(f"{where}.{name}: not a schema.org property")
            continue
        if "schema:supersededBy" in prop:
            errors.append(f"{where}.{name}: superseded by {prop['schema:supersededBy']}")
        if not kinds & vocab.ids(prop, "schema:domainIncludes"):
            errors.append(
                f"{where}.{name}: {kind} is not in its domain {sorted(vocab.ids(prop, 'schema:domainIncludes'))}"
            )
        ranges = vocab.ids(prop, "schema:rangeIncludes")
        for value in conformance.as_list(values):
            if isinstance(value, dict):
                nested = value.get("@type")
                if not isinstance(nested, str) or not vocab.ancestors(SCHEMA + nested) & ranges:
                    errors.append(f"{where}.{name}: a {nested} is not in its range {sorted(ranges)}")
                errors += vocabulary_errors(value, f"{where}.{name}.")
            elif isinstance(value, bool):
                if SCHEMA + "Boolean" not in ranges:
                    errors.append(f"{where}.{name}: a boolean is not in its range {sorted(ranges)}")
            elif isinstance(value, int | float):
                numbers = {SCHEMA + "Number", SCHEMA + "Integer", SCHEMA + "Float"}
                if not numbers & ranges:
                    errors.append(f"{where}.{name}: a number is not in its range {sorted(ranges)}")
            elif not isinstance(value, str) or not string_fits(value, ranges):
                errors.append(f"{where}.{name}: {value!r} is not a value of {sorted(ranges)}")
    return errors


def properties_used(node: dict[str, Any], path: str = "") -> set[str]:
    found = set()
    for name, value in node.items():
        for item in conformance.as_list(value):
            if not name.startswith("@"):
                found.add(path + name)
            if isinstance(item, dict):
                found |= properties_used(item, f"{path}{name}.")
    return found


def test_the_vocabulary_check_passes_schema_orgs_own_example():
    example = conformance.load_json(conformance.CONFORMANCE / "schemaorg" / "claimreview-eg-0324.jsonld")
    assert vocabulary_errors(example) == []


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"@type": "ClaimReview", "verdict": "true"}, "ClaimReview.verdict: not a schema.org property"),
        ({"@type": "Claim", "claimReviewed": "x"}, "Claim.claimReviewed: Claim is not in its domain"),
        ({"@type": "ClaimReview", "author": {"@type": "Rating"}}, "ClaimReview.author: a Rating is not in its range"),
        ({"@type": "ClaimReview", "author": "The desk"}, "ClaimReview.author: 'The desk' is not a value of"),
        ({"@type": "ClaimReview", "url": "claims/1"}, "ClaimReview.url: 'claims/1' is not a value of"),
        ({"@type": "ClaimReview", "datePublished": "May 1st"}, "ClaimReview.datePublished: 'May 1st'"),
        (
            {"@type": "ClaimReview", "reviewRating": {"@type": "Rating", "headline": "x"}},
            "Rating.headline: Rating is not",
        ),
        ({"@type": "Review", "claimReviewed": "x"}, "Review.claimReviewed: Review is not in its domain"),
        ({"@type": "FactCheck"}, "@type 'FactCheck' is not a schema.org type"),
    ],
)
def test_the_vocabulary_check_catches_made_up_misplaced_and_mistyped_properties(node, expected):
    assert any(expected in error for error in vocabulary_errors(node)), vocabulary_errors(node)


# Our output, from the API.


def reviews(api, query: str = "") -> list[dict[str, Any]]:
    document = get_json(api, EXPORT + query)
    assert document["@context"] == "https://schema.org"
    assert set(document) == {"@context", "@graph"}
    return document["@graph"]


def test_every_property_we_print_is_in_the_vocabulary_and_fits_domain_and_range(api, newsroom):
    graph = reviews(api)
    assert graph
    for review in graph:
        assert vocabulary_errors(review) == [], review
    used = set().union(*(properties_used(review) for review in graph))
    # The corpus reaches every property the presenter can print (so none goes unchecked).
    assert used == {
        "url", "claimReviewed", "datePublished", "reviewRating", "reviewRating.alternateName", "author",
        "author.name", "author.url", "itemReviewed", "itemReviewed.author", "itemReviewed.author.name",
        "itemReviewed.datePublished", "itemReviewed.appearance", "itemReviewed.appearance.url",
        "itemReviewed.appearance.headline", "itemReviewed.appearance.publisher",
        "itemReviewed.appearance.publisher.name", "itemReviewed.appearance.datePublished",
        "itemReviewed.firstAppearance", "itemReviewed.firstAppearance.url", "itemReviewed.firstAppearance.name",
    }  # fmt: skip
    # appearance and firstAppearance are still in schema.org's "pending" area; Google documents both for fact
    # checks, so we use them knowingly. Nothing else we print is pending.
    pending = {name for name in used if vocabulary().is_pending(vocabulary().node(name.rsplit(".", 1)[-1]))}
    assert pending == {"itemReviewed.appearance", "itemReviewed.firstAppearance"}


def test_googles_required_and_recommended_fields_are_there(api, newsroom, settings):
    settings.PUBLISHER_NAME, settings.PUBLISHER_URL = "Factcheck Daily", "https://factcheck.example/"
    graph = {review["url"]: review for review in reviews(api)}
    assert all(0 < len(review["claimReviewed"]) <= 75 for review in graph.values())
    claim = newsroom.claims["verified_full"]
    review = graph[f"{SITE_URL}/claims/{claim.pk}/"]
    # Required.
    assert review["claimReviewed"] == claim.summary
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Verified"}
    assert review["url"] == f"{SITE_URL}/claims/{claim.pk}/"
    # Recommended.
    assert review["author"] == {"@type": "Organization", "name": "Factcheck Daily", "url": "https://factcheck.example/"}
    assert review["datePublished"] == claim.approved_at.astimezone(datetime.UTC).date().isoformat()
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "The mayor"}
    assert item["datePublished"] == "2024-03-01"
    assert item["appearance"] == {
        "@type": "NewsArticle",
        "url": newsroom.bridge.source_url,
        "headline": "Bridge costs",
        "publisher": {"@type": "Organization", "name": "Daily Planet"},
        "datePublished": "2024-03-01",
    }
    origin = claim.sources.get(stance="origin")
    assert item["firstAppearance"] == {"@type": "CreativeWork", "url": origin.url, "name": origin.title}


def test_what_the_data_lacks_is_left_out_not_made_up(api, newsroom):
    """No speaker, no origin source, an article published here without a date or publisher."""
    claim = newsroom.claims["verified_note"]
    Claim.objects.filter(pk=claim.pk).update(review_state="approved", approved_at=None)
    (review,) = [review for review in reviews(api) if review["url"].endswith(f"/claims/{claim.pk}/")]
    assert "datePublished" not in review
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": {
            "@type": "NewsArticle",
            "url": f"{SITE_URL}/articles/{newsroom.council.slug}/",
            "headline": "Council notes",
        },
    }
    assert vocabulary_errors(review) == []


def test_each_verdict_is_given_in_words(api, newsroom):
    ratings = {review["url"]: review["reviewRating"]["alternateName"] for review in reviews(api)}
    for claim in newsroom.approved:
        assert ratings[f"{SITE_URL}/claims/{claim.pk}/"] == RATING_WORDS[claim.verdict]
    assert set(RATING_WORDS) == set(Claim.Verdict.values)


def test_only_approved_claims_are_published_even_to_the_newsroom(api, newsroom):
    expected = sorted(f"{SITE_URL}/claims/{claim.pk}/#claimreview" for claim in newsroom.approved)
    assert len(expected) == 3 < len(newsroom.claims)
    assert sorted(review["@id"] for review in reviews(api)) == expected
    api.force_authenticate(newsroom.author)
    assert sorted(review["@id"] for review in reviews(api)) == expected
    assert reviews(api, "?review_state=pending") == []


def test_filters_narrow_the_reviews(api, newsroom):
    disputed = [claim.pk for claim in newsroom.approved if claim.verdict == "disputed"]
    assert [review["url"] for review in reviews(api, "?verdict=disputed")] == [
        f"{SITE_URL}/claims/{pk}/" for pk in disputed
    ]


def test_the_document_expands_to_typed_claim_reviews(api, newsroom):
    document = get_json(api, EXPORT)
    expanded = conformance.expand(document)
    assert len(expanded) == len(newsroom.approved)
    for node in expanded:
        assert node["@type"] == ["http://schema.org/ClaimReview"]
        (item,) = node["http://schema.org/itemReviewed"]
        assert item["@type"] == ["http://schema.org/Claim"]
        (rating,) = node["http://schema.org/reviewRating"]
        assert rating["http://schema.org/alternateName"][0]["@value"] in RATING_WORDS.values()
    nquads = conformance.to_rdf(document)
    assert nquads.count("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/ClaimReview>") == 3


def example_keys() -> dict[str, set[str]]:
    """The keys schema.org's own ClaimReview examples use, by position (`""` is the top level)."""
    keys: dict[str, set[str]] = {}

    def walk(node, path):
        keys.setdefault(path, set()).update(node)
        for name, value in node.items():
            for item in conformance.as_list(value):
                if isinstance(item, dict):
                    walk(item, f"{path}{name}.")

    for path in sorted((conformance.CONFORMANCE / "schemaorg").glob("claimreview-eg-*.jsonld")):
        walk(json.loads(path.read_text(encoding="utf-8")), "")
    return keys


# Where our shape departs from schema.org's examples, and why.
BEYOND_THE_EXAMPLES = {
    "@id": "a JSON-LD keyword, not a property: names the review so other documents can point at it",
    "author.name": "Google's recommended author is an Organization with its name and url",
    "itemReviewed.appearance": "a Claim property (the examples predate the Claim type); Google recommends it",
    "itemReviewed.appearance.*": "the article the claim appeared in: url, headline, publisher, date",
    "itemReviewed.firstAppearance": "a Claim property: where the speaker first said it (our origin source)",
    "itemReviewed.firstAppearance.*": "the origin source's url and name",
}


def test_our_shape_follows_schema_orgs_examples_or_says_why_not(api, newsroom):
    seen = example_keys()
    for review in reviews(api):
        shape: dict[str, set[str]] = {}

        def walk(node, path, shape=shape):
            shape.setdefault(path, set()).update(node)
            for name, value in node.items():
                if isinstance(value, dict):
                    walk(value, f"{path}{name}.")

        walk(review, "")
        for path, names in shape.items():
            for name in names - seen.get(path, set()):
                key = path + name
                assert key in BEYOND_THE_EXAMPLES or any(
                    reason.endswith(".*") and key.startswith(reason[:-1]) for reason in BEYOND_THE_EXAMPLES
                ), f"{key} is in neither of schema.org's examples nor justified"
    # And every key the examples share at the top level we print too (Google's required/recommended ones).
    ours = set(reviews(api)[0])
    assert {"@context", "@type", "url", "author", "claimReviewed", "datePublished", "itemReviewed"} <= seen[""]
    assert seen[""] - ours <= {"@context", "reviewBody"}  # @context sits on the document, around the @graph


# claimReviewed: short, the summary when there is one, never the rating.


def record(**fields) -> tuple[ClaimRecord, ArticleRecord]:
    moment = datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)
    claim = ClaimRecord(
        id=1, article_id=1, start=0, end=1, exact="x", prefix="", suffix="", anchor_state="anchored",
        verdict="disputed", speaker="", summary="", note="", review_state="approved", created_by="ed",
        creator_name="", created_at=moment, updated_at=moment, approved_at=moment, version=1, canonical="",
    )  # fmt: skip
    article = ArticleRecord(id=1, slug="a", title="A", publisher="", published_on=None, source_url="")
    return dataclasses.replace(claim, **fields), article


LONG_QUOTE = (
    "The mayor said that the new bridge over the river cost four million euros, which is half of what the "
    "city budget shows for the project"
)


def test_claim_reviewed_is_the_summary_when_there_is_one():
    claim, _ = record(exact=LONG_QUOTE, summary="Bridge cost €4m, the mayor says")
    assert claim_reviewed(claim) == "Bridge cost €4m, the mayor says"


def test_claim_reviewed_is_the_quote_shortened_at_a_word_otherwise():
    claim, _ = record(exact=LONG_QUOTE)
    text = claim_reviewed(claim)
    assert len(text) <= 75
    assert text.endswith("…")
    assert text.startswith("The mayor said that the new bridge over the river cost four million")
    assert LONG_QUOTE[len(text) - 1] in " ,"  # the cut falls after a whole word


def test_a_long_summary_is_shortened_too_and_whitespace_is_tidied():
    claim, _ = record(summary="  " + LONG_QUOTE.replace(" the ", "\n the  ") + "  ")
    text = claim_reviewed(claim)
    assert len(text) <= 75
    assert text.endswith("…")
    assert "\n" not in text
    assert "  " not in text


WORDS = st.lists(
    st.text(st.characters(categories=["L", "N"], include_characters="’'-€%"), min_size=1, max_size=15)
    | st.sampled_from(
        ["the", "mayor", "said,", "4.5", "million;", "—", "“bridge”", "👍🏽", "euros.", "e\u0301te\u0301"]
    ),
    min_size=1,
    max_size=40,
)


@given(WORDS, st.sampled_from(["", " ", "\n", "  "]), st.booleans())
def test_claim_reviewed_is_short_and_cut_only_between_words(words, glue, as_summary):
    text = (glue or " ").join(words)
    claim, _ = record(**({"summary": text} if as_summary else {"exact": text}))
    result = claim_reviewed(claim)
    tidy = " ".join(text.split())
    assert len(result) <= claimreview.CLAIM_REVIEWED_LENGTH
    if len(tidy) <= claimreview.CLAIM_REVIEWED_LENGTH:
        assert result == tidy
    else:
        stem = result.removesuffix("…")
        assert result.endswith("…")
        assert stem
        assert tidy.startswith(stem)
        # The cut falls at the end of a word: what follows is a space or punctuation trimmed before the space.
        assert tidy[len(stem)] in " ,;:."
        assert not stem[-1].isspace()


@given(WORDS, st.sampled_from(sorted(RATING_WORDS)))
def test_claim_reviewed_never_brings_in_the_rating(words, verdict):
    text = " ".join(words)
    claim, article = record(exact=text, verdict=verdict)
    reviewed = claim_review(claim, article, SITE)["claimReviewed"]
    for rating in RATING_WORDS.values():
        if rating.lower() not in text.lower():
            assert rating.lower() not in reviewed.lower()
    others = {other: claim_reviewed(dataclasses.replace(claim, verdict=other)) for other in RATING_WORDS}
    assert set(others.values()) == {reviewed}  # the verdict never changes the text


def test_the_presenter_leaves_out_the_context_inside_a_graph():
    claim, article = record()
    assert claim_review(claim, article, SITE)["@context"] == "https://schema.org"
    assert "@context" not in claim_review(claim, article, SITE, embedded=True)


def test_every_record_of_an_approved_claim_gives_a_valid_review(newsroom):
    records = queries.export_records(Claim.objects.filter(review_state="approved"))
    for claim, article in records:
        assert vocabulary_errors(claim_review(claim, article, SITE)) == []


def test_a_word_that_ends_exactly_at_the_limit_is_kept():
    # 74 characters of words, then a space: the whole last word fits with the ellipsis (found by review).
    words = "The mayor said the new bridge over the river cost four million euros in all"
    text = words[:74] + " and then some more words"
    assert text[74] == " "
    claim, _ = record(exact=text)
    assert claim_reviewed(claim) == words[:74] + "…"


# The same claim published in several articles (same_as).


def test_a_claim_published_in_several_articles_lists_every_appearance_its_own_first(api, seed_articles):
    from annotations import services
    from annotations.models import Article
    from tests.factories import make_article, make_user

    editor, reviewer = make_user("ed", role="Editors"), make_user("rev", role="Reviewers")
    jail, prison = (
        Article.objects.get(slug__startswith="from-jail"),
        Article.objects.get(slug__startswith="from-prison"),
    )
    third = make_article(title="A later report", published_on=datetime.date(2023, 9, 1), publisher="Wire")

    def published(claim: Claim) -> Claim:
        services.submit_claim(claim, by=editor)
        return services.approve_claim(Claim.objects.get(pk=claim.pk), by=reviewer)

    origin = {"url": "https://www.instagram.com/navalny/", "kind": "social_media_post", "stance": "origin"}
    original = published(services.create_claim(
        jail, by=editor, exact=jail.body_text[:40], verdict="attributed", speaker="Alexei Navalny", sources=[origin]
    ))  # fmt: skip
    again = services.link_claim(original, prison, start=0, end=30, by=editor)
    by_url = {review["url"]: review for review in reviews(api)}
    assert by_url[f"{SITE_URL}/claims/{original.pk}/"]["itemReviewed"]["appearance"]["url"] == jail.source_url

    published(again)
    published(services.link_claim(again, third, start=0, end=10, by=editor))  # a chain names the first claim
    by_url = {review["url"]: review for review in reviews(api)}
    first, restated = by_url[f"{SITE_URL}/claims/{original.pk}/"], by_url[f"{SITE_URL}/claims/{again.pk}/"]
    # The others oldest first; the prison article has no date, so it comes last.
    assert [a["headline"] for a in first["itemReviewed"]["appearance"]] == [jail.title, third.title, prison.title]
    assert [a["headline"] for a in restated["itemReviewed"]["appearance"]] == [prison.title, jail.title, third.title]
    assert first["itemReviewed"]["appearance"][1] == {
        "@type": "NewsArticle", "url": f"{SITE_URL}/articles/{third.slug}/", "headline": "A later report",
        "publisher": {"@type": "Organization", "name": "Wire"}, "datePublished": "2023-09-01",
    }  # fmt: skip
    assert vocabulary_errors(first) == []

    page = api.get(f"/claims/{original.pk}/").content.decode()
    assert f'href="{SITE_URL}/articles/{prison.slug}/">{prison.title}</a>' in page
    assert json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]) == {
        "@context": "https://schema.org",
        **first,
    }


@pytest.mark.parametrize("how", ["service", "admin"])
def test_deleting_the_first_claim_keeps_its_restatements_one_claim(api, seed_articles, how):
    from annotations import services
    from annotations.models import Article
    from tests.factories import make_article, make_user

    editor, reviewer = make_user("ed", role="Editors"), make_user("rev", role="Reviewers")
    jail, prison = (
        Article.objects.get(slug__startswith="from-jail"),
        Article.objects.get(slug__startswith="from-prison"),
    )
    third = make_article(title="A later report")
    origin = {"url": "https://www.instagram.com/navalny/", "kind": "social_media_post", "stance": "origin"}
    original = services.create_claim(
        jail, by=editor, exact=jail.body_text[:40], verdict="attributed", speaker="Alexei Navalny", sources=[origin]
    )
    again = services.link_claim(original, prison, start=0, end=30, by=editor)
    later = services.link_claim(original, third, start=0, end=10, by=editor)
    for claim in (again, later):
        services.submit_claim(claim, by=editor)
        services.approve_claim(Claim.objects.get(pk=claim.pk), by=reviewer)

    if how == "service":
        services.delete_claim(original, by=editor, version=original.version)
    else:
        Claim.objects.get(pk=original.pk).delete()  # as the admin does, without the services

    assert dict(Claim.objects.values_list("pk", "same_as")) == {again.pk: None, later.pk: again.pk}
    by_url = {review["url"]: review for review in reviews(api)}
    appearances = by_url[f"{SITE_URL}/claims/{later.pk}/"]["itemReviewed"]["appearance"]
    assert [a["headline"] for a in appearances] == ["A later report", prison.title]
