"""Editor benchmark: an article with 500 claims, opened in headless Chromium; when are all highlights drawn?

Measured in the page with performance.now(): from navigation start to the end of drawing (the figure the
target is about), and the drawing alone. The app is served by Django's WSGI handler with static files, on
127.0.0.1, from a throwaway SQLite database.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

CLAIMS = 500
RUNS = 7
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def measure(seed: int = 5) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DJANGO_SQLITE_NAME"] = str(Path(folder) / "editor-bench.sqlite3")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
        os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
        os.environ["DJANGO_RESPONSE_CACHE"] = "off"  # every load builds the page, as the first after a change does
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command
        from playwright.sync_api import sync_playwright

        from annotations import anchoring, services
        from annotations.ingest import ArticleInput
        from annotations.models import Claim
        from benchmarks.anchoring import vocabulary

        call_command("migrate", verbosity=0)
        rng = random.Random(seed)
        words = vocabulary()
        paragraphs = [" ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) for _ in range(60)]
        html = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        article = services.import_article(ArticleInput(title="Editor benchmark", body_html=html)).article
        user = get_user_model().objects.create(username="bench")
        text = article.body_text
        starts = [i for i in range(len(text)) if text[i].strip() and (i == 0 or not text[i - 1].strip())]
        claims = []
        for _ in range(CLAIMS):
            first = rng.randrange(len(starts) - 25)
            end = starts[first + rng.randint(3, 20)] - 1
            selectors = anchoring.build_selectors(text, starts[first], end)
            claims.append(Claim(article=article, verdict=rng.choice(Claim.Verdict.values), review_state="approved",
                                created_by=user, updated_by=user, **vars(selectors)))  # fmt: skip
        Claim.objects.bulk_create(claims)

        server = make_server("127.0.0.1", 0, StaticFilesHandler(WSGIHandler()), handler_class=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}/articles/{article.slug}/"
        loaded, drawing, response = [], [], []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(url)  # warm up: static files cached, as for an editor opening a second article
                for _ in range(RUNS):
                    page.goto(url)
                    page.wait_for_selector("html[data-editor-ready]")
                    assert page.locator("mark.hl").count() >= CLAIMS
                    loaded.append(page.evaluate("window.factcheckHighlightsDrawnAt"))
                    drawing.append(page.evaluate("window.factcheckHighlightsDrawnMs"))
                    response.append(page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd"))
                browser.close()
        finally:
            server.shutdown()
        return {
            "page load to all highlights drawn": loaded,
            "of which the server's answer (responseEnd)": response,
            "drawing alone": drawing,
        }


if __name__ == "__main__":
    import json

    print(json.dumps(measure()))
