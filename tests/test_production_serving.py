"""Production serving: gunicorn with WhiteNoise, started here on 127.0.0.1 and stopped after.

Static files come from the app, compressed, cached for a year under hashed names, and the editor's module
imports point at the hashed names too; pages answer through gunicorn in production mode.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ANON_RATE = 12  # API requests a minute per anonymous address, for the throttling test


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_BEHIND_TLS_PROXY": "true",  # X-Forwarded-Proto: https then stands for a TLS proxy in front
        "DJANGO_CACHE_DIR": str(folder / "cache"),
        "DJANGO_SQLITE_NAME": str(folder / "db.sqlite3"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",  # two processes, which must share the throttles' counts
        "DJANGO_THROTTLE_ANON": f"{ANON_RATE}/minute",
        "DATABASE_URL": "",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base, folder / "static"
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str, **headers: str):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)


def test_pages_answer_through_gunicorn_in_production_mode(server):
    base, _ = server
    assert get(base + "/").status == 200
    assert get(base + "/annotations/").headers["Content-Type"].startswith("application/ld+json")


def test_static_files_are_hashed_compressed_and_cached_for_a_year(server):
    base, _ = server
    page = get(base + "/").read().decode()
    css = re.search(r'href="(/static/annotations/site\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the hashed stylesheet"
    response = get(base + css[1], **{"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]


def test_the_editors_module_imports_point_at_hashed_files(server):
    _, static = server
    (editor,) = [
        path for path in (static / "annotations").glob("editor.*.js") if re.search(r"\.[0-9a-f]{12}\.js$", path.name)
    ]
    imports = re.findall(r'from\s+"(\./[^"]+)"', editor.read_text())
    assert imports
    assert all(re.search(r"\.[0-9a-f]{12}\.js$", name) for name in imports), imports


def test_behind_tls_the_answers_carry_hsts_and_the_cookies_are_secure_and_http_only(server):
    base, _ = server
    response = get(base + "/accounts/login/", **{"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    (cookie,) = response.headers.get_all("Set-Cookie")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith("csrftoken=")
    assert {"secure", "httponly", "samesite"} <= attributes


def test_api_throttle_counts_are_shared_by_the_workers(server):
    """Two gunicorn workers answer on separate connections; an anonymous client gets the rate in all, not per
    worker (which would let twice as many through), then 429. Runs last: it uses up this address's rate."""
    base, _ = server
    statuses, waits = [], []
    for _ in range(2 * ANON_RATE):
        try:
            statuses.append(get(base + "/api/v1/articles/").status)
        except urllib.error.HTTPError as refused:
            statuses.append(refused.code)
            waits.append(refused.headers["Retry-After"])
    assert statuses.count(200) <= ANON_RATE  # earlier tests of this module used some of the rate
    assert statuses[-ANON_RATE:] == [429] * ANON_RATE
    assert all(wait and 0 < int(wait) <= 60 for wait in waits)
