"""How well the editor's help works: claim suggestions (annotations/suggest.py) against the sentences a
fact-checker labelled in the seed articles (tests/labelled/claims.json), speaker detection (annotations/speakers.py)
against the labelled quotes (tests/labelled/speakers.json), the same claim across articles (annotations/similar.py)
against labelled pairs of passages (tests/labelled/same_claims.json), and how long each takes.

Pure Python on the fixture's texts: no database. `python -m benchmarks.suggestions` prints one line of JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from annotations import meaning, similar, speakers, suggest
from tests.labelled import ARTICLES, held_out, labelled

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def timed(function, *args) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return times


def quality(texts: dict, claims: dict, quotes: dict) -> tuple[dict, dict]:
    """Suggestions and speaker guesses against a labelled set, by article."""
    suggestion_rows, speaker_rows = {}, {}
    for slug, labels in claims.items():
        body = texts[slug]
        result = suggest.evaluate(suggest.suggest_claims(body), suggest.locate_labels(body, labels["claims"]))
        keys = ("precision", "recall", "true_positives", "false_positives", "false_negatives")
        suggestion_rows[slug] = {key: result[key] for key in keys} | {"sentences": len(suggest.sentences(body))}
    for slug, quoted in quotes.items():
        result = speakers.accuracy(texts[slug], quoted)
        speaker_rows[slug] = {"correct": result["correct"], "total": result["total"], "accuracy": result["accuracy"]}
    return suggestion_rows, speaker_rows


def meaning_figures(texts: dict, pairs: dict) -> dict:
    """The optional model (`make semantic`) on the labelled pairs, and how long it takes to load."""
    started = time.perf_counter()
    meaning.similarity("load", ["the model"])
    loaded = time.perf_counter() - started
    result = similar.evaluate(
        texts,
        similar.locate_pairs(texts, pairs["same"]),
        similar.locate_pairs(texts, pairs["different"]),
        meaning=meaning.similarity,
    )
    keys = ("precision", "recall", "true_positives", "false_positives", "false_negatives")
    return {key: result[key] for key in keys} | {"load_seconds": loaded}


def cold_meaning(claim: str, corpus: list) -> None:
    """One claim with the model, none of the sentences' embeddings kept from before (the model loaded)."""
    meaning._embeddings.clear()
    similar.passages_like(claim, corpus, meaning=meaning.similarity)


def distinct(text: str, number: int) -> str:
    """The text with a number in every sentence, so that no two articles share a sentence the model would embed
    only once."""
    pieces, position = [], 0
    for index, span in enumerate(suggest.sentences(text)):
        pieces += [text[position : span.end - 1], f" {number}-{index}", text[span.end - 1 : span.end]]
        position = span.end
    return "".join(pieces) + text[position:]


def measure() -> dict:
    texts, claims, quotes = ARTICLES, labelled("claims"), labelled("speakers")
    suggestion_rows, speaker_rows = quality(texts, claims, quotes)
    unseen = held_out()
    held_suggestions, held_speakers = quality(unseen["articles"], unseen["claims"], unseen["speakers"])
    pairs = labelled("same_claims")
    matching = similar.evaluate(
        texts, similar.locate_pairs(texts, pairs["same"]), similar.locate_pairs(texts, pairs["different"])
    )
    with_meaning = meaning_figures(texts, pairs) if meaning.available() else None
    big = "\n\n".join(texts.values())
    big = (big + "\n\n") * (100_000 // len(big) + 1)
    quote = big.index("Kobzev tweeted")
    corpus = [(n, big[: 5 * 1024]) for n in range(1_000)]  # 1,000 articles of 5 KB
    claim = texts[next(iter(texts))][:200]
    return {
        "suggestions": suggestion_rows,
        "speakers": speaker_rows,
        "held_out": {"suggestions": held_suggestions, "speakers": held_speakers},
        "same_claims": {
            key: matching[key]
            for key in ("precision", "recall", "true_positives", "false_positives", "false_negatives")
        }
        | {"same_pairs": len(pairs["same"]), "different_pairs": len(pairs["different"])},
        "similar_seconds": timed(similar.passages_like, claim, corpus),
        "meaning": with_meaning
        and with_meaning
        | {"similar_seconds": timed(cold_meaning, claim, [(n, distinct(text, n)) for n, text in corpus])},
        "text_kb": len(big.encode()) // 1024,
        "suggest_seconds": timed(suggest.suggest_claims, big),
        # A fresh text each run: the first guess on a text analyses it whole (later ones are cached).
        "speaker_first_seconds": [
            timed(speakers.guess_speaker, big + " " * n, quote - 60, quote)[0] for n in range(RUNS)
        ],
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure()))
