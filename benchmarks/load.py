"""The API and pages under load: gunicorn with 2 workers in production mode on PostgreSQL with 100,000 claims,
driven by wrk from another process on 127.0.0.1.

Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres) and wrk (Debian's
package, /usr/bin/wrk). The benchmark creates a scratch database `factcheck_bench_<pid>`, migrates it, seeds
it with `manage.py seed_bench` (200 articles x 500 claims, then one more article with 200 claims for the
article page), runs VACUUM ANALYZE (what autovacuum would have done on a real database: visibility maps for
index-only scans, fresh statistics), and drops it at the end, whatever happens.

The server is the real production configuration: `python -m gunicorn --config gunicorn.conf.py` with
DJANGO_ENV=production, static files collected into a temporary folder, GUNICORN_WORKERS=2 and the configured
GUNICORN_THREADS (4 by default), bound to a free port on 127.0.0.1. A user in the Editors group with a DRF
token and a database session is made for the runs that need a newsroom role (they see every claim; anonymous
readers see approved claims only).

Each case is first fetched once and checked (status 200, and the JSON or page holds what it should), then
driven by `wrk -t2 -cC -dDs --latency` after a warm-up of a few seconds with the same settings, at 16 and 64
connections: requests per second, p50 and p99 latency, non-2xx responses and socket errors (wrk's timeout is
its default 2 s: a slower answer counts as an error). While it runs, a thread samples the gunicorn workers
(children of the master) every 0.25 s: their peak resident memory (VmHWM in /proc/<pid>/status), their CPU
time, and which workers exist (gunicorn.conf.py replaces a worker after about 200,000 requests). CPU time of the
machine (/proc/stat) and of wrk (getrusage of children) is read around each run, so each case reports where
the 2-core budget went. Each case is one run of BENCH_LOAD_SECONDS (30) per connection count.

Each run also records how wrk's connections are spread over the two workers halfway through (`ss`), and the CPU
seconds of each worker process. gunicorn.conf.py closes each connection after its answer (as behind a proxy), so
wrk reconnects and the kernel spreads the connections; with keep-alive, a gthread worker accepts every connection
it can and keeps it, so one worker may hold all 16 or 64 connections while the other idles. wrk's percentiles are those of the answered requests: requests that timed out
are counted in the socket errors, not in p99.

Then, as comparisons, for a shorter time (COMPARISONS): the same server with keep-alive on (GUNICORN_KEEPALIVE=2)
on (a) and (b); with GUNICORN_THREADS=1 (one request at a time per worker; still the gthread worker, which goes on
accepting connections and queues them) on the headline cases; and with gunicorn's sync worker (`--worker-class
sync`, one connection at a time) on (a) and (b); and with answers not kept (DJANGO_RESPONSE_CACHE=off), so that every
request reads and encodes its claims: the cost of the first request after a change, or of requests that all differ.
In the main runs the same URL is asked again and again with no write in between, so after the first answer each
worker serves the kept one (annotations/freshness.py): one query for the data version instead of the claims.

Prints progress on stderr and, last on stdout, the results as one line of JSON (benchmarks/run.py reads it).
"""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.scratch import Skip, scratch_database
from benchmarks.servers import WORKERS, Server, log

ROOT = Path(__file__).resolve().parent.parent
ARTICLES, CLAIMS_PER_ARTICLE = 200, 500  # 100,000 claims
PAGE_CLAIMS = 200  # the article of the article page
PAGE_SEED = 7  # another random stream than the corpus's, so that article is not a copy of the first one
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "4"))  # gunicorn.conf.py's default GUNICORN_THREADS
# Other server settings, each on some of the cases for a shorter time: (label, worker class, threads, environment,
# cases). gunicorn.conf.py closes each connection after its answer (GUNICORN_KEEPALIVE=0); with keep-alive, a
# gthread worker accepts every connection it can and keeps it, so one worker may hold all of wrk's connections.
# GUNICORN_THREADS=1 keeps the gthread worker; the sync worker answers one connection at a time and closes it.
COMPARISONS = [
    ("gthread, keep-alive 2 s", "gthread", THREADS, {"GUNICORN_KEEPALIVE": "2"}, ("healthz", "claims_token")),
    ("gthread, 1 thread", "gthread", 1, {}, ("healthz", "claims_token", "page_session", "search_token")),
    ("sync", "sync", 1, {}, ("healthz", "claims_token")),
    # Every answer built afresh, as for requests that all differ or while the data changes between them.
    (
        "answers not kept (DJANGO_RESPONSE_CACHE=off)",
        "gthread",
        THREADS,
        {"DJANGO_RESPONSE_CACHE": "off"},
        ("healthz", "claims_token", "page_session", "search_token"),
    ),
]
CONNECTIONS = (16, 64)
WRK_THREADS = 2
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "30"))
WARMUP_SECONDS = int(os.environ.get("BENCH_LOAD_WARMUP", "3"))
COMPARISON_SECONDS = int(os.environ.get("BENCH_LOAD_COMPARISON_SECONDS", "8"))
COMPARISON_WARMUP_SECONDS = 2
WRK_TIMEOUT_SECONDS = 2  # wrk's default
# A word in a few hundred of the 100,000 generated claims (321 with seed_bench's default seed), in no source
# title; the filtered search asks for the disputed ones among them.
SEARCH_WORD = "treasurer"
SEARCH_RANGE = (100, 2000)  # claims the word must match, or the benchmark stops: seed_bench's vocabulary changed
# Targets of the issue, for the rows marked as the headline ones.
TARGET_RATIO = 0.30  # (b) at least 30% of (a)'s requests per second
TARGET_P99_MS = 100.0  # at 16 connections
TARGET_CONNECTIONS = 16
HEADLINE = {"a": "healthz", "b": "claims_token", "c": "page_session", "d": "search_token"}


# Run inside the scratch database, in a child process (benchmarks.load.prepare) so that this process never
# imports Django: it needs the same DJANGO_SECRET_KEY as the server, which signs sessions.


def prepare() -> None:
    """An editor with a token and a session; the article page's article; the counts each check expects.
    Prints them as JSON."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from annotations import roles, search
    from annotations.models import Article, Claim

    user = get_user_model().objects.create_user("load-editor")  # no usable password: it never logs in
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    token = Token.objects.create(user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "annotations.backends.KeptModelBackend"  # the backend a sign-in records
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    article = Article.objects.annotate(claim_count=Count("claims")).get(claim_count=PAGE_CLAIMS)
    approved = Claim.objects.filter(review_state=Claim.ReviewState.APPROVED)
    matches = search.search_claims(Claim.objects.all(), SEARCH_WORD)
    print(
        json.dumps(
            {
                "token": token.key,
                "session": session.session_key,
                "slug": article.slug,
                "page_claims": article.claim_count,
                "page_approved": approved.filter(article=article).count(),
                "claims": Claim.objects.count(),
                "approved": approved.count(),
                "search_matches": matches.count(),
                "search_disputed": matches.filter(verdict=Claim.Verdict.DISPUTED).count(),
            }
        )
    )


def machine_busy_ticks() -> int:
    """CPU ticks the whole machine spent not idle (all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq + steal


TICK = os.sysconf("SC_CLK_TCK")


def background_cores(seconds: float = 3.0) -> float:
    """CPU cores the machine keeps busy while this benchmark does nothing: other work that competes with it."""
    before = machine_busy_ticks()
    time.sleep(seconds)
    return (machine_busy_ticks() - before) / TICK / seconds


# The cases and wrk.


def fetch(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def page_data(body: bytes) -> tuple[list, dict]:
    text = body.decode()

    def script(name: str):
        match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', text, re.S)
        if match is None:
            raise RuntimeError(f"The article page has no {name} script.")
        return json.loads(match[1])

    return script("claims-data"), script("editor-config")


def cases(facts: dict) -> list[dict]:
    """What each case asks for and what its one checked answer must hold."""
    token = {"Authorization": f"Token {facts['token']}"}
    session = {"Cookie": f"sessionid={facts['session']}"}
    page = f"/articles/{facts['slug']}/"
    search = f"/api/v1/claims/?q={SEARCH_WORD}&verdict=disputed"

    def claims(count: int, results: int, approved_only: bool = False):
        def check(body: bytes) -> str:
            data = json.loads(body)
            # Beyond 10,000 matches the count is PostgreSQL's estimate (count_exact false): within 10% is right.
            near = abs(data["count"] - count) <= count * 0.1 if not data["count_exact"] else data["count"] == count
            if not near or len(data["results"]) != results:
                return f"{data['count']} claims ({len(data['results'])} on the page), expected {count} ({results})"
            if approved_only and any(claim["review_state"] != "approved" for claim in data["results"]):
                return "an unapproved claim is shown to an anonymous reader"
            if any(not claim["sources"] for claim in data["results"]):
                return "a claim came without its sources"
            return "ok"

        return check

    def page_check(count: int, newsroom: bool):
        def check(body: bytes) -> str:
            shown, config = page_data(body)
            if len(shown) != count or config["isNewsroom"] is not newsroom:
                return f"{len(shown)} claims, isNewsroom {config['isNewsroom']}; expected {count}, {newsroom}"
            return "ok"

        return check

    return [
        {
            "name": "healthz",
            "label": "(a) /healthz, a view that returns a constant",
            "path": "/healthz",
            "auth": "anonymous",
            "headers": {},
            "check": lambda body: "ok" if body == b"ok\n" else f"answered {body[:40]!r}",
        },
        {
            "name": "claims_anonymous",
            "label": "(b) claim list, 50 claims with their sources, anonymous (approved claims only)",
            "path": "/api/v1/claims/?page_size=50",
            "auth": "anonymous",
            "headers": {},
            "check": claims(facts["approved"], 50, approved_only=True),
        },
        {
            "name": "claims_token",
            "label": "(b) claim list, 50 claims with their sources, an editor's token (every claim)",
            "path": "/api/v1/claims/?page_size=50",
            "auth": "token",
            "headers": token,
            "check": claims(facts["claims"], 50),
        },
        {
            "name": "page_anonymous",
            "label": f"(c) article page, anonymous ({facts['page_approved']} approved of its {PAGE_CLAIMS} claims)",
            "path": page,
            "auth": "anonymous",
            "headers": {},
            "check": page_check(facts["page_approved"], newsroom=False),
        },
        {
            "name": "page_session",
            "label": f"(c) article page, an editor's session (all {PAGE_CLAIMS} claims)",
            "path": page,
            "auth": "session",
            "headers": session,
            "check": page_check(PAGE_CLAIMS, newsroom=True),
        },
        {
            "name": "search_token",
            "label": f"(d) search q={SEARCH_WORD}&verdict=disputed, an editor's token",
            "path": search,
            "auth": "token",
            "headers": token,
            "check": claims(facts["search_disputed"], min(50, facts["search_disputed"])),
        },
    ]


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise ValueError(f"Not a wrk duration: {text!r}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[match[2]]
    return float(match[1]) * scale


def parse_wrk(output: str) -> dict:
    """The figures of `wrk --latency`'s report."""
    percentiles = {
        int(match[1]): parse_duration_ms(match[2]) for match in re.finditer(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M)
    }
    total = re.search(r"^\s*(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output, re.M)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not percentiles or total is None or rate is None:
        raise RuntimeError(f"Could not read wrk's report:\n{output}")
    socket_errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if found:
        socket_errors = dict(zip(socket_errors, map(int, found.groups()), strict=True))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    non_2xx_count = int(non_2xx[1]) if non_2xx else 0
    requests = int(total[1])
    # wrk counts as a timeout each answer slower than its timeout (left out of the latency histogram) and,
    # every 2 s, each connection still waiting longer than that; when nothing was answered in time, wrk prints
    # zeros for the percentiles.
    timeouts = socket_errors["timeout"]
    answered_in_time = requests > timeouts
    return {
        "requests_per_second": float(rate[1]),
        "requests": requests,
        "p50_ms": percentiles[50] if answered_in_time else None,
        "p75_ms": percentiles.get(75) if answered_in_time else None,
        "p90_ms": percentiles.get(90) if answered_in_time else None,
        "p99_ms": percentiles[99] if answered_in_time else None,
        # When more than 1% of the requests timed out, the true p99 is beyond the timeout.
        "p99_beyond_timeout": timeouts > 0.01 * requests,
        "non_2xx": non_2xx_count,
        "socket_errors": socket_errors,
        "errors": non_2xx_count + sum(socket_errors.values()),
        "data_read": total[3],
    }


def wrk(url: str, connections: int, seconds: int, headers: dict[str, str]) -> str:
    command = [shutil.which("wrk") or "wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False, cwd=ROOT
    )
    if result.returncode:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return result.stdout


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def connections_by_worker(server: Server) -> list[int] | None:
    """How many of the client's connections each worker holds (from `ss`), most first."""
    ss = shutil.which("ss")
    if ss is None:
        return None
    command = [ss, "-tnpH", "state", "established", f"( sport = :{server.port} )"]
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False).stdout
    except subprocess.TimeoutExpired:
        return None
    workers = set(server.workers())
    counts = dict.fromkeys(workers, 0)
    for pid in map(int, re.findall(r"pid=(\d+)", output)):
        if pid in workers:
            counts[pid] += 1
    return sorted(counts.values(), reverse=True)


def milliseconds(value: float | None) -> str:
    return "   (none)" if value is None else f"{value:7.2f} ms"


def run_case(server: Server, case: dict, connections: int, seconds: int, warmup: int) -> dict:
    url = server.base + case["path"]
    wrk(url, connections, warmup, case["headers"])
    workers_before = server.sampler.mark()
    busy_before, wrk_before = machine_busy_ticks(), children_cpu_seconds()
    # With keep-alive, gthread workers accept connections greedily and keep them: halfway through the run, how
    # the client's connections are spread over the workers.
    spread: dict[str, list[int] | None] = {}
    midway = threading.Timer(seconds / 2, lambda: spread.update(counts=connections_by_worker(server)))
    midway.start()
    started = time.perf_counter()
    try:
        output = wrk(url, connections, seconds, case["headers"])
    finally:
        midway.cancel()
        midway.join()
    wall = time.perf_counter() - started
    busy_after, wrk_after = machine_busy_ticks(), children_cpu_seconds()
    workers_after = server.sampler.mark()
    # A worker replaced during the run loses at most its last sample interval of CPU time.
    by_worker = sorted(
        ((ticks - workers_before.get(pid, 0)) / TICK for pid, ticks in workers_after.items()), reverse=True
    )
    by_worker = [value for value in by_worker if value > 0]
    workers_cpu = sum(by_worker)
    machine = (busy_after - busy_before) / TICK
    wrk_cpu = wrk_after - wrk_before
    figures = parse_wrk(output)
    figures |= {
        "connections": connections,
        "seconds": seconds,
        "workers_started": len(set(workers_after) - set(workers_before)),
        "connections_by_worker_midway": spread.get("counts"),
        "cpu_seconds": {
            "machine": machine,
            "gunicorn_workers": workers_cpu,
            "by_worker_process": by_worker,
            "wrk": wrk_cpu,
            "postgres_and_other": max(0.0, machine - workers_cpu - wrk_cpu),
            "available": wall * (os.cpu_count() or 1),
        },
    }
    log(
        f"  {case['name']:<17} c={connections:<3} {figures['requests_per_second']:8.1f} req/s  "
        f"p50 {milliseconds(figures['p50_ms'])}  p99 {milliseconds(figures['p99_ms'])}  errors {figures['errors']}  "
        f"(CPU s: workers {workers_cpu:.0f}, wrk {wrk_cpu:.0f}, postgres+other {figures['cpu_seconds']['postgres_and_other']:.0f}"
        f" of {figures['cpu_seconds']['available']:.0f}; connections by worker {spread.get('counts')}; "
        f"{figures['workers_started']} workers started)"
    )
    return figures


def check_cases(server: Server, chosen: list[dict]) -> dict[str, dict]:
    checked = {}
    for case in chosen:
        status, body = fetch(server.base + case["path"], case["headers"])
        verdict = case["check"](body) if status == 200 else f"status {status}"
        if verdict != "ok":
            raise RuntimeError(f"{case['name']} ({case['path']}): {verdict}")
        checked[case["name"]] = {"bytes": len(body), "check": verdict}
    return checked


def drive(server: Server, chosen: list[dict], seconds: int, warmup: int) -> dict:
    checked = check_cases(server, chosen)
    results = {}
    for case in chosen:
        rows = {str(c): run_case(server, case, c, seconds, warmup) for c in CONNECTIONS}
        results[case["name"]] = {
            "label": case["label"],
            "path": case["path"],
            "auth": case["auth"],
            "response_bytes": checked[case["name"]]["bytes"],
            "by_connections": rows,
        }
    if server.process.poll() is not None:
        raise RuntimeError(f"gunicorn stopped during the load:\n{server.error_log()}")
    return results


def summary(results: dict) -> dict:
    """The issue's targets on the headline rows: (b) at least 30% of (a), p99 under 100 ms at 16
    connections, zero errors."""
    c = str(TARGET_CONNECTIONS)
    ceiling = results[HEADLINE["a"]]["by_connections"]
    ratios = {
        connections: results[HEADLINE["b"]]["by_connections"][connections]["requests_per_second"]
        / ceiling[connections]["requests_per_second"]
        for connections in ceiling
    }
    at_16 = {key: results[name]["by_connections"][c] for key, name in HEADLINE.items() if name in results}
    errors = sum(row["errors"] for case in results.values() for row in case["by_connections"].values())
    return {
        "b_over_a": ratios,
        "b_over_a_met": ratios[c] >= TARGET_RATIO,
        "p99_ms_at_16": {key: row["p99_ms"] for key, row in at_16.items()},
        "p99_met_at_16": {
            key: row["p99_ms"] is not None and row["p99_ms"] < TARGET_P99_MS and not row["p99_beyond_timeout"]
            for key, row in at_16.items()
        },
        "errors": errors,
        "errors_met": errors == 0,
    }


def measure() -> dict:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (Debian package wrk)."}
    try:
        with scratch_database("factcheck-load-") as scratch, memory_folder("factcheck-cache-") as cache:
            import psycopg2

            return _measure(psycopg2, scratch.url, scratch.folder, Path(cache)) | {"postgres": scratch.version}
    except Skip as reason:
        return {"skipped": str(reason)}


def memory_folder(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder in memory (tmpfs) where the machine has one, as the README advises for DJANGO_CACHE_DIR
    (the throttles write a file on every API request; on this machine's disk that cost 0.6 ms, on tmpfs 0.09)."""
    return tempfile.TemporaryDirectory(prefix=prefix, dir="/dev/shm" if os.path.isdir("/dev/shm") else None)


def _measure(psycopg2, url: str, folder: Path, cache: Path) -> dict:
    started = time.perf_counter()
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    secret = secrets.token_urlsafe(50)
    # Development settings (seed_bench refuses production) with DEBUG off, and the server's secret key,
    # which signs the session made by prepare().
    env = base | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secret,
    }
    production = env | {
        "DJANGO_ENV": "production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_CACHE_DIR": str(cache),
        # The throttles run and count as in production (their cache is part of each request's cost), with a rate
        # wrk's one user cannot reach; a one-second window keeps their list of recent requests production-sized.
        "DJANGO_THROTTLE_USER": "1000000/second",
        "DJANGO_THROTTLE_ANON": "1000000/second",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]

    def run(command: list[str], environment: dict[str, str]) -> str:
        result = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=900)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command[1:4])}... failed:\n{(result.stderr or result.stdout)[-3000:]}")
        return result.stdout

    log(f"Migrating {url} ...")
    run([*manage, "migrate", "--noinput", "-v0"], env)
    log(f"Seeding {ARTICLES * CLAIMS_PER_ARTICLE:,} claims, then one article with {PAGE_CLAIMS} ...")
    seed_started = time.perf_counter()
    run([*manage, "seed_bench", "--articles", str(ARTICLES), "--claims-per-article", str(CLAIMS_PER_ARTICLE)], env)
    run(
        [*manage, "seed_bench", "--articles", "1", "--claims-per-article", str(PAGE_CLAIMS), "--seed", str(PAGE_SEED)],
        env,
    )
    seed_seconds = time.perf_counter() - seed_started
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*), pg_database_size(current_database()) FROM annotations_source")
        sources, database_bytes = cursor.fetchone()
    connection.close()
    facts = json.loads(
        run([sys.executable, "-c", "from benchmarks.load import prepare; prepare()"], env).splitlines()[-1]
    )
    if not SEARCH_RANGE[0] <= facts["search_matches"] <= SEARCH_RANGE[1]:
        raise RuntimeError(f"'{SEARCH_WORD}' matches {facts['search_matches']} claims: pick another SEARCH_WORD.")
    log("Collecting static files ...")
    run([*manage, "collectstatic", "--noinput", "-v0"], production)
    chosen = cases(facts)
    prepared = time.perf_counter() - started
    background = background_cores()
    log(f"Other work on the machine before the load: {background:.2f} of {os.cpu_count()} cores busy.")

    log(f"gunicorn, {WORKERS} workers x {THREADS} threads; wrk -t{WRK_THREADS} {SECONDS} s per run ...")
    with Server(production, THREADS, folder) as server:
        results = drive(server, chosen, SECONDS, WARMUP_SECONDS)
        memory = server.memory()
    log(f"  worker memory after the load: {memory}")

    comparisons = []
    for label, worker_class, threads, extra, names in COMPARISONS:
        subset = [case for case in chosen if case["name"] in names]
        log(f"Comparison: {WORKERS} workers, {label}, {COMPARISON_SECONDS} s per run ...")
        with Server(production | extra, threads, folder, worker_class) as server:
            compared = drive(server, subset, COMPARISON_SECONDS, COMPARISON_WARMUP_SECONDS)
            compared_memory = server.memory()
        log(f"  worker memory after the load: {compared_memory}")
        comparisons.append(
            {
                "label": label,
                "worker_class": worker_class,
                "threads": threads,
                "environment": extra,
                "seconds": COMPARISON_SECONDS,
                "warmup_seconds": COMPARISON_WARMUP_SECONDS,
                "results": compared,
                "summary": summary(compared),
                "memory": compared_memory,
            }
        )

    return {
        "claims": facts["claims"],
        "approved": facts["approved"],
        "sources": sources,
        "articles": ARTICLES + 1,
        "database_mb": database_bytes / 2**20,
        "seed_seconds": seed_seconds,
        "cpus": os.cpu_count(),
        # Busy cores before the load, when nothing of the benchmark runs: above ~0.1, other work competed.
        "background_cpu_cores": background,
        "article": {"slug": facts["slug"], "claims": facts["page_claims"], "approved": facts["page_approved"]},
        "search": {
            "word": SEARCH_WORD,
            "matches": facts["search_matches"],
            "matches_disputed": facts["search_disputed"],
        },
        "server": {
            "command": "python -m gunicorn --config gunicorn.conf.py (DJANGO_ENV=production)",
            "worker_class": "gthread",
            "workers": WORKERS,
            "threads": THREADS,
        },
        "wrk": {
            "threads": WRK_THREADS,
            "seconds": SECONDS,
            "warmup_seconds": WARMUP_SECONDS,
            "timeout_seconds": WRK_TIMEOUT_SECONDS,
            "connections": list(CONNECTIONS),
        },
        "headline": HEADLINE,
        "targets": {"b_over_a": TARGET_RATIO, "p99_ms": TARGET_P99_MS, "connections": TARGET_CONNECTIONS},
        "results": results,
        "summary": summary(results),
        "memory": memory,
        "comparisons": comparisons,
        "setup_seconds": prepared,
        "total_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure()))
