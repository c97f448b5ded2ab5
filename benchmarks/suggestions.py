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

from annotations import similar, speakers, suggest
from tests.labelled import ARTICLES, labelled

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def timed(function, *args) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return times


def measure() -> dict:
    texts, claims, quotes = ARTICLES, labelled("claims"), labelled("speakers")
    suggestion_rows, speaker_rows = {}, {}
    for slug, labels in claims.items():
        body = texts[slug]
        result = suggest.evaluate(suggest.suggest_claims(body), suggest.locate_labels(body, labels["claims"]))
        suggestion_rows[slug] = {key: result[key] for key in ("precision", "recall", "true_positives",
                                                            "false_positives", "false_negatives")}  # fmt: skip
        suggestion_rows[slug]["sentences"] = len(suggest.sentences(body))
    for slug, quoted in quotes.items():
        result = speakers.accuracy(texts[slug], quoted)
        speaker_rows[slug] = {"correct": result["correct"], "total": result["total"], "accuracy": result["accuracy"]}
    pairs = labelled("same_claims")
    matching = similar.evaluate(
        texts, similar.locate_pairs(texts, pairs["same"]), similar.locate_pairs(texts, pairs["different"])
    )
    big = "\n\n".join(texts.values())
    big = (big + "\n\n") * (100_000 // len(big) + 1)
    quote = big.index("Kobzev tweeted")
    corpus = [(n, big[: 5 * 1024]) for n in range(1_000)]  # 1,000 articles of 5 KB
    claim = texts[next(iter(texts))][:200]
    return {
        "suggestions": suggestion_rows,
        "speakers": speaker_rows,
        "same_claims": {
            key: matching[key]
            for key in ("precision", "recall", "true_positives", "false_positives", "false_negatives")
        }
        | {"same_pairs": len(pairs["same"]), "different_pairs": len(pairs["different"])},
        "similar_seconds": timed(similar.passages_like, claim, corpus),
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
