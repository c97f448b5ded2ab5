"""Claim suggestions: the sentences of an article worth a fact-checker's look, each with its reasons.

Pure functions on `str`, no Django, no model and nothing downloaded: a sentence splitter and a table of
small rules made of regular expressions. Offsets count code points of `body_text`, end exclusive, as
everywhere else (DESIGN.md, anchoring contract).

**The unit is the sentence.** A direct quote is not cut out of its sentence: the attribution that names
its speaker (“…,” Kobzev tweeted.) is what an editor checks with it, and a quote that stands as a
sentence of its own is already its own span. Sentences are never split inside a quotation, so a quote
of several sentences is one suggestion together with its attribution.

**Scoring.** Each rule in `RULES` that finds evidence in a sentence contributes its weight once, however
often it fires; the weights combine as independent signals (noisy-or): score = 1 - prod(1 - weight).
A sentence is suggested when its score reaches `MIN_SCORE`: one strong signal (a direct quote, an
attribution, a legal term, a number, a date) is enough, weak ones (a quoted term, a vague quantity, a
weekday) need a second signal.

**Page furniture** is never suggested: a paragraph that starts "Related article:" (or "Read more:" ...),
a photo caption (a paragraph ending in a credit such as "navalny / Instagram" or "AP Photo"), and a
heading (a short paragraph without sentence-ending punctuation: headlines, bylines, credits).

Speed, measured on this machine (2 cores, load average 7 from a benchmark running alongside):
`suggest_claims` takes about 0.11 s for a 100 KB article (the seed articles repeated: 700 sentences,
540 suggested), the same as one 100 KB paragraph, and 2.5 ms for a seed article; `sentences` alone
takes 6 ms for the 100 KB. Degenerate 100 KB inputs (one "sentence" of dots, of initials, of quoted
fragments) take at most 0.35 s.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

MIN_SCORE = 0.25
# A suggestion matches a labelled claim when their overlap covers at least this share of each of them.
MIN_OVERLAP = 0.5
EVIDENCE_LENGTH = 60  # code points of a quote shown in a reason
MAX_EVIDENCE = 3  # pieces of evidence named per rule


@dataclass(frozen=True)
class Span:
    """body_text[start:end], end exclusive."""

    start: int
    end: int


@dataclass(frozen=True)
class Suggestion(Span):
    """A sentence worth checking: `reasons[i]` explains why the rule `kinds[i]` fired."""

    score: float
    reasons: tuple[str, ...]
    kinds: tuple[str, ...]


# ---------------------------------------------------------------------------------------------------
# Sentences


def _words(text: str) -> frozenset[str]:
    """A vocabulary written as one string of words separated by spaces."""
    return frozenset(text.split())


# Str.splitlines() breaks lines at these characters.
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_TERMINAL = ".!?\u2026:;"
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
# Sentence-ending punctuation, the closing quotes and brackets after it, then a space or the end. The
# lookbehind starts a match at the first mark of a run only, so a long run costs linear time.
_STOP = re.compile(r"(?<![.!?\u2026])([.!?\u2026]+)[\"'\u201d\u2019\u00bb)\]]*(?=\s|$)")
_PREVIOUS_WORD = re.compile(r"\S+$")
_NEXT_WORD = re.compile(r"\s*[\"'\u201c\u2018\u00ab(\[]*(\w*)")
_INITIALISM = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")  # U.S, e.g, a.m, Ph.D

# Abbreviations before a capitalised word: a title or an initial never ends a sentence (Mr. Smith,
# J. K. Rowling); a month does (AP style abbreviates a month only before a day: Sept. 19); the others
# end one when the next word is one that usually starts a sentence.
_TITLES = _words(
    "Mr Mrs Ms Mx Dr Prof Gen Sen Sens Rep Reps Gov Lt Col Sgt Capt Cmdr Adm Maj Rev Hon Pres Supt "
    "Det Insp Fr St Mt Ft Messrs"
)
_MONTHS_SHORT = _words("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
_ABBREVIATIONS = _words(
    "etc vs v Inc Corp Ltd Co Jr Sr Bros approx incl est cf al ca esp viz dept Dept govt Govt Univ Ave "
    "Blvd Rd No Nos no nos Art art p pp Vol vol Fig fig Ch ch Sec sec para Para Nr nr ed eds"
)
_STARTERS = _words(
    "The A An He She It They We I You His Her Its Their Our This That These Those There But And Or So "
    "Yet In On At For With As After Before When While If Although Though However Meanwhile Still Some "
    "Many Most No Not What Who Why How Where Then Now Later Earlier"
)


def sentences(body_text: str) -> list[Span]:
    """The sentences of a text, trimmed of whitespace, in order; every non-space character is in one.

    A line break ends a sentence (paragraphs), except a single break between a line that does not end
    a sentence and one that starts in lower case (HTML source wrapped inside a paragraph).
    """
    return [sentence for paragraph in _paragraphs(body_text) for sentence in _split_paragraph(body_text, paragraph)]


def _paragraphs(text: str) -> list[Span]:
    lines = []
    position = 0
    for line_break in _LINE_BREAK.finditer(text):
        lines.append(_trim(text, position, line_break.start()))
        position = line_break.end()
    lines.append(_trim(text, position, len(text)))
    paragraphs: list[Span] = []
    for line in lines:
        if line.start == line.end:
            continue
        if paragraphs and _is_soft_wrap(text, paragraphs[-1], line):
            paragraphs[-1] = Span(paragraphs[-1].start, line.end)
        else:
            paragraphs.append(line)
    return paragraphs


def _is_soft_wrap(text: str, before: Span, after: Span) -> bool:
    gap = text[before.end : after.start].replace("\r\n", "\n")
    return (
        len(_LINE_BREAK.findall(gap)) == 1
        and text[before.end - 1] not in _TERMINAL + _CLOSERS
        and text[after.start].islower()
    )


def _split_paragraph(text: str, paragraph: Span) -> Iterator[Span]:
    quotes = _quotations(text, paragraph.start, paragraph.end)
    start = paragraph.start
    for stop in _STOP.finditer(text, paragraph.start, paragraph.end):
        end = stop.end()
        if end >= paragraph.end or _is_inside(quotes, end) or not _ends_sentence(text, stop, paragraph):
            continue
        yield _trim(text, start, end)
        start = end
    last = _trim(text, start, paragraph.end)
    if last.start < last.end:
        yield last


def _ends_sentence(text: str, stop: re.Match[str], paragraph: Span) -> bool:
    """Whether the punctuation matched by `stop` ends a sentence, judging by the words around it."""
    following = _NEXT_WORD.match(text, stop.end(), paragraph.end)
    next_word = following.group(1) if following else ""
    if stop.group(1) != ".":
        # ?, ! and … before a lower-case word go on: “Why?” he asked. An ellipsis … mid-sentence.
        return not next_word[:1].islower()
    window = text[max(paragraph.start, stop.start() - 40) : stop.start()]
    previous = _PREVIOUS_WORD.search(window)
    word = previous.group().lstrip("\"'\u201c\u2018\u00ab([{") if previous else ""
    is_initial = len(word) == 1 and word.isupper()
    is_abbreviation = (
        word in _TITLES
        or word in _MONTHS_SHORT
        or word in _ABBREVIATIONS
        or is_initial
        or bool(_INITIALISM.fullmatch(word))
    )
    if not is_abbreviation:
        # Even before a lower-case word: a credit ("navalny / Instagram") follows a photo caption.
        return True
    if next_word[:1].islower() or next_word[:1].isdigit():
        return False
    if word in _TITLES or is_initial:
        return False
    if word in _MONTHS_SHORT:
        return True
    return next_word in _STARTERS


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


# ---------------------------------------------------------------------------------------------------
# Quotations

_QUOTE_MARK = re.compile('[\u201c\u201d\u00ab\u00bb"]')
_PAIRS = {"\u201d": "\u201c", "\u00bb": "\u00ab"}


def _quotations(text: str, start: int, end: int) -> list[Span]:
    """The outermost quotations in text[start:end], marks included, in order.

    Curly quotes and guillemets pair as brackets do; straight quotes pair in turn (first with second).
    A mark left without a partner, such as the open quote of a quotation that runs on into the next
    paragraph, quotes nothing.
    """
    pairs = []
    opened: dict[str, list[int]] = {"\u201c": [], "\u00ab": []}
    straight = None
    for mark in _QUOTE_MARK.finditer(text, start, end):
        char = mark.group()
        if char in opened:
            opened[char].append(mark.start())
        elif char in _PAIRS:
            if opened[_PAIRS[char]]:
                pairs.append(Span(opened[_PAIRS[char]].pop(), mark.end()))
        elif straight is None:
            straight = mark.start()
        else:
            pairs.append(Span(straight, mark.end()))
            straight = None
    outermost: list[Span] = []
    for pair in sorted(pairs, key=lambda p: (p.start, -p.end)):
        if not outermost or pair.start >= outermost[-1].end:
            outermost.append(pair)
    return outermost


def _is_inside(quotes: Sequence[Span], position: int) -> bool:
    """Whether `position` falls strictly inside a quotation (after its opening, before its closing mark).

    `quotes` are in order and do not overlap, so only the last one opened before `position` can hold it.
    """
    index = bisect.bisect_left(quotes, position, key=lambda quote: quote.start) - 1
    return index >= 0 and position < quotes[index].end


# ---------------------------------------------------------------------------------------------------
# Rules. Each takes a sentence (its text, and its quotations as offsets into that text) and returns
# the words that made it fire.


@dataclass(frozen=True)
class _Sentence:
    text: str
    quotes: list[Span]

    def quoted(self) -> Iterator[str]:
        for quote in self.quotes:
            yield self.text[quote.start + 1 : quote.end - 1]

    def is_quoted(self, position: int) -> bool:
        return _is_inside(self.quotes, position)


_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
MIN_QUOTE_WORDS = 3  # fewer words in quotation marks are a quoted term ("extremist"), not a quote


def _direct_quotes(sentence: _Sentence) -> list[str]:
    # The comma before the attribution (“We have to vote,” he wrote) belongs to the sentence, not the quote.
    return [words.rstrip(" ,;:") for words in sentence.quoted() if len(_WORD.findall(words)) >= MIN_QUOTE_WORDS]


def _quoted_terms(sentence: _Sentence) -> list[str]:
    return [words for words in sentence.quoted() if 0 < len(_WORD.findall(words)) < MIN_QUOTE_WORDS]


# Verbs and phrases of reported speech. Opinion verbs (believes, considers, thinks) are left out on
# purpose: a paraphrased belief cannot be checked.
_SAYING = re.compile(
    r"(?<!\w)(?:according to(?:\s+[\w\u2019'.-]+){1,4}"
    r"|(?:called|calls|calling) (?:on|for)|quoted as saying|in a statement|told reporters"
    r"|expressed the opinion|posted on"
    r"|said|say|says|saying|told|tells|wrote|writes|tweeted|stated|claimed|confirmed|confirms|denied|denies"
    r"|accused|alleged|alleges|announced|announces|insisted|insists|argued|argues|warned|warns|explained"
    r"|explains|acknowledged|acknowledges|admitted|admits|asserted|asserts|declared|declares|testified"
    r"|revealed|reveals|disclosed|predicted|vowed|pledged|urged|urges)(?!\w)",
    re.IGNORECASE,
)
# Words that are nouns as often as verbs ("false claims", "news reports"): speech only after a speaker.
_SAYING_AFTER_SPEAKER = re.compile(
    r"(?<!\w)(?:claims|states|reports|reported|notes|noted|added|adds|tweets|posts|posted|estimates|estimated"
    r"|promised|promises|asked|asks|replied|responded|commented|suggested|suggests|stressed|stresses"
    r"|accuses|deny)(?!\w)",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w\u2019'-]*"
_SPEAKER_BEFORE = re.compile(
    rf"(?<!\S)((?:{_NAME}(?:\s+{_NAME}){{0,3}}|he|she|they|we|it|who|you)"
    r"(?:\s+(?:has|have|had|also|again|already|today|later|then|now|once))*)\s+$"
)
_SPEAKER_AFTER = re.compile(rf"\s+({_NAME}(?:\s+{_NAME}){{0,2}})")
# Verbs whose speaker may follow them ("said Navalny"); after the others a name is the one addressed.
_INVERTED = _words("said says wrote writes tweeted added asked replied insisted warned declared stated explained")
_WORD_BEFORE = re.compile(r"(\w+)\s+$")
_PLATFORM = re.compile(
    r"\s+on\s+(?:Instagram|Twitter|X|Facebook|Telegram|YouTube|TikTok|VKontakte|VK|Threads|Bluesky|Mastodon"
    r"|LinkedIn|Substack|social media|(?:his|her|their|its) (?:blog|website|channel))\b"
)
# A name after one of these is the object of a longer phrase ("an opponent of the Kremlin and Vladimir
# Putin wrote"), not the speaker.
_CONNECTORS = _words("and or of with against to for by from than about between at in on nor")
_NOT_NAMES = (
    _STARTERS
    | _MONTHS_SHORT
    | _words(
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
        "August September October November December"
    )
)


def _attributions(sentence: _Sentence) -> list[str]:
    """Reported speech outside quotation marks, with the speaker when one stands next to the verb."""
    text = sentence.text
    found = []
    for pattern, needs_speaker in ((_SAYING, False), (_SAYING_AFTER_SPEAKER, True)):
        for verb in pattern.finditer(text):
            if sentence.is_quoted(verb.start()):
                continue  # the speaker's own words, not the reporter's attribution
            speaker = _speaker_before(text, verb.start())
            if needs_speaker and not speaker:
                continue
            platform = _PLATFORM.match(text, verb.end())
            phrase = verb.group() + (platform.group() if platform else "")
            if not speaker and verb.group().lower() in _INVERTED:
                after = _SPEAKER_AFTER.match(text, verb.end())
                if after and after.group(1) not in _NOT_NAMES and not platform:
                    phrase = f"{phrase} {after.group(1)}"
            found.append((verb.start(), f"{speaker} {phrase}" if speaker else phrase))
    return [phrase for _, phrase in sorted(found)]


def _speaker_before(text: str, position: int) -> str:
    window_start = max(0, position - 60)
    window = text[window_start:position]
    match = _SPEAKER_BEFORE.search(window)
    if not match:
        return ""
    words = match.group(1).split()
    while words and words[0] in _NOT_NAMES and len(words) > 1:
        words.pop(0)
    if words[0][:1].isupper() and _preceding_word(window, match.start()).lower() in _CONNECTORS:
        return ""
    return " ".join(words)


_SPELLED = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    "|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million"
    "|billion|dozen"
)
_UNIT = (
    r"years?|months?|weeks?|days?|hours?|minutes?|times|people|persons|men|women|children|percent|per cent"
    r"|percentage points?|points|million|billion|trillion|thousand|dollars|euros|rubles|roubles|pounds"
    r"|votes|seats|candidates|websites|kilometres|kilometers|km|miles|tonnes|tons|deaths|arrests|cases"
)
_NUMBER = re.compile(
    r"(?<![\w.,-])[$\u20ac\u00a3\u00a5\u20bd]?(?P<digits>\d+(?:[.,]\d+)*)"
    rf"(?P<unit>%|(?:st|nd|rd|th)\b|(?:-[^\W\d_]+)+|\s+(?:{_UNIT})\b)?"
    rf"|(?<![\w-])(?:{_SPELLED})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    rf"(?:(?:-[^\W\d_]+)+|\s+(?:{_UNIT})\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_VAGUE_QUANTITY = re.compile(
    r"(?<!\w)(?:(?:tens of )?(?:dozens|hundreds|thousands|millions|billions|scores) of"
    r"|a (?:number|couple|handful|majority|minority) of|several|numerous|countless)(?!\w)",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:January|February|March|April|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|May)"
)
_DATE = re.compile(
    rf"(?<!\w)(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?:,?\s+\d{{4}})?(?!\w)"
    r"|(?<![\w.,-])\d{4}-\d\d-\d\d(?!\w)"
    r"|(?<![\w.,-])(?:1[89]|20)\d\ds?(?!\w|[.,]\d)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_RELATIVE_DATE = re.compile(
    r"(?<!\w)(?:(?:(?:earlier|later) this|this|last|next|past|coming)\s+"
    rf"(?:week(?:end)?|month|year|spring|summer|autumn|fall|winter|decade|{_WEEKDAY})"
    rf"|{_WEEKDAY}|today|yesterday|tomorrow|tonight|in recent (?:years|months|weeks|days)|recently)(?!\w)",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"(?<!\w)(?:sentenc(?:e|es|ed|ing)|convict(?:ed|ion|ions)?|guilty|acquit(?:ted|tal)?|parole|probation"
    r"|courts?|judges?|judicial|tribunals?|trials?|verdicts?|prosecut\w*|charges|charged|indict\w*"
    r"|arrest(?:s|ed)?|detain(?:s|ed|ee|ees)?|detention|custody|imprison\w*|prisons?|prisoners?|jail(?:s|ed)?"
    r"|penal colony|fraud\w*|extremis(?:m|ts?)|terroris(?:m|ts?)|treason|espionage|corrupt(?:ion)?"
    r"|brib(?:e|es|ed|ery)|embezzl\w*|money laundering|ban(?:s|ned)?|barred|outlawed|illegal(?:ly)?"
    r"|unlawful(?:ly)?|lawyers?|attorneys?|lawsuits?|sued|fined|investigat(?:ion|ions|ors?|ed|ing))(?!\w)",
    re.IGNORECASE,
)


# "May" alone is a month only after one of these ("in May"); with a day or a year it always is.
_BEFORE_MAY = _words("in on since until by of early late mid last next this")


def _date_matches(text: str) -> list[re.Match[str]]:
    return [
        match
        for match in _DATE.finditer(text)
        if match.group() != "May" or _preceding_word(text, match.start()).lower() in _BEFORE_MAY
    ]


def _preceding_word(text: str, position: int) -> str:
    before = _WORD_BEFORE.search(text, max(0, position - 20), position)
    return before.group(1) if before else ""


def _dates(sentence: _Sentence) -> list[str]:
    return [match.group() for match in _date_matches(sentence.text)]


def _numbers(sentence: _Sentence) -> list[str]:
    """Numbers and quantities, except years and the day of a date (the date rule's evidence)."""
    dates = [Span(*match.span()) for match in _date_matches(sentence.text)]
    found = []
    for match in _NUMBER.finditer(sentence.text):
        if any(date.start < match.end() and match.start() < date.end for date in dates):
            continue
        if match.group("digits") and not match.group("unit") and _YEAR.fullmatch(match.group("digits")):
            continue
        found.append(match.group())
    return found


def _finder(pattern: re.Pattern[str]) -> Callable[[_Sentence], list[str]]:
    return lambda sentence: [match.group() for match in pattern.finditer(sentence.text)]


@dataclass(frozen=True)
class Rule:
    """A reason to check a sentence: its identifier, its label in reasons, its weight, what it finds."""

    kind: str
    label: str
    weight: float
    find: Callable[[_Sentence], list[str]]


# A quote's speaker can always be asked; an attribution says someone said something; legal facts,
# numbers and dates can be checked against records. The weak signals only count together.
RULES: tuple[Rule, ...] = (
    Rule("quote", "direct quote", 0.5, _direct_quotes),
    Rule("attribution", "attribution", 0.4, _attributions),
    Rule("legal", "legal term", 0.35, _finder(_LEGAL)),
    Rule("number", "number", 0.35, _numbers),
    Rule("date", "date", 0.3, _dates),
    Rule("quoted_term", "quoted term", 0.15, _quoted_terms),
    Rule("vague_quantity", "vague quantity", 0.15, _finder(_VAGUE_QUANTITY)),
    Rule("relative_date", "relative date", 0.15, _finder(_RELATIVE_DATE)),
)


# ---------------------------------------------------------------------------------------------------
# Suggestions

_RELATED = re.compile(
    r"(?:Related(?: articles?| stories| story| content| reading| news)?|Read (?:more|also|next)|See also"
    r"|Also read|More on this|Recommended|Watch|Listen)\s*:",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"(?:Photo|Photograph|Picture|Image|Video|Illustration|Caption|Credit|Pictured)\s*:", re.IGNORECASE
)
_CREDIT = re.compile(
    r"\S\s*/\s*\S|\b(?:Photo|Photograph|Image|Credit|Courtesy|AP|AFP|Reuters|EPA|Getty|TASS|Sputnik|Shutterstock"
    r"|Instagram|Twitter|Facebook|Telegram|YouTube|VK|Wikimedia|Unsplash|Flickr|Pixabay)\b"
)
MAX_CREDIT_WORDS = 6
MAX_HEADING_WORDS = 20


def suggest_claims(body_text: str) -> list[Suggestion]:
    """The sentences of an article worth checking, in order, each scored at least `MIN_SCORE`."""
    suggestions = []
    for paragraph in _paragraphs(body_text):
        spans = list(_split_paragraph(body_text, paragraph))
        if _is_furniture(body_text, paragraph, spans):
            continue
        for span in spans:
            suggestion = _assess(body_text, span)
            if suggestion.score >= MIN_SCORE:
                suggestions.append(suggestion)
    return suggestions


def assess_sentence(sentence: str) -> Suggestion:
    """The score, reasons and kinds a sentence would carry, whatever its score (offsets into `sentence`)."""
    return _assess(sentence, _trim(sentence, 0, len(sentence)))


def _assess(text: str, span: Span) -> Suggestion:
    sentence_text = text[span.start : span.end]
    sentence = _Sentence(sentence_text, _quotations(sentence_text, 0, len(sentence_text)))
    reasons, kinds, weights = [], [], []
    for rule in RULES:
        evidence = list(dict.fromkeys(_shorten(found) for found in rule.find(sentence)))
        if evidence:
            reasons.append(f"{rule.label}: " + ", ".join(f'"{found}"' for found in evidence[:MAX_EVIDENCE]))
            kinds.append(rule.kind)
            weights.append(rule.weight)
    score = round(1 - math.prod(1 - weight for weight in weights), 4)
    return Suggestion(span.start, span.end, score, tuple(reasons), tuple(kinds))


def _shorten(found: str) -> str:
    words = " ".join(found.split())
    return words if len(words) <= EVIDENCE_LENGTH else words[: EVIDENCE_LENGTH - 1].rstrip() + "\u2026"


def _is_furniture(text: str, paragraph: Span, spans: Sequence[Span]) -> bool:
    """A heading, a photo caption or a link to another article: not the article's own claims."""
    words = text[paragraph.start : paragraph.end]
    if _RELATED.match(words) or _CAPTION_START.match(words):
        return True
    ends_sentence = words[-1] in _TERMINAL or (
        words[-1] in _CLOSERS and len(words) > 1 and words.rstrip(_CLOSERS)[-1:] in _TERMINAL
    )
    if ends_sentence:
        return False
    if len(words.split()) <= MAX_HEADING_WORDS:
        return True
    last = text[spans[-1].start : spans[-1].end]
    return len(last.split()) <= MAX_CREDIT_WORDS and bool(_CREDIT.search(last))


# ---------------------------------------------------------------------------------------------------
# Evaluation against a labelled set


def evaluate(
    suggestions: Iterable[Span | tuple[int, int]],
    labelled_spans: Iterable[Span | tuple[int, int]],
    *,
    min_overlap: float = MIN_OVERLAP,
) -> dict[str, float | int | list[tuple[int, int]]]:
    """Precision and recall of suggestions against the spans a person labelled as claims.

    A suggestion matches a labelled span when their overlap covers at least `min_overlap` of each (so a
    suggestion spanning a whole paragraph does not match every sentence in it). Precision is the share
    of suggestions that match a labelled claim, recall the share of labelled claims that some suggestion
    matches; each is 1.0 when there is nothing to divide by. `missed` and `spurious` list the spans.
    """
    suggested = [_bounds(span) for span in suggestions]
    labelled = [_bounds(span) for span in labelled_spans]
    spurious = [s for s in suggested if not any(_overlaps(s, claim, min_overlap) for claim in labelled)]
    missed = [claim for claim in labelled if not any(_overlaps(s, claim, min_overlap) for s in suggested)]
    true_positives = len(suggested) - len(spurious)
    return {
        "precision": true_positives / len(suggested) if suggested else 1.0,
        "recall": (len(labelled) - len(missed)) / len(labelled) if labelled else 1.0,
        "true_positives": true_positives,
        "false_positives": len(spurious),
        "false_negatives": len(missed),
        "missed": missed,
        "spurious": spurious,
    }


def _bounds(span: Span | tuple[int, int]) -> tuple[int, int]:
    return (span.start, span.end) if isinstance(span, Span) else (span[0], span[1])


def _overlaps(a: tuple[int, int], b: tuple[int, int], min_overlap: float) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= min_overlap * max(a[1] - a[0], b[1] - b[0])


def locate_labels(body_text: str, labels: Iterable[Mapping[str, str | int]]) -> list[Span]:
    """Where each label ({"text": ..., "occurrence": n}, as in tests/labelled/claims.json) stands in the text.

    `occurrence` (1-based, default 1) says which one a text that occurs several times means. Raises
    ValueError for a text that is not there.
    """
    spans = []
    for label in labels:
        words, occurrence = str(label["text"]), int(label.get("occurrence", 1))
        start = -1
        for _ in range(occurrence):
            start = body_text.find(words, start + 1)
            if start == -1:
                raise ValueError(f"Occurrence {occurrence} of {words[:60]!r} is not in the text.")
        spans.append(Span(start, start + len(words)))
    return spans
