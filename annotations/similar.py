"""The same claim across articles: sentences of other articles, and earlier claims, that say what a claim says.

Pure functions on `str`, no Django, no model and nothing downloaded. Offsets count code points of
`body_text`, end exclusive, as everywhere else (DESIGN.md, anchoring contract). An article's passages are
its sentences, as `annotations.suggest.sentences` splits them.

**Words.** A text's content words: lower-cased; stop words and reporting verbs ("said", "told") dropped;
a possessive or contraction cut at its apostrophe ("Kremlin's" is "kremlin"); an ordinal's ending dropped
("18th" is "18"); abbreviated months spelled out ("Sept." is "september"); a light suffix stripper
(`stem`: "urged", "urges" and "urging" are one word, as are "candidate" and "candidates"); and a handful
of news paraphrases that mean the same in any context (`SAME_AS`: "jail" is "prison"). A hyphenated word
counts as its parts ("Navalny-linked").

**Score.** TF-IDF cosine. The claim and each passage are vectors of their words; a word weighs
(1 + ln count) x idf x emphasis, with idf = 1 + ln((N + 1) / (df + 1)) computed over the texts being
compared, nothing prepared in advance: for `passages_like` over the paragraphs (lines) of the given articles
and the claim, so a word most paragraphs use counts for little; for `claims_like` over the given claims and
the new one. (Paragraphs rather than sentences: a paragraph that shares too little with the claim is then
counted without being split into sentences. News paragraphs are one to three sentences, so the weights
barely differ.) The emphasis is `NAME_WEIGHT` for the claim's names and numbers, 1 for any other word; a
name is a word the claim capitalises away from the start of a sentence or quotation (in at least
`NAME_SHARE` of those places), or capitalises only at such a start. The score is the cosine of the two
vectors, 0 to 1: 1 for the same words in the same proportions.

A match shares at least `MIN_SHARED` words with the claim (all of them, when the claim has fewer), and at
least one of them is not a name: sentences naming the same people are about the same people, not
necessarily saying the same thing. `shared` lists the shared words by what they added to the score, as the
claim writes them ("jail ~ prison" for a paraphrase), and `reason` names the first `REASON_WORDS`.

**Threshold.** `MIN_SCORE` is 0.34, halfway between the two seed articles' shared claim (their voting-call
sentences score 0.40 either way) and the best-scoring pair of their sentences that state different things
(0.28: United Russia's ratings against "Choose a candidate who is not a member of United Russia"; the two
prison sentences, 2.5 and 19 years, score 0.27 at most). A short quote alone scores lower against the same
sentences than the quote with its sentence ("vote out ruling party candidates": 0.25), so callers pass
the sentence along.

**Limits.** Word overlap sees words, not meaning: "wipe out United Russia" and "vote for any candidate other
than the Kremlin's" say the same with no word in common, and sentences sharing names and a subject can
state different facts. tests/labelled/same_claims.json keeps such pairs, so the precision and recall it
measures are honest (`evaluate`). Scores depend on the texts compared: among many articles on other
subjects, two sentences about Navalny share rarer words than side by side, and score higher (the seed pair
0.61 among 1,000 unrelated articles, its best different pair 0.37), so a large archive may want a higher
threshold, measured with `evaluate`. rapidfuzz's token-set ratio was measured as a second opinion and left
out: 64 for the seed pair against 43 to 49 for the unrelated pairs above, on a scale where any two English
sentences start near 40 (shared stop words and letters); it is 100 whenever one text's words are a subset
of the other's, so a short quote would equal every sentence containing its words; and a reason could not
say what it saw.

**Meaning** (optional, `meaning=`): the sentences (`MEANING_CANDIDATES` at most) of the paragraphs sharing the largest
part of the claim's weighted words (one shared word is enough, names included) are also compared with a model of meaning
(annotations/meaning.py); one at `MEANING_MIN` or more matches even when its words do not, with the higher of the two
similarities as its score and a reason that says "close in meaning". Word matches stay matches.

**Speed**, measured on this machine (2 cores, shared with other jobs): one claim against 1,000 articles of
5 KB (11,000 paragraphs, 52,000 sentences) takes 0.18 to 0.26 s (median of 5 runs for each of ten claims;
single runs up to 0.57 s while other jobs load the machine), whether the articles are seed_bench prose or
the seed articles' sentences shuffled, so that every article repeats the claim. Counting every paragraph's
words is 0.18 s of it. Sentences are split and scored only in paragraphs that share enough words with the
claim to reach `min_score` (a Cauchy-Schwarz bound), best bound first, stopping once `limit` matches are
found that no remaining paragraph can beat; splitting all 1,000 articles would take 0.36 s alone. A call
holds about 6 MB at its peak; the token cache keeps up to `_MAX_CACHED` tokens (about 35 MB) between calls.
`claims_like` against 10,000 claims takes 0.06 s.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from annotations.suggest import locate_labels, sentences

MIN_SCORE = 0.34
MIN_SHARED = 2  # words a match shares with the claim (fewer when the claim has fewer)
NAME_WEIGHT = 1.5  # emphasis of a name or a number over any other word
NAME_SHARE = 0.8  # a name is capitalised in at least this share of its occurrences
LIMIT = 5
REASON_WORDS = 5  # shared words a reason names
# With the optional model (annotations/meaning.py; its module says how these were chosen).
MEANING_MIN = 0.6
MEANING_CANDIDATES = 48
MEANING_MODEL = "all-MiniLM-L6-v2"
Meaning = Callable[[str, Sequence[str]], list[float]]


@dataclass(frozen=True)
class Match:
    """A sentence of another article, body_text[start:end], that states what the claim states."""

    article: int
    start: int
    end: int
    score: float
    shared: tuple[str, ...]
    reason: str
    meaning: float | None = None  # the model's similarity in meaning, when it was asked (annotations/meaning.py)


@dataclass(frozen=True)
class ClaimMatch:
    """An earlier claim like the new one."""

    claim: int
    score: float
    shared: tuple[str, ...]
    reason: str
    meaning: float | None = None  # as in Match


# ---------------------------------------------------------------------------------------------------
# Words


def _words(text: str) -> frozenset[str]:
    """A vocabulary written as one string of words separated by spaces."""
    return frozenset(text.split())


STOP_WORDS = _words(
    "a about above across after again against all almost already also although always am among an and another "
    "any anyone anything are around as at be became because become been before being below between both but by "
    "can cannot could did do does doing done down during each either else ever every few for from further get "
    "gets got had has have having he her here hers herself him himself his how however i if in into is it its "
    "itself just least less let like made make makes many may me might more most much must my myself neither no "
    "nor not now of off often on once one only or other others otherwise our ours ourselves out over own per "
    "perhaps quite rather same several shall she should since so some something still such than that the their "
    "theirs them themselves then there these they this those though through thus to too toward towards under "
    "until up upon us very via was we were what whatever when where whether which while who whom whose why will "
    "with within without would yet you your yours yourself "
    # what is left of a contraction cut at its apostrophe ("don't", "I've", "we'll")
    "don doesn didn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn ll ve re "
    # reporting verbs: who said it is the speaker's name, not what was said
    "say says said saying tell tells told according added adding "
    # single letters and titles
    "b c d e f g h j k l m n o p q r s t u v w x y z mr mrs ms dr"
)
_MONTHS = {"jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
           "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
           "dec": "december"}  # fmt: skip
# Stems of news paraphrases that mean the same whatever the context.
SAME_AS = {"jail": "prison", "imprison": "prison", "gaol": "prison"}
# The words inside a whitespace-separated token: letters and digits with an apostrophe, a decimal point or a
# thousands separator inside ("Kremlin's", "2.5", "1,000"); a hyphen or a quote mark separates.
_PIECE = re.compile(r"\w+(?:['\u2019.,]\w+)*")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_VOWEL = re.compile("[aeiouy]")
_KEEP_DOUBLE = frozenset("aeioulsz")  # "called", "passed", "buzzing" keep both letters


def stem(word: str) -> str:
    """A light English suffix stripper for a lower-case word: plurals, -ed, -ing, some -ly, a final -e.

    Merges the forms news copy varies ("urged"/"urges"/"urging", "candidate"/"candidates",
    "parties"/"party") without a dictionary; a few unrelated words meet ("hoped"/"hopped"), which a
    similarity measure tolerates.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("eed"):
        word = word[:-1]
    else:
        for suffix in ("ing", "ed"):
            if word.endswith(suffix):
                base = word[: -len(suffix)]
                if len(base) >= 3 and _VOWEL.search(base):
                    if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in _KEEP_DOUBLE:
                        base = base[:-1]  # "barred", "running"
                    word = base
                break
    if (word.endswith("ally") and len(word) > 6) or (word.endswith(("ely", "ously", "ently")) and len(word) > 5):
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _content_word(piece: str) -> tuple[str, str]:
    """(content word, how a reason shows it) for one piece of a token; ("", "") for a stop word."""
    surface = piece.lower().replace("\u2019", "'").split("'", 1)[0]
    if surface[:1].isdigit():
        ordinal = _ORDINAL.fullmatch(surface)
        word = ordinal.group(1) if ordinal else surface.replace(",", "")
        return word, word
    if surface in STOP_WORDS or not surface:
        return "", ""
    word = stem(_MONTHS.get(surface, surface))
    same = SAME_AS.get(word)
    return (same, f"{surface} ~ {same}") if same else (word, surface)


class _TokenCache(dict[str, tuple[tuple[str, str, bool], ...]]):
    """A whitespace-separated token -> its (content word, surface, capitalised) triples, filled on first sight.

    Tokens repeat across articles, so each is analysed once per process; the cache is emptied when it reaches
    `_MAX_CACHED` tokens.
    """

    def __missing__(self, token: str) -> tuple[tuple[str, str, bool], ...]:
        analysed = []
        for piece in _PIECE.findall(token):
            word, surface = _content_word(piece)
            if word:
                analysed.append((word, surface, piece[0].isupper()))
        if len(self) >= _MAX_CACHED:
            self.clear()
        value = self[token] = tuple(analysed)
        return value


class _WordCache(dict[str, tuple[str, ...]]):
    """A whitespace-separated token -> its content words: the hot path of counting words in paragraphs."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        if len(self) >= _MAX_CACHED:
            self.clear()
        value = self[token] = tuple(word for word, _, _ in _ANALYSED[token])
        return value


_MAX_CACHED = 100_000
_ANALYSED = _TokenCache()
_WORDS = _WordCache()


def content_words(text: str) -> list[str]:
    """The content words of a text, in order, as the similarity compares them."""
    return list(chain.from_iterable(map(_WORDS.__getitem__, text.split())))


# ---------------------------------------------------------------------------------------------------
# Scoring

# A word right after one of these starts a sentence or a quotation: its capital says nothing.
_SENTENCE_END = tuple(".!?\u2026:")
_OPENERS = "\"'\u201c\u2018\u00ab([\u2014\u2013-"
_CLOSERS = "\"'\u201d\u2019\u00bb)]"


class _Comparison:
    """One claim against many texts: count the words of every text first, then score those that can match.

    `count` every text (a paragraph, a claim) before `close`; then `bound` says what score a text sharing
    some words with the claim can reach at best, and `score` scores one passage.
    """

    def __init__(self, claim: str) -> None:
        self.claim_terms: Counter[str] = Counter()
        self.surface: dict[str, str] = {}
        capitalised: Counter[str] = Counter()
        counted: Counter[str] = Counter()
        first_words: set[str] = set()  # capitalised, but only where any word would be
        starts_sentence = True
        for token in claim.split():
            starts_sentence = starts_sentence or token[0] in _OPENERS
            for index, (word, surface, is_capitalised) in enumerate(_ANALYSED[token]):
                self.claim_terms[word] += 1
                self.surface.setdefault(word, surface)
                if index or not starts_sentence:
                    counted[word] += 1
                    capitalised[word] += is_capitalised
                elif is_capitalised:
                    first_words.add(word)
            if any(character.isalnum() for character in token):
                starts_sentence = token.rstrip(_CLOSERS).endswith(_SENTENCE_END)
        # A word seen only at the start of a sentence counts as a name: news sentences start with names
        # ("Navalny said") far more often than with a common word that is not a stop word.
        self.names = frozenset(
            {word for word in counted if capitalised[word] >= NAME_SHARE * counted[word]}
            | (first_words - counted.keys())
        )
        self.emphasised = self.names | {word for word in self.claim_terms if word[0].isdigit()}
        self.needed = min(MIN_SHARED, len(self.claim_terms))
        self.claim_words = frozenset(self.claim_terms)
        self.documents = 1  # the claim is one of the texts compared
        self.frequency: Counter[str] = Counter(self.claim_words)
        self.weights: dict[str, float] = {}

    def count(self, texts: list[set[str]]) -> list[set[str]]:
        """Count these texts' words towards idf; the words each shares with the claim."""
        self.documents += len(texts)
        self.frequency.update(chain.from_iterable(texts))
        return [self.claim_words.intersection(words) for words in texts]

    def close(self) -> None:
        """Fix the idf of every word counted, and the claim's vector."""
        self.idf = {word: 1 + math.log((self.documents + 1) / (count + 1)) for word, count in self.frequency.items()}
        self.frequency = Counter()
        self.claim_vector = {
            word: (1 + math.log(count)) * self._weight(word) for word, count in self.claim_terms.items()
        }
        self.claim_norm = math.sqrt(sum(value * value for value in self.claim_vector.values()))

    def _weight(self, word: str) -> float:
        weight = self.weights.get(word)
        if weight is None:
            weight = self.weights[word] = self.idf[word] * (NAME_WEIGHT if word in self.emphasised else 1.0)
        return weight

    def bound(self, shared: set[str]) -> float:
        """The best score a text sharing (a subset of) these words with the claim can reach, 0 if it cannot match.

        The cosine of two vectors is at most the share of the claim vector's length that the shared words make
        up (Cauchy-Schwarz), so a paragraph whose bound is below the score wanted needs no sentences.
        """
        if len(shared) < self.needed or shared <= self.names:
            return 0.0
        return self.covered(shared) * (1 + 1e-9)  # never below the score, whatever the rounding

    def covered(self, shared: set[str]) -> float:
        """The share of the claim vector's length these words make up, whatever they are (names only, say)."""
        return math.sqrt(sum(self.claim_vector[word] ** 2 for word in shared)) / self.claim_norm

    def score(self, text: str, *, strict: bool = True) -> tuple[float, tuple[str, ...]] | None:
        """The cosine of a passage with the claim and the shared words by importance; None if it cannot match
        (unless not `strict`: then any passage is scored, for the reason of a match in meaning)."""
        counts = Counter(content_words(text))
        shared = counts.keys() & self.claim_vector.keys()
        if strict and (len(shared) < self.needed or shared <= self.names):
            return None  # too little in common, or the same names and nothing said in common
        if not shared:
            return 0.0, ()
        vector = {word: (1 + math.log(count)) * self._weight(word) for word, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in vector.values()))
        contributions = {word: self.claim_vector[word] * vector[word] for word in shared}
        score = min(1.0, sum(contributions.values()) / (self.claim_norm * norm))
        ordered = sorted(contributions, key=lambda word: (-contributions[word], word))
        return score, tuple(self.surface[word] for word in ordered)


def _reason(shared: Sequence[str], score: float, meaning: float | None = None, meaning_min: float = MEANING_MIN) -> str:
    named = ", ".join(f'"{word}"' for word in shared[:REASON_WORDS])
    more = f" and {len(shared) - REASON_WORDS} more" if len(shared) > REASON_WORDS else ""
    if meaning is not None and meaning >= max(score, meaning_min):
        close = f"close in meaning ({MEANING_MODEL} similarity {meaning:.2f})"
        return f"{close}; shares {named}{more}" if shared else close
    return f"shares {named}{more} (similarity {score:.2f})"


# ---------------------------------------------------------------------------------------------------
# Matching


def passages_like(
    text: str,
    articles: Iterable[tuple[int, str]],
    *,
    limit: int = LIMIT,
    min_score: float = MIN_SCORE,
    meaning: Meaning | None = None,
    meaning_min: float = MEANING_MIN,
) -> list[Match]:
    """The sentences of `articles` ((article id, body_text) pairs) that state what `text` states, best first.

    `text` is a claim's quote, possibly with its sentence. At most `limit` matches, each scoring at least
    `min_score`; ties keep the order of `articles`. With `meaning` (annotations.meaning.similarity, the optional
    model), the sentences of the paragraphs sharing most words with the claim are also compared in meaning, and
    those at least `meaning_min` match too, scored by the higher of the two similarities.
    """
    if limit <= 0:
        return []
    ranked = _ranked_passages(text, articles, min_score, limit, meaning=meaning, meaning_min=meaning_min)
    return [
        Match(article, start, end, round(score, 4), shared, _reason(shared, score, close, meaning_min),
              None if close is None else round(close, 4))
        for (article, start, end), score, shared, close in ranked
    ]  # fmt: skip


def _ranked_passages(
    text: str,
    articles: Iterable[tuple[int, str]],
    min_score: float,
    limit: int | None = None,
    *,
    meaning: Meaning | None = None,
    meaning_min: float = MEANING_MIN,
) -> list[tuple[tuple[int, int, int], float, tuple[str, ...], float | None]]:
    """(article, start, end), score, shared words and similarity in meaning (None when not compared) of the best
    `limit` (or all) sentences reaching `min_score` in words or `meaning_min` in meaning."""
    comparison = _Comparison(text)
    if not comparison.claim_terms:
        return []
    # First every paragraph's words (idf), keeping the paragraphs that share enough with the claim (any word,
    # when meaning is compared too).
    kept = []
    needed = comparison.needed if meaning is None else 1
    for article, body_text in articles:
        paragraphs = _paragraphs(body_text)
        for (start, end, _), shared in zip(
            paragraphs, comparison.count([words for _, _, words in paragraphs]), strict=True
        ):
            if len(shared) >= needed:
                kept.append((article, body_text, start, end, shared))
    comparison.close()
    found = _by_words(comparison, kept, min_score, limit)
    if meaning is not None:
        found = _with_meaning(text, comparison, kept, found, meaning, meaning_min, limit)
    return found


def _by_words(
    comparison: _Comparison, kept: list[tuple[int, str, int, int, set[str]]], min_score: float, limit: int | None
) -> list[tuple[tuple[int, int, int], float, tuple[str, ...], float | None]]:
    # The sentences of the paragraphs that can still make the list, most promising first: once `limit`
    # sentences are found, a paragraph whose bound is below the last of them cannot displace it.
    bounds = sorted((-comparison.bound(paragraph[4]), order) for order, paragraph in enumerate(kept))
    found = []  # (-score, paragraph order, start): best first, then in the order of `articles`
    best: list[float] = []  # a heap of the `limit` best scores so far
    for negated_bound, order in bounds:
        bound = -negated_bound
        if bound < min_score or (limit is not None and len(best) == limit and bound < best[0]):
            break
        article, body_text, start, end, _ = kept[order]
        for span in sentences(body_text[start:end]):
            sentence_start, sentence_end = start + span.start, start + span.end
            scored = comparison.score(body_text[sentence_start:sentence_end])
            if scored is None or scored[0] < min_score:
                continue
            score, shared = scored
            found.append((-score, order, sentence_start, (article, sentence_start, sentence_end), shared))
            if limit is not None:
                (heapq.heappush if len(best) < limit else heapq.heappushpop)(best, score)
    found.sort(key=lambda entry: entry[:3])
    return [(key, -negated, shared, None) for negated, _, _, key, shared in found[:limit]]


def _with_meaning(
    text: str,
    comparison: _Comparison,
    kept: list[tuple[int, str, int, int, set[str]]],
    by_words: list[tuple[tuple[int, int, int], float, tuple[str, ...], float | None]],
    meaning: Meaning,
    meaning_min: float,
    limit: int | None,
) -> list[tuple[tuple[int, int, int], float, tuple[str, ...], float | None]]:
    """The word matches and the sentences close in meaning, ranked by the higher similarity that qualifies.

    Compared with the model, `MEANING_CANDIDATES` sentences in all (or the word matches, if more: `limit` None):
    the word matches, then the sentences of the paragraphs sharing the largest part of the claim's weighted words
    (names included).
    """
    candidates = dict.fromkeys(key for key, *_ in by_words)  # (article, start, end), in a stable order
    bodies = {article: body_text for article, body_text, *_ in kept}
    wanted = max(MEANING_CANDIDATES, len(by_words))
    for number in sorted(range(len(kept)), key=lambda number: (-comparison.covered(kept[number][4]), number)):
        if len(candidates) >= wanted:
            break
        article, body_text, start, end, _ = kept[number]
        for span in sentences(body_text[start:end]):
            candidates.setdefault((article, start + span.start, start + span.end))
    texts = {key: bodies[key[0]][key[1] : key[2]] for key in list(candidates)[:wanted]}
    words = {key: (score, shared) for key, score, shared, _ in by_words}
    return _merge_meaning(text, comparison, texts, words, meaning, meaning_min, limit)


def _merge_meaning(
    text: str,
    comparison: _Comparison,
    candidates: dict[Hashable, str],
    words: dict[Hashable, tuple[float, tuple[str, ...]]],
    meaning: Meaning,
    meaning_min: float,
    limit: int | None,
) -> list[tuple[Any, float, tuple[str, ...], float]]:
    """Ask the model about the candidates (key: text) in one call; keep the word matches (`words`: key: score and
    shared words) and those close enough in meaning, each scored by the higher similarity that qualifies, best
    first (ties in the candidates' order)."""
    keys = list(candidates)
    if not keys:
        return []
    closeness = meaning(text, [candidates[key] for key in keys])
    found = []
    for rank, (key, close) in enumerate(zip(keys, closeness, strict=True)):
        close_enough = close >= meaning_min
        if key in words:
            score, shared = words[key]
        elif close_enough:
            score, shared = 0.0, comparison.score(candidates[key], strict=False)[1]  # the shared words, for the reason
        else:
            continue
        found.append((-max(score, close if close_enough else 0.0), rank, key, shared, close))
    found.sort(key=lambda entry: entry[:2])
    return [(key, -negated, shared, close) for negated, _, key, shared, close in found[:limit]]


def _paragraphs(body_text: str) -> list[tuple[int, int, set[str]]]:
    """(start, end, content words) of each paragraph: lines, with the lines `sentences` may join to them.

    `sentences` joins two lines only when the second starts in lower case (a soft wrap), so a line that
    starts otherwise begins a paragraph: the sentences of body_text[start:end] are the article's.
    """
    paragraphs: list[tuple[int, int, set[str]]] = []
    position = 0
    lines = body_text.splitlines(keepends=True)
    for line, words in zip(
        lines, [set(chain.from_iterable(map(_WORDS.__getitem__, line.split()))) for line in lines], strict=True
    ):
        end = position + len(line)
        if paragraphs and line.lstrip()[:1].islower():
            start, _, joined = paragraphs[-1]
            paragraphs[-1] = (start, end, joined | words)
        else:
            paragraphs.append((position, end, words))
        position = end
    return paragraphs


def claims_like(
    text: str,
    claims: Iterable[tuple[int, str]],
    *,
    limit: int = LIMIT,
    min_score: float = MIN_SCORE,
    meaning: Meaning | None = None,
    meaning_min: float = MEANING_MIN,
) -> list[ClaimMatch]:
    """The earlier claims ((claim id, quote) pairs) most like a new claim's `text`, best first.

    idf counts over the given claims and the new one; ties keep the order of `claims`. With `meaning`, the claims
    sharing the largest part of the text's weighted words (`MEANING_CANDIDATES`, one shared word is enough) are also
    compared in meaning, as in `passages_like`.
    """
    comparison = _Comparison(text)
    if not comparison.claim_terms or limit <= 0:
        return []
    kept = []
    needed = comparison.needed if meaning is None else 1
    for claim, quote in claims:
        (shared,) = comparison.count([set(content_words(quote))])
        if len(shared) >= needed:
            kept.append((claim, quote, shared))
    comparison.close()
    ranked = []
    for claim, quote, shared in kept:
        if comparison.bound(shared) >= min_score and (scored := comparison.score(quote)) and scored[0] >= min_score:
            ranked.append((claim, *scored))
    ranked.sort(key=lambda entry: -entry[1])
    ranked = ranked[:limit]
    if meaning is None:
        found = [(claim, score, shared, None) for claim, score, shared in ranked]
    else:
        candidates = dict.fromkeys(claim for claim, *_ in ranked)  # the word matches, then the likeliest others
        quotes = {claim: quote for claim, quote, _ in kept}
        wanted = max(MEANING_CANDIDATES, len(ranked))
        for claim, *_ in sorted(kept, key=lambda entry: -comparison.covered(entry[2])):
            if len(candidates) >= wanted:
                break
            candidates.setdefault(claim)
        words = {claim: (score, shared) for claim, score, shared in ranked}
        texts = {claim: quotes[claim] for claim in candidates}
        found = _merge_meaning(text, comparison, texts, words, meaning, meaning_min, limit)
    return [
        ClaimMatch(claim, round(score, 4), shared, _reason(shared, score, close, meaning_min),
                   None if close is None else round(close, 4))
        for claim, score, shared, close in found
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------------
# Evaluation against a labelled set


@dataclass(frozen=True)
class Passage:
    """body_text[start:end] of the article its key names."""

    article: Hashable
    start: int
    end: int


def locate_pairs(bodies: Mapping[Hashable, str], records: Iterable[Mapping[str, Any]]) -> list[tuple[Passage, Passage]]:
    """The passages each labelled pair names, as in tests/labelled/same_claims.json.

    A record is {"a": side, "b": side}, a side {"article": key of `bodies`, "text": ..., "occurrence": n}
    (`occurrence` as in `annotations.suggest.locate_labels`, which raises ValueError for a missing text).
    """
    pairs = []
    for record in records:
        sides = []
        for side in (record["a"], record["b"]):
            (span,) = locate_labels(bodies[side["article"]], [side])
            sides.append(Passage(side["article"], span.start, span.end))
        pairs.append((sides[0], sides[1]))
    return pairs


def evaluate(
    bodies: Mapping[Hashable, str],
    same: Iterable[tuple[Passage, Passage]],
    different: Iterable[tuple[Passage, Passage]],
    *,
    min_score: float = MIN_SCORE,
    limit: int = LIMIT,
    meaning: Meaning | None = None,
    meaning_min: float = MEANING_MIN,
) -> dict[str, float | int | list[dict[str, object]]]:
    """Precision and recall of `passages_like` on labelled pairs of passages.

    Each pair is judged both ways: a passage's text is matched against every other article of `bodies`,
    and the pair counts as found when the other passage is among the `limit` best matches scoring at least
    `min_score` (with `meaning`, or `meaning_min` in meaning). Precision is the share of found pairs labelled the same, recall the share of same pairs
    found; each is 1.0 when there is nothing to divide by. `judgements` lists every decision with its score
    (None when the passage shared too little to be scored).
    """
    ids = {key: number for number, key in enumerate(bodies)}
    judgements: list[dict[str, object]] = []
    for label, pairs in (("same", same), ("different", different)):
        for first, second in pairs:
            for query, expected in ((first, second), (second, first)):
                text = bodies[query.article][query.start : query.end]
                others = [(ids[key], body) for key, body in bodies.items() if key != query.article]
                ranked = _ranked_passages(text, others, min_score=0.0, meaning=meaning, meaning_min=meaning_min)
                wanted = (ids[expected.article], expected.start, expected.end)
                scores = {key: round(score, 4) for key, score, *_ in ranked}
                shown = [key for key, score, *_ in ranked if score >= min_score][:limit]
                judgements.append(
                    {
                        "query": query,
                        "passage": expected,
                        "label": label,
                        "score": scores.get(wanted),
                        "found": wanted in shown,
                    }
                )
    true_positives = sum(1 for j in judgements if j["found"] and j["label"] == "same")
    false_positives = sum(1 for j in judgements if j["found"] and j["label"] == "different")
    false_negatives = sum(1 for j in judgements if not j["found"] and j["label"] == "same")
    return {
        "precision": true_positives / (true_positives + false_positives) if true_positives + false_positives else 1.0,
        "recall": true_positives / (true_positives + false_negatives) if true_positives + false_negatives else 1.0,
        "true_positives": true_positives,
        "false_positives": false_positives,
        "false_negatives": false_negatives,
        "judgements": judgements,
    }
