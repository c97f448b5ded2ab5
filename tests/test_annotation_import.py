"""export_annotations then import_annotations: the same claims come back, once, on the right words."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations import services
from annotations.models import Claim, Source
from tests.factories import make_article, make_claim, make_source, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "<p>On Monday the minister said unemployment fell to 4.1% 😀 in March.</p>"
    "<p>The opposition said the figure ignores 200,000 people in training schemes.</p>"
    "<p>Statistics office data shows unemployment at 4.3% for the same month.</p>"
)


@pytest.fixture
def claims(editor):
    article = make_article(title="Jobs", body_html=BODY, source_url="https://news.example/jobs")
    other = make_article(title="Other", body_html="<p>A second article, with no original URL.</p>")
    first = make_claim(
        article, exact="unemployment fell to 4.1%", created_by=editor, verdict="disputed", speaker="The minister",
        note="Line 1, with a comma\nand a second line", summary="Minister: unemployment fell to 4.1% in March",
    )  # fmt: skip
    make_source(
        first, stance="contradicts", kind="dataset", quoted_text="4.3%", archived_url="https://archive.example/1"
    )
    make_source(first, url="https://gov.example/speech", stance="origin", kind="official_statement", title="")
    second = make_claim(
        article, exact="the figure ignores 200,000 people", created_by=editor, verdict="attributed",
        speaker="The opposition", review_state="approved",
    )  # fmt: skip
    make_source(second, url="https://party.example/release", stance="origin", kind="official_statement")
    make_claim(other, exact="A second article", created_by=editor, verdict="verified")
    return article


def snapshot() -> list[tuple]:
    """What an editor would compare: the words, the verdict, the texts and the sources of every claim."""
    rows = []
    for claim in Claim.objects.order_by("article__slug", "start"):
        sources = sorted(
            Source.objects.filter(claim=claim).values_list(
                "url", "title", "publisher", "kind", "stance", "quoted_text", "accessed_on", "archived_url"
            )
        )
        rows.append(
            (claim.article.slug, claim.start, claim.end, claim.exact, claim.verdict, claim.speaker, claim.summary,
             claim.note, tuple(sources))
        )  # fmt: skip
    return rows


def export(tmp_path, name="claims.jsonld") -> str:
    path = tmp_path / name
    call_command("export_annotations", "--format", "w3c", "--output", str(path), stderr=StringIO())
    return str(path)


def run_import(path: str, user: str = "ed", *extra: str) -> str:
    out = StringIO()
    call_command("import_annotations", path, "--user", user, *extra, stdout=out)
    return out.getvalue()


def test_export_then_import_into_an_empty_database_gives_the_same_claims(claims, tmp_path):
    before = snapshot()
    path = export(tmp_path)
    Claim.objects.all().delete()  # the same articles, no claims: a fresh database
    report = run_import(path)
    assert "3 annotations: 3 created, 0 matched, 0 unplaced, 0 invalid." in report
    assert snapshot() == before
    # Each new claim remembers the annotation it came from, so a later import recognises it.
    assert set(Claim.objects.values_list("canonical", flat=True)) == {
        item["canonical"] for item in json.loads(Path(path).read_text())["first"]["items"]
    }


def test_importing_twice_creates_nothing_the_second_time(claims, tmp_path):
    path = export(tmp_path)
    Claim.objects.all().delete()
    run_import(path)
    again = run_import(path)
    assert "3 matched" in again
    assert "0 created" in again
    assert Claim.objects.count() == 3


def test_importing_into_the_database_it_came_from_matches_every_claim(claims, tmp_path):
    before = snapshot()
    report = run_import(export(tmp_path))
    assert "0 created, 3 matched" in report
    assert snapshot() == before


def test_annotations_are_re_anchored_on_a_revised_text_and_lost_words_are_reported(claims, editor, tmp_path):
    path = export(tmp_path)
    Claim.objects.all().delete()
    revised = BODY.replace("<p>On Monday the minister", "<p>Updated at noon. On Monday the minister").replace(
        "the figure ignores 200,000 people", "the number leaves out trainees"
    )
    services.revise_article(claims, revised, by=editor, reason="Correction")
    report = run_import(path)
    assert "2 created" in report
    assert "1 unplaced" in report
    assert "was not found" in report
    moved = Claim.objects.get(verdict="disputed")
    claims.refresh_from_db()
    assert claims.body_text[moved.start : moved.end] == "unemployment fell to 4.1%"
    assert not Claim.objects.filter(verdict="attributed").exists()


def test_dry_run_writes_nothing(claims, tmp_path):
    path = export(tmp_path)
    Claim.objects.all().delete()
    report = run_import(path, "ed", "--dry-run")
    assert "3 created" in report
    assert "Dry run" in report
    assert not Claim.objects.exists()


def test_invalid_annotations_are_reported_and_the_rest_imported(claims, tmp_path):
    document = json.loads(Path(export(tmp_path)).read_text())
    items = document["first"]["items"]
    items[0]["body"] = [{"type": "TextualBody", "purpose": "tagging", "value": "mostly-true"}]
    Claim.objects.all().delete()
    path = tmp_path / "edited.jsonld"
    path.write_text(json.dumps(items))  # a plain list of annotations is read too
    report = run_import(str(path))
    assert "2 created" in report
    assert "1 invalid" in report
    assert "mostly-true" in report


def test_only_editors_import(claims, tmp_path, reviewer):
    with pytest.raises(CommandError, match="Only editors"):
        run_import(export(tmp_path), "rev")
    with pytest.raises(CommandError, match="No user"):
        run_import(export(tmp_path), "nobody")


def test_unreadable_files_are_a_clear_error(tmp_path, editor):
    path = tmp_path / "broken.jsonld"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="cannot read JSON"):
        run_import(str(path))
    path.write_text(json.dumps({"type": "AnnotationCollection", "first": "https://x.example/?page=0"}))
    with pytest.raises(CommandError, match="links to pages"):
        run_import(str(path))


def test_export_command_takes_the_list_filters_and_writes_a_whole_file_only(claims, tmp_path):
    path = tmp_path / "disputed.csv"
    call_command("export_annotations", "--format", "csv", "--verdict", "disputed", "-o", str(path), stderr=StringIO())
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert [row["exact"] for row in rows] == ["unemployment fell to 4.1%"]
    with pytest.raises(CommandError, match="--verdict"):
        call_command("export_annotations", "--format", "csv", "--verdict", "nope", "-o", str(path))
    reviews = tmp_path / "reviews.jsonld"
    call_command("export_annotations", "--format", "claimreview", "-o", str(reviews), stderr=StringIO())
    assert [node["itemReviewed"]["author"]["name"] for node in json.loads(reviews.read_text())["@graph"]] == [
        "The opposition"
    ]
    assert not list(tmp_path.glob("*.partial"))


def test_unknown_article_is_unplaced(editor, tmp_path):
    make_user("someone")
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "type": "Annotation",
                "body": {"type": "TextualBody", "purpose": "tagging", "value": "verified"},
                "target": {
                    "source": "https://unknown.example/a",
                    "selector": {"type": "TextQuoteSelector", "exact": "x"},
                },
            }
        )
    )
    assert "1 unplaced" in run_import(str(path))
    assert not Claim.objects.exists()


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_export_shows_a_progress_bar_on_a_terminal_only(claims, tmp_path, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("export_annotations", "--format", "csv", "-o", str(tmp_path / "a.csv"), stderr=StringIO())
    assert "3/3" in terminal.getvalue()
    assert "claims" in terminal.getvalue()
    quiet = StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    call_command("export_annotations", "--format", "csv", "-o", str(tmp_path / "b.csv"), stderr=StringIO())
    assert quiet.getvalue() == ""


# Found by review; each would have caught its bug.


def test_one_bad_annotation_is_reported_and_the_others_imported(claims, tmp_path):
    document = json.loads(Path(export(tmp_path)).read_text())
    items = document["first"]["items"]
    items[1]["body"][-1]["https://w3id.org/factcheck/ns#stance"] = "neutral"  # not a stance
    Claim.objects.all().delete()
    path = tmp_path / "one-bad.jsonld"
    path.write_text(json.dumps(items))
    report = run_import(str(path))
    assert "2 created" in report
    assert "1 invalid" in report
    assert "stance" in report
    assert Claim.objects.count() == 2


@pytest.mark.parametrize(
    "text", ['[{"id": "urn:x:\\u0000nul"}]', '[{"id": "urn:x:\\ud800"}]', "[" * 100_000 + "]" * 100_000]
)
def test_unstorable_or_absurd_json_is_a_clear_error(editor, tmp_path, text):
    path = tmp_path / "bad.jsonld"
    path.write_text(text)
    with pytest.raises(CommandError, match="cannot read JSON"):
        run_import(str(path))


def test_reimporting_an_edited_export_matches_our_own_annotations(claims, tmp_path):
    path = export(tmp_path)
    Claim.objects.filter(verdict="verified").update(verdict="disputed")  # edited after the export
    report = run_import(path)
    assert "0 created, 3 matched" in report
    assert Claim.objects.count() == 3
