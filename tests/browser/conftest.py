"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Chromium is never downloaded (no `playwright install`): the tests use /usr/bin/chromium, skip with
install instructions when it is missing, and fail instead of skipping on CI.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test thread, so Django would raise
# SynchronousOnlyOperation on every ORM call the test makes (loading fixtures, reading articles).
# The tests never touch the database from inside the loop, only between browser calls, so it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: install it with `apt-get install chromium` (or run `make test` as root)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def problems(page):
    """Script errors, console errors and Content-Security-Policy violations in any tab of the test: none is allowed."""
    seen = []
    context = page.context
    context.on("weberror", lambda error: seen.append(f"error: {error.error}"))
    context.on("console", lambda message: message.type == "error" and seen.append(f"console: {message.text}"))
    context.on(
        "console",
        lambda message: "Content Security Policy" in message.text and seen.append(f"csp: {message.text}"),
    )
    yield seen
    assert seen == []
