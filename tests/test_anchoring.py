"""Selectors and re-anchoring: claims follow their words through corrections, or become orphans."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rapidfuzz.fuzz import partial_ratio

from annotations.anchoring import (
    ANCHORED,
    ORPHANED,
    RELOCATED,
    AnchorError,
    Selectors,
    build_selectors,
    locate_quote,
    reanchor,
    resolve,
)

# Words that make texts look like news copy: astral characters, combining marks, curly quotes,
# newlines and a small vocabulary so phrases repeat.
WORDS = st.sampled_from(
    ["the", "mayor", "said", "“budget”", "4 million", "euros", "👍🏽", "𝕏", "café", "e\u0301t\u0301e\u0301",
     "Navalny’s", "vote", "\n", "—", "in", "2021", "🇫🇷", "a", "he", "wrote", "”"]
)  # fmt: skip
TEXTS = st.lists(WORDS, min_size=3, max_size=80).map(" ".join)
EDITS = st.text(alphabet=st.sampled_from([*"abcxyz ’“”\n", "👍", "é", "\u0301", "𝕏"]), min_size=1, max_size=12)


@st.composite
def text_and_span(draw):
    text = draw(TEXTS)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 60)))
    assume(text[start:end].strip())
    return text, start, end


@given(text_and_span())
def test_build_then_resolve_is_the_identity(case):
    text, start, end = case
    resolution = resolve(text, build_selectors(text, start, end))
    assert (resolution.state, resolution.start, resolution.end, resolution.score) == (ANCHORED, start, end, 1.0)


@st.composite
def text_and_inner_span(draw):
    """A span with at least 32 code points of text on each side of it."""
    text = draw(st.lists(WORDS, min_size=40, max_size=100).map(" ".join))
    assume(len(text) >= 80)
    start = draw(st.integers(33, len(text) - 34))
    end = draw(st.integers(start + 1, min(len(text) - 33, start + 60)))
    assume(text[start:end].strip())
    return text, start, end


@given(text_and_inner_span(), EDITS, st.data())
def test_edit_outside_the_quote_and_its_context_keeps_the_same_words(case, insertion, data):
    text, start, end = case
    selectors = build_selectors(text, start, end)
    before = data.draw(st.booleans())
    at = data.draw(st.integers(0, start - 32) if before else st.integers(end + 32, len(text)))
    new_text = text[:at] + insertion + text[at:]
    assume(new_text.count(selectors.prefix + selectors.exact + selectors.suffix) == 1)
    shift = len(insertion) if before else 0
    resolution = resolve(new_text, selectors)
    assert (resolution.start, resolution.end) == (start + shift, end + shift)
    assert resolution.exact == selectors.exact
    assert resolution.state == (RELOCATED if before else ANCHORED)


@given(text_and_span(), EDITS, st.data())
def test_edit_inside_the_quote_relocates_or_orphans_never_claims_unchanged_words(case, replacement, data):
    text, start, end = case
    selectors = build_selectors(text, start, end)
    cut = data.draw(st.integers(start, end - 1))
    cut_end = data.draw(st.integers(cut + 1, end))
    new_text = text[:cut] + replacement + text[cut_end:]
    assume(new_text[cut : cut + len(replacement)] != text[cut:cut_end])
    resolution = resolve(new_text, selectors)
    assert resolution.state in {RELOCATED, ORPHANED, ANCHORED}
    if resolution.state == ANCHORED:
        # Only possible when the same words with the same context still stand at the old place.
        assert new_text[start:end] == selectors.exact
    if resolution.exact != selectors.exact and not resolution.is_orphaned:
        assert resolution.state == RELOCATED
        assert resolution.score < 1.0


@given(text_and_span())
def test_deleting_the_quote_orphans_it(case):
    text, start, end = case
    selectors = build_selectors(text, start, end)
    new_text = text[:start] + text[end:]
    assume(selectors.exact not in new_text)
    assume(partial_ratio(selectors.exact, new_text) < 50)
    resolution = resolve(new_text, selectors)
    assert resolution.state == ORPHANED
    assert resolution.exact == selectors.exact


@given(
    st.text(max_size=50),
    st.integers(-5, 80),
    st.integers(-5, 80),
    st.text(max_size=20),
    st.text(max_size=40),
    st.text(max_size=40),
)
def test_no_input_raises(text, start, end, exact, prefix, suffix):
    resolution = resolve(text, Selectors(start, end, exact, prefix, suffix))
    assert resolution.state in {ANCHORED, RELOCATED, ORPHANED}
    if not resolution.is_orphaned:
        assert text[resolution.start : resolution.end] == resolution.exact


@given(st.lists(text_and_span(), min_size=1, max_size=1), st.lists(st.integers(0, 400), max_size=5))
def test_reanchor_returns_one_resolution_per_claim_in_order(cases, cuts):
    text, start, end = cases[0]
    claims = [
        build_selectors(text, start, end),
        build_selectors(text, 0, 1) if text[0].strip() else build_selectors(text, start, end),
    ]
    assert len(reanchor(text, claims)) == 2
    assert [r.state for r in reanchor(text, claims)] == [ANCHORED, ANCHORED]


# Examples.

TEXT = "The cat sat on the mat. The dog sat on the log. The cat sat on the mat again."


def test_selectors_count_code_points_and_take_32_of_context():
    text = "👍🏽 " * 20 + "the claim" + " 𝕏" * 20
    start = text.index("the claim")
    selectors = build_selectors(text, start, start + 9)
    assert selectors.start == 60
    assert selectors.prefix == text[28:60]
    assert len(selectors.prefix) == len(selectors.suffix) == 32


def test_repeated_phrase_is_told_apart_by_its_context():
    second = TEXT.rindex("The cat sat on the mat")
    selectors = build_selectors(TEXT, second, second + 22)
    resolution = resolve("Update: " + TEXT, selectors)
    assert (resolution.start, resolution.state) == (second + 8, RELOCATED)


def test_repeated_phrase_with_identical_context_is_told_apart_by_position():
    text = "vote. vote. vote. vote."
    selectors = build_selectors(text, 12, 16)  # the third "vote"
    resolution = resolve(text, Selectors(12, 16, "vote", prefix="", suffix=""))
    assert resolution.start == 12
    assert selectors.exact == "vote"


def test_reworded_quote_is_relocated_to_its_new_words():
    selectors = build_selectors(TEXT, 24, 47)
    resolution = resolve(TEXT.replace("dog sat", "dog, which was brown, sat"), selectors)
    assert (resolution.state, resolution.exact) == (RELOCATED, "The dog, which was brown, sat on the log.")
    assert resolution.score < 1.0


def test_deleted_sentence_becomes_an_orphan_not_a_lookalike():
    selectors = build_selectors(TEXT, 24, 47)
    resolution = resolve(TEXT.replace("The dog sat on the log. ", ""), selectors)
    assert resolution.state == ORPHANED
    assert resolution.exact == "The dog sat on the log."


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(-1, 3, "negative"), (5, 5, "empty"), (9, 4, "empty"), (0, 500, "past the end"), (3, 4, "whitespace")],
)
def test_bad_spans_are_refused_with_a_clear_message(start, end, message):
    with pytest.raises(AnchorError, match=message):
        build_selectors(TEXT, start, end)


def test_locate_quote_finds_a_unique_quote():
    assert locate_quote(TEXT, "dog sat") == (28, 35)


def test_locate_quote_refuses_an_ambiguous_quote_unless_context_decides():
    with pytest.raises(AnchorError, match="occurs 2 times"):
        locate_quote(TEXT, "The cat sat on the mat")
    assert locate_quote(TEXT, "The cat sat on the mat", suffix=" again") == (48, 70)


@pytest.mark.parametrize("exact", ["", "   ", "not in the text"])
def test_locate_quote_refuses_missing_or_blank_quotes(exact):
    with pytest.raises(AnchorError):
        locate_quote(TEXT, exact)


def test_long_quote_moved_and_edited_is_found_where_pieces_of_it_survive():
    paragraphs = [f"Paragraph {n} says something about the budget of year {2000 + n}." for n in range(40)]
    quote = "The mayor promised that the new bridge would cost no more than four million euros in total."
    text = "\n".join([*paragraphs[:5], quote, *paragraphs[5:]])
    start = text.index(quote)
    selectors = build_selectors(text, start, start + len(quote))
    edited = quote.replace("four million", "five million")
    new_text = "\n".join([*paragraphs, edited])
    resolution = resolve(new_text, selectors)
    assert (resolution.state, resolution.exact) == (RELOCATED, edited)
    assert resolution.start == new_text.index(edited)


def test_reworded_short_quote_is_relocated_to_whole_words():
    text = "The mayor said the bridge cost 4 million euros.\nCritics say the bridge cost 8 million euros."
    start = text.index("Critics say")
    selectors = build_selectors(text, start, start + len("Critics say"))
    resolution = resolve(text.replace("Critics say", "Critics argue"), selectors)
    assert (resolution.state, resolution.exact) == (RELOCATED, "Critics argue")
