"""Speaker detection: who made the claim in a selected span of an article, and why we think so.

Pure functions on `str`; no Django, no model, nothing downloaded. Offsets count code points of
`body_text`, end exclusive, as everywhere in Factcheck.

**People** (`people`) are found with capitalised-word heuristics: a run of two to four capitalised
words is a full name ("Vadim Kobzev") unless one of them is on a small stop list of places,
organisations, months and weekdays ("United Russia", "State Duma", "Team Navalny"), or the run is
the whole of a quotation ("Smart Voting"), or it stands in a title-case line such as "Related
article: ...". Title words inside the run ("President") and role words in front of it ("Kremlin
critic", "Team Navalny lawyer") are kept as the person's title, not their name. A later single word
that is a known surname ("Kobzev", "Navalny's") is a short mention of the person most recently
named in full. A single name never given in full counts as a person only where it is the subject
of a reporting verb ("Smith said") and the word is not written in lower case elsewhere ("Critics
said"). Mentions are the offsets of the name words (a possessive's "'s" left out).

**Speakers** (`guess_speaker`) come from attributions: a reporting verb outside quotation marks
("said", "wrote", "tweeted", "confirmed", "warns", "according to", ...) and its subject, read
backwards from the verb ("Kobzev tweeted"; "Navalny, echoing Kobzev, expressed" skips the aside;
"Alexei Navalny, who was sentenced ..., calls on" skips the relative clause) or forwards when the
verb comes first: "…,” said Kobzev", "said Navalny's lawyer, Vadim Kobzev", "according to Kobzev";
only say-type verbs ("said", "wrote", "added" ...) come first. The rules are tried in this order; the
first that finds an attribution decides:

| rule | example | score |
| --- | --- | --- |
| attribution after the quote | “…,” Kobzev tweeted. / “…,” said Kobzev. | 0.90 |
| attribution before the quote | Navalny wrote on Instagram that … / he says … / according to X, … | 0.85 |
| attribution within the selection | (the editor selected the attribution too) | 0.80 |
| quote continues in the paragraph | “…,” Kobzev tweeted. “<span>” | 0.75 |
| quote continues from the previous paragraph | “…,” Navalny said. (new paragraph) “<span>” | 0.65 |

The first three read the span's own sentence, and the attribution nearest to the span wins, a
"that" between them counting as no distance (so in "a poisoning he says was orchestrated by ...,
a charge the Kremlin denies", "he says" speaks for the words right after it); a reporting verb
inside the span counts only when there is none outside it. The last two apply only when the span
is a quotation with no attribution of its own; "Related article" lines and other title-case lines
between paragraphs are skipped, and a paragraph ending in a colon announces the next one. The score is the rule's score times how surely the words that name the speaker resolve
to a person:

| the speaker is named by | example | factor |
| --- | --- | --- |
| the full name | Alexei Navalny said | 1.00 |
| a short name | Kobzev tweeted (Vadim Kobzev) | 0.95 |
| a pronoun, resolved to the nearest person named before it as a subject | he wrote | 0.85 |
| a description sharing a role word with a person's title | the lawyer said (Team Navalny lawyer Vadim Kobzev) | 0.85 |
| a name the article never gives in full | Smith said | 0.80 |
| a description, resolved to the nearest person named before it as a subject | the 47-year-old opponent of the Kremlin and Vladimir Putin wrote | 0.70 |

A description never resolves to a person named inside it (Vladimir Putin above), nor to someone
whose title names another role ("the mayor" is not "President Vladimir Putin"); a relational role
with no matching title ("the lawyer", "his wife") resolves to nobody. An attribution to something
that is not a person ("according to the opposition", "the Kremlin denies", "they said") ends the
search with no guess; a passive ("is considered") is no attribution. Known limits: no grammar
beyond these patterns, no gender (he and she resolve alike), English only, and the stop lists are
short: an organisation named by one unknown word ("Golos reported") passes for a person.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string, so that long word lists stay readable."""
    return frozenset(words.split())


# Rules, in the order they are tried, and their scores (see the module docstring).
RULE_AFTER = "attribution after the quote"
RULE_BEFORE = "attribution before the quote"
RULE_WITHIN = "attribution within the selection"
RULE_PARAGRAPH = "quote continues in the paragraph"
RULE_PREVIOUS_PARAGRAPH = "quote continues from the previous paragraph"
RULE_SCORES = {
    RULE_AFTER: 0.9,
    RULE_BEFORE: 0.85,
    RULE_WITHIN: 0.8,
    RULE_PARAGRAPH: 0.75,
    RULE_PREVIOUS_PARAGRAPH: 0.65,
}
# How surely the words that name the speaker resolve to a person.
NAMED_IN_FULL = 1.0
SHORT_NAME = 0.95
PRONOUN = 0.85
DESCRIPTION_BY_TITLE = 0.85
SINGLE_NAME = 0.8
DESCRIPTION_BY_SUBJECT = 0.7

# A pronoun or a description refers to a person named as a subject at most this far before it.
ANTECEDENT_REACH = 2000
# A quotation paragraph with no attribution takes the speaker of the one before, at most this many times over.
MAX_PARAGRAPHS_BACK = 3
MAX_NAME_WORDS = 4

OPENING_QUOTES = "“«„"
CLOSING_QUOTES = "”»"
QUOTE_MASK = "\ufffc"  # stands in for quoted words when the words around quotations are read

REPORTING_VERBS = _wordset(
    "said says wrote writes tweeted tweets posted confirmed confirms added adds told tells stated states claimed "
    "claims argued argues insisted insists warned warns believes believed considers considered thinks urged urges "
    "announced announces explained explains noted declared declares denied denies asserted asserts alleged alleges "
    "suggested suggests predicted predicts stressed stresses emphasised emphasises emphasized emphasizes expressed "
    "expresses acknowledged acknowledges admitted admits recalled recalls replied replies responded responds "
    "complained complains reported accused accuses"
)
ACCORDING_TO = "according to"
# Verbs that may come before their subject: "…,” said Kobzev", "…,” wrote the lawyer".
INVERTING_VERBS = _wordset(
    "said says wrote writes tweeted added adds explained replied asked noted recalled insisted continued"
)
_VERB = re.compile(
    r"\b(?:[Aa]ccording to|call(?:s|ed)?\s+(?:on|for)|"
    + "|".join(sorted(REPORTING_VERBS, key=len, reverse=True))
    + r")\b"
)

# Capitalised words that are not names (compared in lower case): words that start sentences or quotations.
FUNCTION_WORDS = _wordset(
    "a about above after again against ago ahead alas all almost already also although always among an and another "
    "any are as at because been before being below besides between both but by can could despite did do does during "
    "each earlier either even ever every few finally first for from further had has have having he her here hers "
    "herself him himself his how however i if in indeed instead into is it its itself just last later least less let "
    "like many me meanwhile might more moreover most much must my myself neither nevertheless next no nobody none nor "
    "not nothing now of off often on once one only or other others otherwise our ours out over overall perhaps please "
    "previously rather recently related same second several shall she should since so some still such than that the "
    "their theirs them themselves then there therefore these they third this those though through thus to today "
    "together tomorrow too under unless until up upon us very was we were what whatever when whenever where whereas "
    "whether which while who whom whose why will with within without would yes yesterday yet you your yours"
)
# Months and weekdays: dropped from the front of a run of capitals ("Monday Kobzev"), kept as a surname.
CALENDAR = _wordset(
    "january february march april may june july august september october november december sept monday tuesday "
    "wednesday thursday friday saturday sunday"
)
# Places, peoples, organisations and platforms: a run of capitals holding one is not a person.
NOT_NAMES = _wordset(
    "russia russian russians moscow kremlin ukraine ukrainian ukrainians kyiv kiev germany german germans europe "
    "european america american americans britain british london france french paris china chinese beijing washington "
    "berlin belarus minsk siberia crimea donbas poland polish brussels nato united state states duma party team union "
    "council committee commission ministry court parliament congress senate government agency bank university company "
    "corporation foundation group campaign office department service services police army navy church club league "
    "association institute center centre press news media network times post journal voting election elections "
    "strategy website republic federation kingdom empire city region district street square airport opposition "
    "instagram twitter facebook telegram youtube tiktok internet google reuters interfax tass international watch "
    "fund trust society movement alliance coalition front forum initiative project board bureau authority"
)
# Capitalised title words in front of a name, in the same run of capitals: "President Vladimir Putin".
TITLE_WORDS = _wordset(
    "President Prime Minister Mr Mrs Ms Dr Mayor Governor Senator Sen Rep Representative General Gen Judge Justice "
    "Chancellor King Queen Prince Princess Pope Sir Dame Lord Lady Professor Prof Chairman Chairwoman Secretary "
    "Ambassador Deputy Vice Commissioner Director Spokesman Spokeswoman Colonel Col Captain Capt Lieutenant Lt "
    "Sergeant Father Rev Reverend Bishop Archbishop Patriarch Premier Chief Leader Lawyer Attorney"
)
# What a person is: a role in front of a name ("Kremlin critic"), or the head of a description ("the lawyer").
ROLE_NOUNS = _wordset(
    "critic lawyer attorney mayor president minister spokesman spokeswoman spokesperson leader opponent activist "
    "journalist chairman co-chairman chairwoman director chief head ally aide adviser advisor official politician "
    "candidate founder editor reporter correspondent analyst expert economist professor researcher governor senator "
    "deputy lawmaker legislator prosecutor judge investigator commander general officer colleague wife husband widow "
    "daughter son mother father brother sister friend partner associate supporter dissident blogger campaigner "
    "strategist manager secretary ambassador envoy diplomat representative speaker premier chancellor commentator "
    "writer author historian scientist doctor priest bishop ceo man woman prisoner inmate"
)
# Roles that say whose someone is ("his lawyer", "Navalny's aide"): a description by one of them alone is not
# the person last named, who is more likely the one they work for.
RELATIONAL_ROLES = _wordset(
    "lawyer attorney spokesman spokeswoman spokesperson aide adviser advisor ally associate colleague partner wife "
    "husband widow daughter son mother father brother sister friend supporter secretary representative envoy"
)
ROLE_MODIFIERS = _wordset(
    "outgoing former acting incoming late veteran jailed imprisoned exiled opposition prominent top senior fellow "
    "longtime independent deputy vice chief"
)
# The head of a description that is not one person: a group, an institution, a document.
NON_PERSON_NOUNS = NOT_NAMES | _wordset(
    "authorities officials guards critics observers analysts experts statement report reports group prosecutors "
    "investigators people lawyers allies supporters spokespeople sources source residents voters members activists "
    "protesters organisers organizers organisation organization judges charge document letter message"
)
PREPOSITIONS = _wordset(
    "of for to with against by from at in on about over under into onto toward towards among between behind beside "
    "near like than via per after before"
)
DETERMINERS = _wordset("the a an his her their its our my your these those this such many some no any all")
BE_FORMS = _wordset("is are was were be been being")
# Words that may stand between a subject and its verb: "Alexei Navalny today called", "has urged", "on Monday said".
ADVERBS = CALENDAR | _wordset(
    "also today yesterday tonight has have had then later again previously recently repeatedly once publicly "
    "reportedly allegedly earlier already now still further often never always himself herself would will could may "
    "might did does do not even just only first last subsequently immediately quickly separately privately openly "
    "clearly firmly angrily simply on this night morning afternoon evening week"
)
# A name after one of these, or after a comma, a quotation or the start of a sentence, is a subject.
SUBJECT_OPENERS = _wordset(
    "that but while when because as since although though if so where after before until once whereas"
)
# Words that open an aside between a subject and its verb: "Navalny, echoing Kobzev, expressed".
ASIDE_OPENERS = _wordset(
    "who whom whose which where echoing citing quoting a an the his her their its aged"
)  # or a preposition
# A "that" between an attribution and the words it attributes binds them: "wrote that ..." is no distance.
LINKING_WORDS = _wordset("that")
PARTICLES = _wordset("de da di del della dos das do van von der den ter bin ibn al el la le du")
ABBREVIATIONS = _wordset(
    "mr mrs ms dr st sept jan feb mar apr jun jul aug sep oct nov dec gen gov sen rep lt col capt prof jr sr no vs "
    "etc inc ltd co corp u.s u.k e.g i.e"
)
FURNITURE_PREFIXES = ("related article", "related:", "read more", "read also", "see also", "also read", "advertisement")
PRONOUNS = frozenset({"he", "she", "him", "her"})
NOT_A_PERSON_PRONOUNS = frozenset({"they", "we", "it", "you", "i", "them", "us"})

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*(?:-[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[”\"\u2019'»)\]]*(?=\s)")
_QUOTE_CHARS = re.compile(r"[“”\"«»„]")
_SEPARATORS = ",;:()\u2014" + QUOTE_MASK
_SEGMENT = re.compile(f"[^{re.escape(_SEPARATORS)}]+")


@dataclass(frozen=True)
class Person:
    """Someone the article names: the full name as first given, the short forms used later, and where."""

    name: str  # "Vadim Kobzev"
    title: str  # the role in front of a full mention, "Team Navalny lawyer"; "" when none
    introduction: str  # the first full mention with its title: "Team Navalny lawyer Vadim Kobzev"
    short_names: tuple[str, ...]  # the other forms the article uses: ("Kobzev",)
    mentions: tuple[tuple[int, int], ...]  # (start, end) of the name words of every mention, in text order


@dataclass(frozen=True)
class SpeakerGuess:
    """Who probably made the claim in a span, and the words of the article that say so."""

    name: str  # the speaker's full name
    score: float  # 0..1: the rule's score times how surely its words resolve to this person
    reason: str  # the rule, its evidence and how the evidence names the speaker, for the editor
    evidence_start: int  # offsets in body_text of the attribution words ("Kobzev tweeted")
    evidence_end: int
    rule: str  # one of the RULE_* names


def people(body_text: str) -> list[Person]:
    """The people the article names, in the order of their first mention."""
    return list(_analyse(body_text).people)


def guess_speaker(body_text: str, start: int, end: int) -> SpeakerGuess | None:
    """Who said body_text[start:end], from its sentence and its neighbours; None when nothing plausible."""
    if not 0 <= start < end <= len(body_text) or not body_text[start:end].strip():
        return None
    analysis = _analyse(body_text)
    found = _find(analysis, start, end, depth=0)
    return _present(analysis, found) if found is not None else None


def accuracy(body_text: str, labelled: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """guess_speaker against labelled quotes (`quote`, `speaker` or None, optional `occurrence`)."""
    correct, mistakes = 0, []
    entries = list(labelled)
    for entry in entries:
        quote = entry["quote"]
        start = _nth_occurrence(body_text, quote, entry.get("occurrence", 0))
        guess = guess_speaker(body_text, start, start + len(quote))
        guessed = guess.name if guess else None
        if guessed == entry["speaker"]:
            correct += 1
        else:
            reason = guess.reason if guess else ""
            mistakes.append({"quote": quote, "expected": entry["speaker"], "guessed": guessed, "reason": reason})
    total = len(entries)
    return {"correct": correct, "total": total, "accuracy": correct / total if total else 0.0, "mistakes": mistakes}


def _nth_occurrence(text: str, quote: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(quote, start + 1)
        if start == -1:
            raise ValueError(f"{quote!r} does not occur {occurrence + 1} time(s) in the text.")
    return start


# --- Reading an article once --------------------------------------------------------------------------------


class _Word(NamedTuple):
    # A tuple, not a dataclass: a 100 KB article has some 17,000 words, and tuples are made several times faster.
    start: int
    end: int  # end of the name part: a possessive "'s" or the "-linked" of "Navalny-linked" is left out
    token_end: int
    text: str  # the name part
    possessive: bool
    compound: bool
    is_name_word: bool  # capitalised, not an acronym, not a function word


class _Mention(NamedTuple):
    start: int
    end: int
    person: int  # index into the article's people
    context_start: int  # where the title in front of the name starts; == start when there is none
    full: bool
    possessive: bool = False
    compound: bool = False
    in_quote: bool = False
    is_subject: bool = False


@dataclass
class _PersonDraft:
    name: str
    given: str
    surname: str
    title: str
    introduction: str
    full_starts: list[int] = field(default_factory=list)
    short_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Verb:
    start: int
    end: int
    word: str


@dataclass(frozen=True)
class _Analysis:
    """Everything guess_speaker needs about one text, computed once (see _analyse)."""

    text: str
    masked: str  # the text with every quotation replaced by QUOTE_MASK
    quotes: tuple[tuple[int, int], ...]
    paragraphs: tuple[tuple[int, int], ...]
    paragraph_starts: tuple[int, ...]
    furniture: frozenset[int]  # indexes of "Related article" lines and title-case headlines
    sentences: tuple[tuple[int, int], ...]
    sentence_starts: tuple[int, ...]
    people: tuple[Person, ...]
    mentions: tuple[_Mention, ...]
    mention_starts: tuple[int, ...]
    mention_by_end: Mapping[int, _Mention]
    subjects: tuple[_Mention, ...]
    subject_starts: tuple[int, ...]
    verbs: tuple[_Verb, ...]
    verb_starts: tuple[int, ...]

    def sentence_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def paragraph_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, offset) - 1)

    def verbs_between(self, low: int, high: int) -> tuple[_Verb, ...]:
        return self.verbs[bisect.bisect_left(self.verb_starts, low) : bisect.bisect_left(self.verb_starts, high)]

    def mentions_between(self, low: int, high: int) -> tuple[_Mention, ...]:
        return self.mentions[
            bisect.bisect_left(self.mention_starts, low) : bisect.bisect_left(self.mention_starts, high)
        ]


@lru_cache(maxsize=16)
def _analyse(text: str) -> _Analysis:
    paragraphs = _paragraphs(text)
    quotes = _quote_regions(text, paragraphs)
    masked = _mask(text, quotes)
    sentences = _sentences(text, paragraphs, quotes)
    sentence_starts = tuple(low for low, _ in sentences)
    paragraph_starts = tuple(low for low, _ in paragraphs)
    furniture = _furniture(text, paragraphs)
    drafts, mentions = _find_people(text, masked, paragraph_starts, furniture)
    mentions = [_mark_subject(masked, mention, sentence_starts) for mention in mentions]
    subjects = tuple(m for m in mentions if m.is_subject)
    by_person: list[list[tuple[int, int]]] = [[] for _ in drafts]
    for mention in mentions:
        by_person[mention.person].append((mention.start, mention.end))
    verbs = tuple(_Verb(m.start(), m.end(), m.group()) for m in _VERB.finditer(masked))
    return _Analysis(
        text=text,
        masked=masked,
        quotes=tuple(quotes),
        paragraphs=tuple(paragraphs),
        paragraph_starts=paragraph_starts,
        furniture=frozenset(furniture),
        sentences=tuple(sentences),
        sentence_starts=sentence_starts,
        people=tuple(
            Person(
                name=draft.name,
                title=draft.title,
                introduction=draft.introduction,
                short_names=tuple(draft.short_names),
                mentions=tuple(by_person[index]),
            )
            for index, draft in enumerate(drafts)
        ),
        mentions=tuple(mentions),
        mention_starts=tuple(m.start for m in mentions),
        mention_by_end={m.end: m for m in mentions},
        subjects=subjects,
        subject_starts=tuple(m.start for m in subjects),
        verbs=verbs,
        verb_starts=tuple(v.start for v in verbs),
    )


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _quote_regions(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations, marks included, paragraph by paragraph; one left open runs to its paragraph's end."""
    regions = []
    for low, high in paragraphs:
        opened, opener = None, ""
        for match in _QUOTE_CHARS.finditer(text, low, high):
            char, at = match.group(), match.start()
            if opened is None:
                if char in OPENING_QUOTES or char == '"':
                    opened, opener = at, char
            elif (char == '"') if opener == '"' else (char in CLOSING_QUOTES):
                regions.append((opened, at + 1))
                opened = None
        if opened is not None:
            regions.append((opened, high))
    return regions


def _mask(text: str, quotes: list[tuple[int, int]]) -> str:
    pieces, last = [], 0
    for low, high in quotes:
        pieces += [text[last:low], QUOTE_MASK * (high - low)]
        last = high
    pieces.append(text[last:])
    return "".join(pieces)


def _sentences(text: str, paragraphs: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences within paragraphs. A stop ends one when a capital or a quotation follows it, but not after an
    abbreviation or an initial ("Sept. 19", "V. Putin"), nor inside a quotation that goes on."""
    spans = []
    quote_starts = [q_low for q_low, _ in quotes]
    for low, high in paragraphs:
        start = low
        for match in _SENTENCE_END.finditer(text, low, high):
            following = text[match.end() : high].lstrip()[:1]
            if not following or not (following.isupper() or following in OPENING_QUOTES + "\"\u2018'(["):
                continue
            word = re.search(r"([^\s.!?…]*)[.!?…]*$", text[max(start, match.start() - 40) : match.start() + 1])
            if word.group(1).lower().lstrip('(“"') in ABBREVIATIONS or len(word.group(1)) == 1:
                continue
            enclosing = bisect.bisect_left(quote_starts, match.start()) - 1
            if enclosing >= 0 and match.end() < quotes[enclosing][1]:
                continue  # a stop inside a quotation that goes on
            spans.append((start, match.end()))
            start = match.end()
            while start < high and text[start].isspace():
                start += 1
        spans.append((start, high))
    return spans


def _furniture(text: str, paragraphs: list[tuple[int, int]]) -> set[int]:
    """Paragraphs that are page furniture: "Related article: ..." lines and title-case headlines."""
    found = set()
    for index, (low, high) in enumerate(paragraphs):
        line = text[low:high].strip()
        long_words = [w for w in _WORD.findall(line) if len(w) >= 4]
        capitalised = sum(1 for w in long_words if w[0].isupper())
        is_headline = len(long_words) >= 4 and capitalised >= 0.8 * len(long_words)
        if is_headline or line.lower().startswith(FURNITURE_PREFIXES):
            found.add(index)
    return found


_KEPT_LOWER_CASE = PARTICLES | ROLE_NOUNS | ROLE_MODIFIERS


def _words(text: str) -> list[_Word]:
    """The words that can be part of a name or of a title in front of one."""
    words = []
    for match in _WORD.finditer(text):
        name, possessive, compound = match.group(), False, False
        if not name[0].isupper() and name.lower() not in _KEPT_LOWER_CASE:
            continue  # a word left out leaves a gap, and a gap ends a run of capitals or a title
        if "-" in name:
            head, _, tail = name.partition("-")
            if not tail[:1].isupper():
                name, compound = head, True  # "Navalny-linked"
        if "'" in name or "\u2019" in name:
            if name.endswith(("'s", "\u2019s")) and len(name) > 2:
                name, possessive = name[:-2], True
            parts = re.split("['\u2019]", name, maxsplit=1)
            if len(parts) == 2 and not parts[1][:1].isupper():
                name = parts[0]  # a contraction: "I'm", "that's"
        start = match.start()
        is_name_word = name[0].isupper() and not name.isupper() and name.lower() not in FUNCTION_WORDS
        words.append(_Word(start, start + len(name), match.end(), name, possessive, compound, is_name_word))
    return words


def _name_runs(text: str, words: list[_Word]) -> list[list[int]]:
    """Runs of capitalised words (as indexes into words) separated by single spaces; particles and initials
    ("de", "V.") may stand inside a run. A possessive or a compound ends its run."""
    runs: list[list[int]] = []
    run: list[int] = []
    for index, word in enumerate(words):
        if run:
            previous = words[run[-1]]
            gap = text[previous.token_end : word.start]
            joined = not previous.possessive and not previous.compound
            joined = joined and (gap in (" ", "\xa0") or (gap == ". " and len(previous.text) == 1))
        else:
            joined = False
        is_initial = len(word.text) == 1 and word.text.isupper() and text[word.end : word.end + 2] == ". "
        if word.is_name_word or (joined and (word.text in PARTICLES or is_initial)):
            if not joined:
                _close_run(runs, run, words)
            run.append(index)
        else:
            _close_run(runs, run, words)
    _close_run(runs, run, words)
    return runs


def _close_run(runs: list[list[int]], run: list[int], words: list[_Word]) -> None:
    while run and not words[run[-1]].is_name_word:
        run.pop()
    if run:
        runs.append(list(run))
    run.clear()


def _title_start(text: str, words: list[_Word], index: int) -> int:
    """Where the role words in front of words[index] begin: "Kremlin critic", "Team Navalny lawyer".

    Role words, their modifiers and capitalised words are taken back to the nearest punctuation, as long as
    the word nearest the name is a role ("critic", "lawyer"); otherwise there is no title.
    """
    start, cursor = words[index].start, index
    nearest_is_role = None
    while cursor > 0 and index - cursor < 6:
        previous = words[cursor - 1]
        if text[previous.token_end : words[cursor].start] not in (" ", "\xa0"):
            break
        lowered = previous.text.lower()
        is_role = lowered in ROLE_NOUNS or previous.text in TITLE_WORDS
        if not (is_role or lowered in ROLE_MODIFIERS or previous.is_name_word or previous.possessive):
            break
        if nearest_is_role is None:
            nearest_is_role = is_role
        start, cursor = previous.start, cursor - 1
    return start if nearest_is_role else words[index].start


@dataclass(frozen=True)
class _Candidate:
    """A run of capitals that may name a person: its name words and where its title starts."""

    words: tuple[_Word, ...]
    name: str  # the words as the article writes them, single-spaced: "Vladimir V. Putin"
    title_start: int
    in_furniture: bool


def _candidates(
    text: str, words: list[_Word], paragraph_starts: tuple[int, ...], furniture: set[int]
) -> list[_Candidate]:
    found = []
    for run in _name_runs(text, words):
        last_title = max((i for i, w in enumerate(run) if words[w].text in TITLE_WORDS), default=-1)
        name_words = [words[w] for w in run[last_title + 1 :]]
        while name_words and name_words[0].text.lower() in CALENDAR:
            name_words.pop(0)  # "Monday Kobzev"
        if not name_words or len(name_words) > MAX_NAME_WORDS:
            continue
        if any(w.text.lower() in NOT_NAMES for w in name_words):
            continue  # "United Russia", "Team Navalny", "State Duma"
        if len(name_words) == 1 and name_words[0].text.lower() in CALENDAR:
            continue
        before = text[words[run[0]].start - 1 : words[run[0]].start] if words[run[0]].start else ""
        after = text[name_words[-1].token_end : name_words[-1].token_end + 1]
        if before and before in OPENING_QUOTES + "\"\u2018'" and after and after in CLOSING_QUOTES + "\"\u2019'":
            continue  # a whole quotation is the name of a thing: "Smart Voting"
        title_start = min(_title_start(text, words, run[0]), words[run[0]].start if last_title >= 0 else len(text))
        in_furniture = bisect.bisect_right(paragraph_starts, name_words[0].start) - 1 in furniture
        name = " ".join(text[name_words[0].start : name_words[-1].end].split())
        found.append(_Candidate(tuple(name_words), name, title_start, in_furniture))
    return found


def _find_people(
    text: str, masked: str, paragraph_starts: tuple[int, ...], furniture: set[int]
) -> tuple[list[_PersonDraft], list[_Mention]]:
    """The people and their mentions: full names first, then the short forms that refer to them."""
    words = _words(text)
    candidates = _candidates(text, words, paragraph_starts, furniture)
    drafts: list[_PersonDraft] = []
    for candidate in candidates:
        if len(candidate.words) < 2 or candidate.in_furniture or candidate.words[-1].compound:
            continue
        person = _same_person(drafts, candidate)
        title = text[candidate.title_start : candidate.words[0].start].strip()
        if person is None:
            draft = _PersonDraft(
                name=candidate.name,
                given=candidate.words[0].text,
                surname=candidate.words[-1].text,
                title=title,
                introduction=text[candidate.title_start : candidate.words[-1].end],
            )
            drafts.append(draft)
        else:
            draft = drafts[person]
            draft.title = draft.title or title
        draft.full_starts.append(candidate.words[0].start)

    mentions = []
    single_names: list[_Candidate] = []
    for candidate in candidates:
        first = candidate.words[0]
        full = len(candidate.words) >= 2
        person = _same_person(drafts, candidate) if full else _resolve_surname(drafts, first.text, first.start)
        if person is None:
            if not full:
                single_names.append(candidate)
            continue
        if candidate.name != drafts[person].name and candidate.name not in drafts[person].short_names:
            drafts[person].short_names.append(candidate.name)
        mentions.append(_mention(masked, candidate, person, full))

    # A single name never given in full is a person where it speaks: "Smith said", "said Smith".
    speaking = {c.name for c in single_names if not c.in_furniture and _is_speaking(masked, c.words[0])}
    for candidate in single_names:
        if candidate.name not in speaking or candidate.words[0].compound:
            continue
        person = next((i for i, d in enumerate(drafts) if d.name == candidate.name), None)
        if person is None:
            person = len(drafts)
            drafts.append(
                _PersonDraft(
                    name=candidate.name,
                    given=candidate.name,
                    surname=candidate.name,
                    title=text[candidate.title_start : candidate.words[0].start].strip(),
                    introduction=text[candidate.title_start : candidate.words[0].end],
                )
            )
        mentions.append(_mention(masked, candidate, person, full=False))

    # People are numbered in the order of their first mention.
    first_mention = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        first_mention.setdefault(mention.person, len(first_mention))
    order = sorted(range(len(drafts)), key=lambda i: first_mention.get(i, len(drafts) + i))
    renumber = {old: new for new, old in enumerate(order)}
    mentions = sorted((m._replace(person=renumber[m.person]) for m in mentions), key=lambda m: m.start)
    return [drafts[i] for i in order], mentions


def _same_person(drafts: list[_PersonDraft], candidate: _Candidate) -> int | None:
    """A full name already known, or its variant with the same given name and surname ("Vladimir V. Putin")."""
    if len(candidate.words) < 2:
        return None
    given, surname = candidate.words[0].text, candidate.words[-1].text
    for index, draft in enumerate(drafts):
        if draft.name == candidate.name or (draft.given == given and draft.surname == surname):
            return index
    return None


def _resolve_surname(drafts: list[_PersonDraft], word: str, offset: int) -> int | None:
    """The person a short name refers to: of those with that surname, the one last named in full before it
    (or, when none was yet, the first named after it)."""
    matching = [i for i, d in enumerate(drafts) if d.surname == word and d.name != word and d.full_starts]

    def recency(i: int) -> tuple[int, int]:
        before = [s for s in drafts[i].full_starts if s < offset]
        return (1, max(before)) if before else (0, -min(drafts[i].full_starts))

    return max(matching, key=recency, default=None)


def _mention(masked: str, candidate: _Candidate, person: int, full: bool) -> _Mention:
    first, last = candidate.words[0], candidate.words[-1]
    return _Mention(
        start=first.start,
        end=last.end,
        person=person,
        context_start=candidate.title_start,
        full=full,
        possessive=last.possessive,
        compound=last.compound,
        in_quote=masked[first.start] == QUOTE_MASK,
    )


_SPEAKING_AFTER = re.compile(
    # "Smith said", "Smith also said", "Smith, speaking in Moscow, said"
    r"(?:,[^,.;:!?\n\ufffc]{1,60},)?\s+(?:(?:" + "|".join(sorted(ADVERBS)) + r")\s+){0,2}(?:" + _VERB.pattern + ")"
)
_SPEAKING_BEFORE = re.compile(r"\b(?:said|says|wrote|writes|tweeted|added|told|[Aa]ccording to)\s+$")


def _is_speaking(masked: str, word: _Word) -> bool:
    """A single capitalised word that speaks ("Smith said") and is not a common noun ("Critics said")."""
    if word.possessive or masked[word.start] == QUOTE_MASK or word.text.lower() in NON_PERSON_NOUNS:
        return False
    speaks = _SPEAKING_AFTER.match(masked, word.token_end) or _SPEAKING_BEFORE.search(
        masked, max(0, word.start - 30), word.start
    )
    # A word also written in lower case elsewhere is a common word.
    return bool(speaks) and not re.search(r"\b" + re.escape(word.text.lower()) + r"\b", masked)


def _mark_subject(masked: str, mention: _Mention, sentence_starts: tuple[int, ...]) -> _Mention:
    """A mention is a subject when it opens a clause: after the start of a sentence, a comma, a quotation or
    a conjunction ("that", "but", "while" ...), and is neither quoted nor possessive."""
    if mention.in_quote or mention.possessive or mention.compound:
        return mention
    sentence_start = sentence_starts[max(0, bisect.bisect_right(sentence_starts, mention.context_start) - 1)]
    before = masked[max(sentence_start, mention.context_start - 40) : mention.context_start].rstrip()
    at_clause_start = mention.context_start - sentence_start <= 40 and not before
    words = _WORD.findall(before)
    is_subject = (
        at_clause_start
        or (before[-1:] != "" and before[-1] in _SEPARATORS)
        or (words != [] and before.endswith(words[-1]) and words[-1].lower() in SUBJECT_OPENERS)
    )
    return mention._replace(is_subject=True) if is_subject else mention


# --- Finding the attribution of a span ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Attribution:
    """What an attribution says: who (None: something that is not a person), where, and how surely."""

    person: int | None
    evidence_start: int
    evidence_end: int
    factor: float = 0.0
    explanation: str = ""  # how the words name the person: "Kobzev is Vadim Kobzev (...)"
    aside: str = ""  # the words skipped between the subject and its verb


@dataclass(frozen=True)
class _Found:
    attribution: _Attribution
    rule: str
    context: str = ""  # for the continuation rules: where the attribution was found


def _find(a: _Analysis, start: int, end: int, depth: int) -> _Found | None:
    """The rules of the module docstring, in order."""
    found = _attribution_near(a, a.sentence_at(start), a.sentence_at(end - 1), start, end)
    if found is not None:
        return _Found(found, _rule_by_position(found, start, end)) if found.person is not None else None
    if not _is_quotation(a, start, end):
        return None
    continued = _attribution_in_paragraph(a, start, end)
    if continued is not None:
        return continued if continued.attribution.person is not None else None
    return _attribution_in_previous_paragraph(a, start, depth)


def _rule_by_position(found: _Attribution, start: int, end: int) -> str:
    if found.evidence_start >= end:
        return RULE_AFTER
    if found.evidence_end <= start:
        return RULE_BEFORE
    return RULE_WITHIN


def _attribution_near(a: _Analysis, first: int, last: int, start: int, end: int) -> _Attribution | None:
    """The attribution in sentences first..last nearest to [start, end); a reporting verb inside the span
    counts only when there is none outside it. An attribution to no person is returned as such."""
    candidates = []
    for verb in a.verbs_between(a.sentences[first][0], a.sentences[last][1]):
        found = _attribution_of(a, verb)
        if found is not None:
            inside = start <= verb.start < end
            candidates.append((inside, _distance(a, found, start, end), found))
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def _distance(a: _Analysis, found: _Attribution, start: int, end: int) -> int:
    """How far an attribution stands from a span, in code points, not counting the words that bind them."""
    if found.evidence_start >= end:
        gap = a.masked[end : found.evidence_start]
    elif found.evidence_end <= start:
        gap = a.masked[found.evidence_end : start]
    else:
        return 0
    binding = all(w.lower() in LINKING_WORDS for w in _WORD.findall(gap)) and len(_WORD.findall(gap)) <= 1
    return 0 if binding else len(gap.strip())


def _is_quotation(a: _Analysis, start: int, end: int) -> bool:
    """The span is quoted words, or its sentence opens with a quotation mark."""
    if any(low <= start and end <= high for low, high in a.quotes):
        return True
    sentence_start = a.sentences[a.sentence_at(start)][0]
    return a.text[sentence_start:end].lstrip()[:1] in OPENING_QUOTES + '"'


def _attribution_in_paragraph(a: _Analysis, start: int, end: int) -> _Found | None:
    """A quotation with no attribution of its own takes that of the quotations before it in its paragraph,
    or else of the sentence after it."""
    paragraph_start, paragraph_end = a.paragraphs[a.paragraph_at(start)]
    for index in range(a.sentence_at(start) - 1, -1, -1):
        low, high = a.sentences[index]
        if low < paragraph_start:
            break
        found = _attribution_near(a, index, index, *_quotation_of(a, low, high, last=True))
        if found is not None:
            return _Found(found, RULE_PARAGRAPH, "the sentence before it")
        if not _is_quotation(a, low, max(low + 1, high)):
            break
    following = a.sentence_at(end - 1) + 1
    if following < len(a.sentences) and a.sentences[following][0] < paragraph_end:
        low, high = a.sentences[following]
        found = _attribution_near(a, following, following, *_quotation_of(a, low, high, last=False))
        if found is not None:
            return _Found(found, RULE_PARAGRAPH, "the sentence after it")
    return None


def _quotation_of(a: _Analysis, low: int, high: int, *, last: bool) -> tuple[int, int]:
    """The last (or first) quotation of a sentence, or its last (or first) character when it has none."""
    quotes = [(q_low, q_high) for q_low, q_high in a.quotes if low <= q_low < high]
    if quotes:
        return quotes[-1] if last else quotes[0]
    return (max(low, high - 1), high) if last else (low, min(high, low + 1))


def _attribution_in_previous_paragraph(a: _Analysis, start: int, depth: int) -> _Found | None:
    """A paragraph that opens with a quotation and attributes it nowhere continues the paragraph before
    (furniture skipped): its last quotation's speaker, or the speaker announced by a closing colon."""
    index = a.paragraph_at(start)
    low, high = a.paragraphs[index]
    if a.text[low:high].lstrip()[:1] not in OPENING_QUOTES + '"' or depth >= MAX_PARAGRAPHS_BACK:
        return None
    for previous in range(index - 1, -1, -1):
        p_low, p_high = a.paragraphs[previous]
        line = a.text[p_low:p_high].rstrip()
        if previous in a.furniture or not line.strip():
            continue
        quotes = [q for q in a.quotes if p_low <= q[0] < p_high]
        if quotes:
            inner = _find(a, quotes[-1][0], quotes[-1][1], depth + 1)
        elif line.endswith(":"):
            inner = _find(a, p_low + len(line) - 1, p_low + len(line), depth + 1)
        else:
            return None
        if inner is None:
            return None
        attribution = inner.attribution
        evidence = _shorten(a.text[attribution.evidence_start : attribution.evidence_end])
        return _Found(attribution, RULE_PREVIOUS_PARAGRAPH, f'the paragraph before, attributed by "{evidence}"')
    return None


def _present(a: _Analysis, found: _Found) -> SpeakerGuess | None:
    attribution = found.attribution
    if attribution.person is None:
        return None
    evidence = _shorten(a.text[attribution.evidence_start : attribution.evidence_end])
    if found.rule == RULE_PARAGRAPH:
        head = f'{found.rule}: attributed in {found.context}, "{evidence}"'
    elif found.rule == RULE_PREVIOUS_PARAGRAPH:
        head = f"{found.rule}: {found.context}"
    else:
        head = f'{found.rule}: "{evidence}"'
    if attribution.aside:
        head += f' (the aside "{_shorten(attribution.aside, 50)}" skipped)'
    return SpeakerGuess(
        name=a.people[attribution.person].name,
        score=round(RULE_SCORES[found.rule] * attribution.factor, 3),
        reason=f"{head}; {attribution.explanation}",
        evidence_start=attribution.evidence_start,
        evidence_end=attribution.evidence_end,
        rule=found.rule,
    )


def _shorten(value: str, limit: int = 70) -> str:
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    half = limit // 2 - 2
    return value[:half].rsplit(" ", 1)[0] + " … " + value[-half:].split(" ", 1)[-1]


def _words_in(a: _Analysis, low: int, high: int) -> list[tuple[int, int, str]]:
    """The words of the masked text in [low, high), as (start, end, word)."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(a.masked, low, high)]


def _strip_adverbs(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    while words and words[-1][2].lower() in ADVERBS:
        words = words[:-1]
    return words


def _attribution_of(a: _Analysis, verb: _Verb, depth: int = 0) -> _Attribution | None:
    """Who a reporting verb's subject is: read back from the verb to the previous reporting verb or the start
    of the sentence, or forward when the verb comes first ("…,” said Kobzev", "according to ...")."""
    if verb.word.lower() == ACCORDING_TO:
        return _subject_after(a, verb, is_according_to=True)
    sentence_start = a.sentences[a.sentence_at(verb.start)][0]
    previous_verbs = [v for v in a.verbs_between(sentence_start, verb.start) if v.end <= verb.start]
    left = previous_verbs[-1].end if previous_verbs else sentence_start
    words = _strip_adverbs(_words_in(a, left, verb.start))
    tail = a.masked[words[-1][1] : verb.start] if words else a.masked[left : verb.start]
    if (not words or any(char in _SEPARATORS for char in tail)) and verb.word in INVERTING_VERBS:
        inverted = _subject_after(a, verb, is_according_to=False)
        if not words or (inverted is not None and inverted.person is not None):
            return inverted
    if not words:
        return None
    last = words[-1][2].lower()
    if last in BE_FORMS or last in DETERMINERS:
        return None  # a passive ("is considered") or a noun ("their calls for")
    if last in {"and", "or"}:
        # "he warns that ... and believes that": the verbs share their subject.
        if not previous_verbs or depth >= 3:
            return None
        shared = _attribution_of(a, previous_verbs[-1], depth + 1)
        if shared is None or shared.person is None:
            return shared
        first_verb = _shorten(a.text[shared.evidence_start : shared.evidence_end])
        note = f'"{verb.word}" shares its subject with "{first_verb}"; {shared.explanation}'
        return replace(shared, evidence_start=verb.start, evidence_end=verb.end, explanation=note)
    segments = [(m.start(), m.end()) for m in _SEGMENT.finditer(a.masked, left, words[-1][1]) if m.group().strip()]
    if any(char in _SEPARATORS for char in tail):
        return _subject_before_aside(a, segments, verb)
    return _read_subject(a, segments[-1][0], segments[-1][1], verb)


def _subject_before_aside(a: _Analysis, segments: list[tuple[int, int]], verb: _Verb) -> _Attribution | None:
    """ "Navalny, echoing Kobzev, expressed", "Alexei Navalny, who was sentenced ..., calls on": the subject
    stands before one or more asides set off by commas; an aside that is itself a name is the subject
    ("A lawyer for Navalny, Vadim Kobzev, said")."""
    appositive = _read_subject(a, *segments[-1], verb, appositive_only=True)
    if appositive is not None:
        return appositive
    for skipped in range(1, min(4, len(segments))):
        aside_start, aside_end = segments[-skipped]
        words = _words_in(a, aside_start, aside_end)
        if words:
            first = words[0][2]
            lowered = first.lower()
            # "who was sentenced ...", "his wife", "echoing Kobzev", "speaking in Moscow", "in a post on Instagram"
            is_aside = lowered in ASIDE_OPENERS | PREPOSITIONS or (
                first[:1].islower() and first.endswith(("ing", "ed"))
            )
            if not is_aside:
                return None
        found = _read_subject(a, *segments[-skipped - 1], verb)
        if found is not None:
            aside = a.text[aside_start : verb.start].strip().rstrip(",;:\u2014").strip()
            return replace(found, aside=aside)
    return None


def _read_subject(
    a: _Analysis, low: int, high: int, verb: _Verb, *, appositive_only: bool = False
) -> _Attribution | None:
    """Who the subject words in [low, high) name: a person ("Team Navalny lawyer Vadim Kobzev"), a pronoun,
    or a description ("the 47-year-old opponent of the Kremlin and Vladimir Putin")."""
    words = _strip_adverbs(_words_in(a, low, high))
    if not words:
        return None
    last_start, last_end, last_word = words[-1]
    mention = a.mention_by_end.get(last_end)
    if mention is not None and mention.start >= low and not mention.possessive and not mention.compound:
        leading = [w for w in words if w[1] <= max(low, mention.context_start)]
        if not leading:
            return _named(a, mention, mention.start, verb.end)
        if appositive_only:
            return None
        before = leading[-1][2].lower()
        is_object = before in PREPOSITIONS or (before.endswith(("ed", "ing")) and before not in ROLE_NOUNS)
        if before in {"and", "or"}:
            is_object = any(w[2].lower() in PREPOSITIONS for w in leading)
        if not is_object:
            return _named(a, mention, mention.start, verb.end)
        return _described(a, words, verb)
    if appositive_only:
        return None
    if last_word.lower() in PRONOUNS:
        return _pronoun(a, last_start, last_end, verb.start, verb.end)
    if last_word.lower() in NOT_A_PERSON_PRONOUNS:
        return _Attribution(None, last_start, verb.end)
    return _described(a, words, verb)


def _named(a: _Analysis, mention: _Mention, evidence_start: int, evidence_end: int) -> _Attribution:
    person = a.people[mention.person]
    said = a.text[mention.start : mention.end]
    if mention.full:
        return _Attribution(mention.person, evidence_start, evidence_end, NAMED_IN_FULL, f"{said} is named in full")
    if said == person.name:
        note = f"{said} is not named in full in the article"
        return _Attribution(mention.person, evidence_start, evidence_end, SINGLE_NAME, note)
    earlier = any(m.full and m.person == mention.person for m in a.mentions_between(0, mention.start))
    when = "first named" if earlier else "named later"
    where = f' in "{_shorten(person.introduction)}"' if person.introduction != person.name else " in full"
    note = f"{said} is {person.name} ({when}{where})"
    return _Attribution(mention.person, evidence_start, evidence_end, SHORT_NAME, note)


def _pronoun(a: _Analysis, start: int, end: int, evidence_start: int, evidence_end: int) -> _Attribution | None:
    antecedent = _nearest_subject(a, start, exclude=set())
    if antecedent is None:
        return None
    where = _excerpt(a.text, antecedent.context_start, antecedent.end)
    note = (
        f"{a.text[start:end]} is {a.people[antecedent.person].name}, the nearest person named before it "
        f'as a subject ("{where} …")'
    )
    return _Attribution(antecedent.person, min(start, evidence_start), max(end, evidence_end), PRONOUN, note)


def _excerpt(text: str, start: int, end: int, length: int = 45) -> str:
    """text[start:end] and the whole words that follow it, up to about `length` code points."""
    following = text[end : max(end, start + length)].split("\n")[0]
    if end + len(following) < len(text) and following and not text[end + len(following)].isspace():
        following = following.rsplit(" ", 1)[0] if " " in following else ""
    return " ".join(text[start : end + len(following)].split())


def _nearest_subject(a: _Analysis, offset: int, exclude: set[int]) -> _Mention | None:
    for index in range(bisect.bisect_left(a.subject_starts, offset) - 1, -1, -1):
        mention = a.subjects[index]
        if offset - mention.start > ANTECEDENT_REACH:
            return None
        if mention.person not in exclude:
            return mention
    return None


def _described(a: _Analysis, words: list[tuple[int, int, str]], verb: _Verb) -> _Attribution | None:
    """A description as the subject. Its head (the words before a preposition) decides: a group or an
    institution is no person; a role shared with a person's title is that person ("the lawyer"); another
    role is the nearest person named before it as a subject, other than those named in the description."""
    head = []
    for word in words:
        if word[2].lower() in PREPOSITIONS or word[2].lower() in {"that", "who", "which"}:
            break
        head.append(word)
    start, end = words[0][0], words[-1][1]
    evidence_start, evidence_end = min(start, verb.start), max(end, verb.end)
    head_words = {w[2].lower() for w in head}
    if head_words & NON_PERSON_NOUNS:
        return _Attribution(None, evidence_start, evidence_end)
    roles = head_words & ROLE_NOUNS
    if not head or not roles:
        return None
    named_inside = {m.person for m in a.mentions_between(start, end)}
    phrase = _shorten(a.text[head[0][0] : head[-1][1]])
    by_title = [
        m
        for m in a.mentions_between(0, start)
        if m.person not in named_inside and roles & set(a.people[m.person].title.lower().split())
    ]
    if by_title:
        person = a.people[by_title[-1].person]
        note = f'"{phrase}" shares a role with the title of {person.name} ("{_shorten(person.introduction)}")'
        return _Attribution(by_title[-1].person, evidence_start, evidence_end, DESCRIPTION_BY_TITLE, note)
    if roles <= RELATIONAL_ROLES:
        return None  # "the lawyer said" with no lawyer named: whose lawyer is not for us to guess
    # "The mayor said" is not President Vladimir Putin: a person whose title names another role is passed over.
    other_roles = {i for i, person in enumerate(a.people) if _roles_of(person) and not _roles_of(person) & roles}
    antecedent = _nearest_subject(a, start, exclude=named_inside | other_roles)
    if antecedent is None:
        return None
    note = (
        f'"{phrase}" is taken to be {a.people[antecedent.person].name}, the nearest person named before it as a subject'
    )
    if named_inside:
        others = " and ".join(a.people[i].name for i in sorted(named_inside))
        note += f" ({others}: named inside the description, not as the speaker)"
    return _Attribution(antecedent.person, evidence_start, evidence_end, DESCRIPTION_BY_SUBJECT, note)


def _roles_of(person: Person) -> set[str]:
    return set(person.title.lower().split()) & (ROLE_NOUNS | _LOWER_TITLE_WORDS)


_LOWER_TITLE_WORDS = frozenset(word.lower() for word in TITLE_WORDS)


def _subject_after(a: _Analysis, verb: _Verb, *, is_according_to: bool) -> _Attribution | None:
    """The speaker named after the verb: "…,” said Kobzev", "said President Vladimir Putin", "said Navalny's
    lawyer, Vadim Kobzev", "said the lawyer", "according to Team Navalny lawyer Vadim Kobzev"."""
    sentence_end = a.sentences[a.sentence_at(verb.start)][1]
    clause = _SEGMENT.match(a.masked, verb.end, sentence_end)
    if clause is None:
        return None
    words = _words_in(a, clause.start(), clause.end())[:8]
    if not words:
        return None
    if words[0][2].lower() in PRONOUNS:
        return _pronoun(a, words[0][0], words[0][1], verb.start, words[0][1])
    for _, end, word in words:
        mention = a.mention_by_end.get(end)
        if mention is not None and mention.start >= clause.start() and not mention.possessive:
            return _named(a, mention, verb.start, mention.end) if not mention.compound else None
        lowered = word.lower()
        if not (lowered in ROLE_NOUNS | ROLE_MODIFIERS | DETERMINERS or word in TITLE_WORDS or word[:1].isupper()):
            break
    appositive = _appositive_after(a, clause.end(), sentence_end)
    if appositive is not None:
        return _named(a, appositive, verb.start, appositive.end)
    if not is_according_to and not all(_is_noun_phrase_word(word) for _, _, word in words):
        return None  # "X, in prison, said the guards came back": the words after "said" are what was said
    found = _described(a, words, verb)
    if found is None and is_according_to:
        # "According to" names a source: when it is no person we know, there is no speaker to propose.
        return _Attribution(None, verb.start, words[-1][1])
    return found


def _is_noun_phrase_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in DETERMINERS | ROLE_NOUNS | ROLE_MODIFIERS | NON_PERSON_NOUNS or word[:1].isupper()


def _appositive_after(a: _Analysis, position: int, sentence_end: int) -> _Mention | None:
    """A name set off by a comma after a description: "said Navalny's lawyer, Vadim Kobzev"."""
    if a.masked[position : position + 1] != ",":
        return None
    segment = _SEGMENT.match(a.masked, position + 1, sentence_end)
    words = _words_in(a, segment.start(), segment.end()) if segment else []
    mention = a.mention_by_end.get(words[-1][1]) if words else None
    if mention is None or mention.possessive or mention.compound or mention.context_start > words[0][0]:
        return None
    return mention
