"""The seed articles' texts and the sets labelled on them (README.md), for the tests and benchmarks/suggestions.py."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
JAIL = "from-jail-navalny-urges-russians-to-vote-out-pro-kremlin-candidates"
PRISON = "from-prison-navalny-urges-russians-to-vote-against-kremlin-candidates-on-september-10"

# body_text of each seed article, by slug, as fixtures/articles.json has it.
ARTICLES = {
    entry["fields"]["slug"]: entry["fields"]["body_text"]
    for entry in json.loads((ROOT / "fixtures" / "articles.json").read_text(encoding="utf-8"))
}


def labelled(name: str) -> dict:
    """A labelled set (claims, speakers, same_claims) without its "_about" notes."""
    data = json.loads((ROOT / "tests" / "labelled" / f"{name}.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def held_out() -> dict:
    """The held-out set (held_out.json): its texts by slug, with claims and speakers labelled on them."""
    return labelled("held_out")
