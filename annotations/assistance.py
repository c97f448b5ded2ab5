"""Help for the editor, as the API hands it out: sentences worth checking (annotations/suggest.py) and who likely
said a span (annotations/speakers.py), as plain JSON-ready dicts with the evidence quoted."""

from __future__ import annotations

from collections.abc import Iterable

from annotations import speakers, suggest


def suggestions(body_text: str, *, claimed: Iterable[tuple[int, int]] = ()) -> list[dict]:
    """The sentences of the text worth checking, in order, except those overlapping a claim already marked."""
    taken = sorted(claimed)
    return [
        {
            "start": found.start,
            "end": found.end,
            "exact": body_text[found.start : found.end],
            "score": found.score,
            "kinds": list(found.kinds),
            "reasons": list(found.reasons),
            "speaker": speaker(body_text, found.start, found.end),
        }
        for found in suggest.suggest_claims(body_text)
        if not any(start < found.end and found.start < end for start, end in taken)
    ]


def speaker(body_text: str, start: int, end: int) -> dict | None:
    guess = speakers.guess_speaker(body_text, start, end)
    if guess is None:
        return None
    return {
        "name": guess.name,
        "score": guess.score,
        "rule": guess.rule,
        "reason": guess.reason,
        "evidence": {
            "start": guess.evidence_start,
            "end": guess.evidence_end,
            "exact": body_text[guess.evidence_start : guess.evidence_end],
        },
    }
