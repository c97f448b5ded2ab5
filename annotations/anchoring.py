"""Anchors: W3C Web Annotation text selectors, and finding them again after the text changed.

Pure functions on `str`, no Django. Offsets count Unicode code points (Python `str` indexes), end
exclusive, as in the TextPositionSelector (WADM 4.2.5). A claim keeps both a position and a quote
(TextQuoteSelector, WADM 4.2.4: exact with up to 32 code points of prefix and suffix), as the
Hypothesis client does, so it can be found again when an article is corrected:

1. **position**: the quote is still at its offsets with its context: `anchored`;
2. **quote**: every place the exact quote occurs is scored by how well its surroundings match the
   stored prefix and suffix and by its distance from where the claim is expected; the best one wins
   if it is clearly better than the runner-up (a repeated phrase is never resolved to the first
   occurrence by default);
3. **fuzzy**: the most similar passage near the expected place (then anywhere), found with
   RapidFuzz's `partial_ratio_alignment` (an optimal substring alignment by Indel distance, in C++),
   its ends refined by aligning the quote's first and last words, then scored the same way.

Below the thresholds a claim is `orphaned`: it keeps its last quote and is never moved to words that
merely look alike. RapidFuzz was chosen over diff-match-patch because diff-match-patch's Bitap matcher
only takes patterns of up to 32 characters, and its pure-Python diff needed 7 s for a 100 KB article
with 5% scattered edits on this machine; RapidFuzz aligns a quote against 100 KB in under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel
from rapidfuzz.fuzz import partial_ratio_alignment

CONTEXT_LENGTH = 32

ANCHORED = "anchored"
RELOCATED = "relocated"
ORPHANED = "orphaned"

# How a candidate passage is scored: mostly the words themselves, then their surroundings, then
# nearness to where the claim is expected. Scores run from 0 to 1.
WEIGHT_EXACT = 0.6
WEIGHT_CONTEXT = 0.3
WEIGHT_PROXIMITY = 0.1
PROXIMITY_SCALE = 2000  # code points at which nearness counts half
# A changed quote is accepted when its score reaches MIN_FUZZY_SCORE and either its words are this
# similar to the old ones with surroundings that still match this well...
MIN_FUZZY_SIMILARITY = 0.75
MIN_FUZZY_CONTEXT = 0.4
MIN_FUZZY_SCORE = 0.75
# ...or its words are nearly identical, or they stand between the same prefix and suffix as before
# (words inserted into a quote lower its similarity but not its surroundings).
NEAR_IDENTICAL = 0.9
SAME_PLACE_CONTEXT = 0.9
MIN_REWORDED_SIMILARITY = 0.5
# The exact words found elsewhere with new surroundings are taken only for a quote this long.
MIN_CONTEXT_FREE_LENGTH = 32
# Quotes shorter than this are only found exactly: a fuzzy match of a few letters means nothing.
MIN_FUZZY_LENGTH = 8
MAX_OCCURRENCES = 500


class AnchorError(ValueError):
    """A span or quote that cannot anchor a claim; the message says why, for the user."""

    def __init__(self, message: str, *, field: str = "exact") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Selectors:
    """A TextPositionSelector and a TextQuoteSelector for the same span."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Resolution:
    """Where a claim's selectors point in a text now."""

    state: str  # ANCHORED, RELOCATED or ORPHANED
    start: int
    end: int
    exact: str  # the words now at [start, end); the last known quote for an orphan
    score: float
    method: str  # "position", "quote", "fuzzy" or "none"

    @property
    def is_orphaned(self) -> bool:
        return self.state == ORPHANED


def build_selectors(text: str, start: int, end: int, context: int = CONTEXT_LENGTH) -> Selectors:
    """The selectors for text[start:end], with `context` code points of prefix and suffix."""
    validate_span(text, start, end)
    return Selectors(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def validate_span(text: str, start: int, end: int) -> None:
    """Refuse offsets outside the text, an empty span, or one that holds only whitespace."""
    if start < 0 or end < 0:
        raise AnchorError("Offsets cannot be negative.", field="start" if start < 0 else "end")
    if end > len(text):
        raise AnchorError(f"The span ends at {end}, past the end of the article text ({len(text)}).", field="end")
    if start >= end:
        raise AnchorError("The span is empty: end must be greater than start.", field="end")
    if not text[start:end].strip():
        raise AnchorError("The selected text is only whitespace; select the words of the claim.", field="exact")


def locate_quote(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int]:
    """The one place where `exact` occurs with the given prefix and suffix (both optional).

    Raises AnchorError when the quote is missing, or occurs several times and the context given does
    not tell the occurrences apart.
    """
    if not exact.strip():
        raise AnchorError("The quote is empty or only whitespace.")
    matches = [
        start
        for start in _occurrences(text, exact)
        if text[:start].endswith(prefix) and text[start + len(exact) :].startswith(suffix)
    ]
    if not matches:
        raise AnchorError(
            "The quote does not occur in the article text" + (" with that context." if prefix or suffix else ".")
        )
    if len(matches) > 1:
        raise AnchorError(
            f"The quote occurs {len(matches)} times in the article; give a longer prefix or suffix, "
            "or the start and end offsets, to say which one."
        )
    return matches[0], matches[0] + len(exact)


def selectors_for_claim(
    text: str,
    *,
    start: int | None = None,
    end: int | None = None,
    exact: str | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
) -> Selectors:
    """The selectors of a claim being created or moved, from offsets, a quote, or both.

    Offsets win and must hold the quote when both are given; a quote alone must resolve to one place
    (its prefix and suffix, when given, help). Prefix and suffix are always recomputed from the text.
    """
    if start is None and end is None:
        if exact is None:
            raise AnchorError("Give the start and end of the claim, or its exact quote.", field="exact")
        start, end = locate_quote(text, exact, prefix or "", suffix or "")
    elif start is None or end is None:
        raise AnchorError("Give both start and end.", field="start" if start is None else "end")
    validate_span(text, start, end)
    if exact is not None and text[start:end] != exact:
        raise AnchorError(
            f"The quote does not match the article at {start}-{end}: the article has “{_shorten(text[start:end])}”. "
            "Reload the article: its text may have been revised.",
            field="exact",
        )
    return build_selectors(text, start, end)


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def resolve(text: str, selectors: Selectors, *, expected_start: int | None = None) -> Resolution:
    """Find the claim described by `selectors` in `text` (see the module docstring for the order)."""
    exact = selectors.exact
    expected = selectors.start if expected_start is None else expected_start
    if not exact:
        return _orphan(selectors)
    start = selectors.start
    if (
        start >= 0
        and text[start : start + len(exact)] == exact
        and _context_similarity(text, start, start + len(exact), selectors) == 1.0
    ):
        return Resolution(ANCHORED, start, start + len(exact), exact, 1.0, "position")

    candidates = [_score(text, s, s + len(exact), selectors, expected) for s in _occurrences(text, exact)]
    best = _best(candidates)
    if candidates and best is None:
        return _orphan(selectors)  # a repeated phrase that neither context nor position tells apart
    if best is not None and best.context >= MIN_FUZZY_CONTEXT:
        return best.resolution(selectors, "quote")
    fuzzy = _fuzzy_candidate(text, selectors, expected) if len(exact) >= MIN_FUZZY_LENGTH else None
    if fuzzy is not None and (best is None or fuzzy.score > best.score):
        return fuzzy.resolution(selectors, "fuzzy")
    if best is not None and len(exact) >= MIN_CONTEXT_FREE_LENGTH:
        # The exact words of a long quote, in one place only, though their surroundings changed.
        return best.resolution(selectors, "quote")
    return _orphan(selectors)


def reanchor(text: str, claims: Sequence[Selectors]) -> list[Resolution]:
    """Resolve many claims of one article against its new text, in their original order.

    Claims are visited in text order, and each one is expected where its predecessor's shift would put
    it, so scattered edits before a claim do not make its position check or proximity score stale.
    """
    results: list[Resolution | None] = [None] * len(claims)
    shift = 0
    for index in sorted(range(len(claims)), key=lambda i: (claims[i].start, claims[i].end)):
        selectors = claims[index]
        resolution = resolve(text, selectors, expected_start=max(0, selectors.start + shift))
        if not resolution.is_orphaned and resolution.exact == selectors.exact:
            shift = resolution.start - selectors.start
        results[index] = resolution
    return [result for result in results if result is not None]


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    words: str
    similarity: float
    context: float
    distance: int
    score: float

    @property
    def content(self) -> float:
        """The score without proximity: how well the words and their surroundings match."""
        return WEIGHT_EXACT * self.similarity + WEIGHT_CONTEXT * self.context

    def resolution(self, selectors: Selectors, method: str) -> Resolution:
        unchanged = self.words == selectors.exact and self.start == selectors.start
        state = ANCHORED if unchanged and self.context == 1.0 else RELOCATED
        return Resolution(state, self.start, self.end, self.words, round(self.score, 4), method)


def _score(text: str, start: int, end: int, selectors: Selectors, expected: int) -> _Candidate:
    words = text[start:end]
    similarity = 1.0 if words == selectors.exact else Indel.normalized_similarity(words, selectors.exact)
    context = _context_similarity(text, start, end, selectors)
    distance = abs(start - expected)
    proximity = 1.0 / (1.0 + distance / PROXIMITY_SCALE)
    score = WEIGHT_EXACT * similarity + WEIGHT_CONTEXT * context + WEIGHT_PROXIMITY * proximity
    return _Candidate(start, end, words, similarity, context, distance, score)


def _context_similarity(text: str, start: int, end: int, selectors: Selectors) -> float:
    prefix = text[max(0, start - len(selectors.prefix)) : start]
    suffix = text[end : end + len(selectors.suffix)]
    return (_similarity(prefix, selectors.prefix) + _similarity(suffix, selectors.suffix)) / 2


def _similarity(found: str, stored: str) -> float:
    if found == stored:
        return 1.0
    return Indel.normalized_similarity(found, stored)


def _best(candidates: Iterable[_Candidate]) -> _Candidate | None:
    """The candidate whose words and surroundings match best; nearness decides only between equals.

    Two equally good candidates at the same distance are an ambiguity, never a coin toss.
    """
    ranked = sorted(candidates, key=lambda c: (-round(c.content, 9), c.distance))
    if (
        len(ranked) > 1
        and round(ranked[0].content, 9) == round(ranked[1].content, 9)
        and ranked[0].distance == ranked[1].distance
    ):
        return None
    return ranked[0] if ranked else None


def _occurrences(text: str, exact: str) -> Iterable[int]:
    found, start = 0, text.find(exact)
    while start != -1 and found < MAX_OCCURRENCES:
        yield start
        found += 1
        start = text.find(exact, start + 1)


def _fuzzy_candidate(text: str, selectors: Selectors, expected: int) -> _Candidate | None:
    """The best changed passage near the expected place, or else wherever pieces of the quote survive."""
    length = len(selectors.exact)
    margin = 2 * length + 256
    near = (max(0, expected - margin), min(len(text), expected + length + margin))
    spans = _aligned_spans(text, *near, selectors.exact)
    spans |= {_between_context(text, *near, selectors), _refine(text, expected, expected + length, selectors.exact)}
    best = _best_change(text, spans, selectors, expected)
    # Elsewhere is searched for long quotes only: a short one, edited and moved, would too often match
    # words that merely look alike.
    if best is None and length >= MIN_CONTEXT_FREE_LENGTH:
        spans = set().union(
            *(_aligned_spans(text, low, high, selectors.exact) for low, high in _seed_regions(text, selectors.exact))
        )
        best = _best_change(text, spans, selectors, expected)
    return best


def _best_change(text: str, spans: set[tuple[int, int]], selectors: Selectors, expected: int) -> _Candidate | None:
    spans = {_snap(text, *_trim(text, s, e, selectors.exact), selectors) for s, e in spans if 0 <= s < e <= len(text)}
    scored = [_score(text, s, e, selectors, expected) for s, e in spans if text[s:e].strip()]
    return max((c for c in scored if _is_acceptable_change(c)), key=lambda c: c.score, default=None)


def _seed_regions(text: str, exact: str, seed: int = 16, limit: int = 20) -> list[tuple[int, int]]:
    """Regions of the text where an unchanged piece of the quote still occurs (seed and extend)."""
    regions = set()
    for offset in sorted({0, len(exact) // 4, len(exact) // 2, 3 * len(exact) // 4, max(0, len(exact) - seed)}):
        piece = exact[offset : offset + seed]
        for found in list(_occurrences(text, piece))[:limit]:
            start = found - offset
            regions.add((max(0, start - len(exact)), min(len(text), start + 2 * len(exact))))
    return sorted(regions)


def _is_acceptable_change(candidate: _Candidate) -> bool:
    if candidate.score < MIN_FUZZY_SCORE:
        return False
    return (
        (candidate.similarity >= MIN_FUZZY_SIMILARITY and candidate.context >= MIN_FUZZY_CONTEXT)
        or candidate.similarity >= NEAR_IDENTICAL
        or (candidate.context >= SAME_PLACE_CONTEXT and candidate.similarity >= MIN_REWORDED_SIMILARITY)
    )


def _aligned_spans(text: str, low: int, high: int, exact: str) -> set[tuple[int, int]]:
    """The passage of text[low:high] most similar to the quote, as aligned and with refined ends."""
    alignment = partial_ratio_alignment(exact, text[low:high], score_cutoff=MIN_REWORDED_SIMILARITY * 100)
    if alignment is None:
        return set()
    start, end = low + alignment.dest_start, low + alignment.dest_end
    return {(start, end), _refine(text, start, end, exact)}


def _between_context(text: str, low: int, high: int, selectors: Selectors) -> tuple[int, int]:
    """What now stands between the quote's old prefix and suffix: the quote, however it was edited."""
    start = 0
    if selectors.prefix:
        before = partial_ratio_alignment(selectors.prefix, text[low:high], score_cutoff=80)
        if before is None:
            return (0, 0)
        start = low + before.dest_end
    end = len(text)
    if selectors.suffix:
        after = partial_ratio_alignment(selectors.suffix, text[start : high + len(selectors.suffix)], score_cutoff=80)
        if after is None:
            return (0, 0)
        end = start + after.dest_start
    return (start, end)


def _refine(text: str, start: int, end: int, exact: str) -> tuple[int, int]:
    """Move the ends of an alignment to where the quote's first and last words are now.

    The alignment has the quote's length; words inserted into or removed from the quote move its end.
    """
    edge = min(len(exact), 24)
    slack = max(16, len(exact) // 4)
    head = partial_ratio_alignment(exact[:edge], text[max(0, start - slack) : start + edge + slack])
    tail_low = max(0, end - edge - slack)
    tail = partial_ratio_alignment(exact[-edge:], text[tail_low : end + slack])
    new_start = max(0, start - slack) + head.dest_start if head and head.score >= 80 else start
    new_end = tail_low + tail.dest_end if tail and tail.score >= 80 else end
    return (new_start, new_end) if new_end > new_start else (start, end)


def _trim(text: str, start: int, end: int, exact: str) -> tuple[int, int]:
    """Drop whitespace an alignment picked up at either end, unless the quote itself has it there."""
    if not exact[:1].isspace():
        while start < end and text[start].isspace():
            start += 1
    if not exact[-1:].isspace():
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def _snap(text: str, start: int, end: int, selectors: Selectors, reach: int = 40) -> tuple[int, int]:
    """Extend a span to whole words where the quote itself began or ended at a word boundary."""
    exact = selectors.exact
    if exact[:1].isalnum() and not selectors.prefix[-1:].isalnum():
        limit = max(0, start - reach)
        while start > limit and text[start - 1].isalnum():
            start -= 1
    if exact[-1:].isalnum() and not selectors.suffix[:1].isalnum():
        limit = min(len(text), end + reach)
        while end < limit and text[end].isalnum():
            end += 1
    return start, end


def _orphan(selectors: Selectors) -> Resolution:
    return Resolution(ORPHANED, selectors.start, selectors.end, selectors.exact, 0.0, "none")
