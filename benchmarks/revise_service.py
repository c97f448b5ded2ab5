"""The whole revision as an editor triggers it: sanitize, extract text, re-anchor, write claims and history.

Runs against a throwaway SQLite database (or DATABASE_URL when set) with the same 100 KB article and
2,000 claims as the anchoring benchmark.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from benchmarks.anchoring import delete_half, edit, make_article, vocabulary


def _html(tokens) -> str:
    paragraphs = "".join(t.text for t in tokens).split("\n")
    return "\n".join(f"<p>{p}</p>" for p in paragraphs if p.strip())


def measure(repeats: int = 5, seed: int = 7) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DJANGO_SQLITE_NAME"] = str(Path(folder) / "bench.sqlite3")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from annotations import anchoring, services
        from annotations.ingest import ArticleInput
        from annotations.models import Claim

        call_command("migrate", verbosity=0)
        rng = random.Random(seed)
        words = vocabulary()
        tokens = make_article(rng, words)
        original = _html(tokens)
        from django.contrib.auth.models import Group

        user, _ = get_user_model().objects.get_or_create(username="bench")
        user.groups.add(Group.objects.get(name="Editors"))
        results = {}
        for name, revise in (
            ("5% scattered edits", lambda: _html(edit(rng, tokens, 0.05, words))),
            ("half the paragraphs deleted", lambda: _html(delete_half(rng, tokens))),
        ):
            article = services.import_article(ArticleInput(title=f"Benchmark {name}", body_html=original)).article
            body = article.body_text
            word_starts = [i for i in range(len(body)) if body[i].strip() and (i == 0 or not body[i - 1].strip())]
            claims = []
            for _ in range(2000):
                first = rng.randrange(len(word_starts) - 25)
                start, end = word_starts[first], word_starts[first + rng.randint(3, 20)] - 1
                selectors = anchoring.build_selectors(body, start, end)
                claims.append(
                    Claim(article=article, verdict="disputed", created_by=user, updated_by=user, **vars(selectors))
                )
            Claim.objects.bulk_create(claims)
            revised = revise()
            seconds = []
            for attempt in range(repeats):
                started = time.perf_counter()
                services.revise_article(article, revised if attempt % 2 == 0 else original, by=user)
                seconds.append(time.perf_counter() - started)
            results[name] = seconds
        return results


if __name__ == "__main__":
    import json

    print(json.dumps(measure()))
