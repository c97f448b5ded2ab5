"""Re-anchoring benchmark: a 100 KB article with 2,000 claims, revised by scattered edits.

The article is built from the seed articles' own vocabulary, as paragraphs of sentences. Edits work on
words, so the benchmark knows exactly where every claim's words went: a claim whose words were not
touched "survived" and must be recovered at exactly its new offsets.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from annotations import anchoring

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
ARTICLE_SIZE = 100_000
CLAIMS = 2_000


@dataclass
class Token:
    text: str
    edited: bool = False


def vocabulary() -> list[str]:
    words = re.findall(r"\S+", " ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt"))))
    return [w for w in words if not w.startswith(("[", "<", "http", "#", "**"))]


def make_article(rng: random.Random, words: list[str]) -> list[Token]:
    """Paragraphs of 40-120 words separated by newlines, as tokens: words and the spaces after them."""
    tokens: list[Token] = []
    size = 0
    while size < ARTICLE_SIZE:
        for _ in range(rng.randint(40, 120)):
            tokens.append(Token(rng.choice(words)))
            tokens.append(Token(" "))
            size += len(tokens[-2].text) + 1
        tokens[-1] = Token("\n")
    return tokens


def spans(tokens: list[Token]) -> list[int]:
    """Start offset of every token in the joined text (plus the end)."""
    offsets, position = [], 0
    for token in tokens:
        offsets.append(position)
        position += len(token.text)
    offsets.append(position)
    return offsets


def make_claims(rng: random.Random, tokens: list[Token]) -> list[tuple[int, int]]:
    """Claims as token ranges [first word, last word], 3 to 20 words long, anywhere (they may overlap)."""
    words = [i for i, token in enumerate(tokens) if token.text.strip()]
    claims = []
    for _ in range(CLAIMS):
        first = rng.randrange(len(words) - 25)
        length = rng.randint(3, 20)
        claims.append((words[first], words[first + length - 1]))
    return claims


def edit(rng: random.Random, tokens: list[Token], share: float, words: list[str]) -> list[Token]:
    """Replace, delete or insert words at `share` of the word positions, chosen at random."""
    edited = [Token(t.text) for t in tokens]
    positions = [i for i, token in enumerate(edited) if token.text.strip()]
    for index in rng.sample(positions, int(len(positions) * share)):
        kind = rng.choice(("replace", "delete", "insert"))
        token = edited[index]
        if kind == "replace":
            token.text = rng.choice(words)
        elif kind == "delete":
            token.text = ""
        else:
            token.text = f"{rng.choice(words)} {token.text}"
        token.edited = True
    return edited


def delete_half(rng: random.Random, tokens: list[Token]) -> list[Token]:
    """Delete every word of a random half of the paragraphs."""
    paragraphs, current = [], []
    for index, token in enumerate(tokens):
        current.append(index)
        if token.text == "\n":
            paragraphs.append(current)
            current = []
    paragraphs.append(current)
    doomed = {i for paragraph in rng.sample(paragraphs, len(paragraphs) // 2) for i in paragraph}
    return [Token("" if i in doomed else t.text, edited=i in doomed) for i, t in enumerate(tokens)]


@dataclass
class Outcome:
    seconds: list[float]
    survived: int  # claims whose words were not touched
    recovered: int  # ...found at exactly their new offsets
    wrong: int  # ...found anywhere else (must be 0)
    edited: int  # claims with some of their words edited
    edited_in_place: int  # ...relocated to a span overlapping where their words are now
    edited_elsewhere: int  # ...relocated to a span that does not (must be 0)
    edited_orphaned: int
    deleted: int  # claims with every word deleted
    deleted_orphaned: int  # ...made orphans (must be all)


def run_case(name: str, revise, repeats: int = 5, seed: int = 7) -> tuple[str, Outcome]:
    rng = random.Random(seed)
    words = vocabulary()
    tokens = make_article(rng, words)
    claims = make_claims(rng, tokens)
    old_offsets = spans(tokens)
    old_text = "".join(t.text for t in tokens)
    selectors = [anchoring.build_selectors(old_text, old_offsets[a], old_offsets[b + 1]) for a, b in claims]
    new_tokens = revise(rng, tokens, words)
    new_offsets = spans(new_tokens)
    new_text = "".join(t.text for t in new_tokens)

    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        results = anchoring.reanchor(new_text, selectors)
        seconds.append(time.perf_counter() - started)

    counts = dict.fromkeys(Outcome.__dataclass_fields__, 0)
    for (first, last), result in zip(claims, results, strict=True):
        touched = [new_tokens[i].edited for i in range(first, last + 1)]
        expected = (new_offsets[first], new_offsets[last + 1])
        if all(touched) and expected[0] == expected[1]:
            counts["deleted"] += 1
            counts["deleted_orphaned"] += result.is_orphaned
        elif any(touched):
            counts["edited"] += 1
            if result.is_orphaned:
                counts["edited_orphaned"] += 1
            elif result.start < expected[1] and expected[0] < result.end:
                counts["edited_in_place"] += 1
            else:
                counts["edited_elsewhere"] += 1
        else:
            counts["survived"] += 1
            if (result.start, result.end) == expected and not result.is_orphaned:
                counts["recovered"] += 1
            elif not result.is_orphaned:
                counts["wrong"] += 1
    return name, Outcome(**{**counts, "seconds": seconds})


def cases() -> list[tuple[str, Outcome]]:
    return [
        run_case("5% scattered edits", lambda rng, tokens, words: edit(rng, tokens, 0.05, words)),
        run_case("20% scattered edits", lambda rng, tokens, words: edit(rng, tokens, 0.20, words)),
        run_case("half the paragraphs deleted", lambda rng, tokens, words: delete_half(rng, tokens)),
    ]


def main() -> None:
    for name, outcome in cases():
        print(
            f"{name}: median {statistics.median(outcome.seconds):.3f}s (min {min(outcome.seconds):.3f}, max {max(outcome.seconds):.3f}); "
            f"survived {outcome.survived}, recovered {outcome.recovered}, wrong {outcome.wrong}; "
            f"edited {outcome.edited}: in place {outcome.edited_in_place}, elsewhere {outcome.edited_elsewhere}, "
            f"orphaned {outcome.edited_orphaned}; deleted {outcome.deleted}: orphaned {outcome.deleted_orphaned}"
        )


if __name__ == "__main__":
    main()
