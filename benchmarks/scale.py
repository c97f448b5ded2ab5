"""The scale curve: the claim list, a filtered list and a search at 10,000, 100,000 and 1,000,000 claims.

Needs PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) names a server and
a database to connect to; the benchmark creates a scratch database `factcheck_bench_<pid>` there, migrates
it and drops it at the end, whatever happens. It grows the corpus in steps with `manage.py seed_bench`
(which appends new bench articles of 500 claims; each step with its own seed): 10,000 claims, measure,
90,000 more, measure, 900,000 more, measure. After each step, VACUUM ANALYZE: what autovacuum does to a real
database after a while (fresh statistics, visibility maps for index-only scans), and not in the middle of a
measurement.

Each request goes through Django in this process with the test client (django.test.Client): the whole
request (middleware, token authentication, filters, pagination, serialization, JSON rendering) with
production settings (DJANGO_ENV=production, DEBUG off) but no answer kept (DJANGO_RESPONSE_CACHE=off: every
request reads the database, as the first one after a change does), without HTTP or a server: the curve is the app's and
the database's, not gunicorn's (benchmarks/load.py measures under load). The client sends an editor's DRF
token, so every claim is visible (anonymous readers see the approved ones only). Each query is requested a
few times to warm up, then REQUESTS times, the queries in turn so that a slower moment of the machine hits
each of them; each figure is the median with min and max. The time spent in the database (the wall time of
each SQL statement, from an execute wrapper) is reported beside it.

The deep pages (`&page=` the last page) are measured the same way and reported apart: OFFSET paging reads and
skips every row before the page, so their time is expected to grow with the corpus.

A query is flat when its median at the largest size is within 2x of its median at the smallest. For each
query that is not, the result carries EXPLAIN (ANALYZE, BUFFERS) of its SQL statements (those on the app's
tables) at the smallest and largest sizes.

Prints progress on stderr and, last on stdout, the results as one line of JSON (benchmarks/run.py reads it).
"""

from __future__ import annotations

import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.scratch import Skip, scratch_database

ROOT = Path(__file__).resolve().parent.parent
CLAIMS_PER_ARTICLE = 500
# The corpus's sizes, each reached by seeding the difference (BENCH_SCALE_SIZES=10000,100000 for a short run).
SIZES = [int(size) for size in os.environ.get("BENCH_SCALE_SIZES", "10000,100000,1000000").split(",")]
REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "30"))
WARMUP = 3
DEEP_MIN_REQUESTS = 5
DEEP_BUDGET_SECONDS = 90  # per size: the deep pages stop after this, once each has DEEP_MIN_REQUESTS
PAGE_SIZE = 50
# A word in about 0.3% of the generated claims (321 of 100,000) and in no source title (benchmarks/load.py
# searches for it too): its matches grow with the corpus, about 30, 300 and 3,000.
SEARCH_WORD = "treasurer"
QUERIES = {
    "list": f"/api/v1/claims/?page_size={PAGE_SIZE}",
    "filtered": f"/api/v1/claims/?verdict=disputed&review_state=approved&page_size={PAGE_SIZE}",
    "search": f"/api/v1/claims/?q={SEARCH_WORD}&page_size={PAGE_SIZE}",
}
TARGET_RATIO = 2.0  # the largest size's median over the smallest's (issue: within 2x from 10k to 1M)
# Where the time goes: cProfile over this many requests of each query, at the size nearest PROFILE_SIZE.
PROFILE_REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "200"))
PROFILE_SIZE = 100_000
PROFILE_TOP = 12
# Layers of a request, by the file of each function (cProfile's own time of each function, summed).
LAYERS = [
    ("database", "PostgreSQL and its driver: sending SQL, waiting for the answer, reading rows (psycopg2)"),
    ("orm", "Django's ORM: building SQL, turning rows into values (django/db)"),
    ("drf", "DRF, django-filter and Django forms: the view, filters, pagination (rest_framework, django_filters)"),
    ("django", "Django's request handling: middleware, URL routing, the response (django, other)"),
    ("ours", "This project's code: the claim rows and their JSON (annotations/)"),
    ("json", "JSON encoding (orjson)"),
    ("python", "Python's standard library and built-ins (copying, dates, strings)"),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def background_cores(seconds: float = 3.0) -> float:
    """CPU cores the machine keeps busy while this benchmark does nothing: other work that competes with it."""

    def busy() -> int:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
        return user + nice + system + irq + softirq + steal

    before = busy()
    time.sleep(seconds)
    return (busy() - before) / os.sysconf("SC_CLK_TCK") / seconds


def measure() -> dict:
    try:
        with scratch_database("factcheck-scale-") as scratch:
            import psycopg2

            return _measure(psycopg2, scratch.url, scratch.folder) | {"postgres": scratch.version}
    except Skip as reason:
        return {"skipped": str(reason)}


class SqlTimer:
    """An execute wrapper: the wall time, SQL and parameters of each statement of a request."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - started))


def statement_kind(sql: str) -> str:
    """A short name for a statement of the claim list: what it reads."""
    head = sql.lstrip()[:60].upper()
    if "AUTHTOKEN" in sql[:200].upper() or '"AUTH_' in sql[:120].upper():
        return "auth"
    if head.startswith("SELECT COUNT"):
        return "count"
    if head.startswith("EXPLAIN"):
        return "estimate"  # the planner's estimate of a count beyond the limit (annotations/api/pagination.py)
    if '"annotations_source"."id"' in sql[:80]:
        return "sources"
    if '"annotations_claim"."id"' in sql[:80]:
        return "claims"
    return "other"


def layer_of(filename: str, function: str) -> str:
    if filename == "~":  # a built-in: its name says whose
        return "database" if "psycopg2" in function else "json" if "orjson" in function else "python"
    for marker, layer in (
        ("/django/db/", "orm"),
        ("/rest_framework/", "drf"),
        ("/django_filters/", "drf"),
        ("/django/forms/", "drf"),
        ("/psycopg2/", "database"),
        ("/django/", "django"),
        (str(ROOT / "annotations") + "/", "ours"),
    ):
        if marker in filename:
            return layer
    return "python"


def profile(fetch, paths: dict[str, str], requests: int) -> dict:
    """cProfile over `requests` requests of each path: milliseconds per request in each layer and in the functions
    that take the most time themselves. The profiler slows Python code (not the database), so the shares of the
    Python layers are overstated; the wall time without the profiler is given beside them."""
    import cProfile
    import pstats

    def ok(path: str) -> None:  # a refusal (a 429, say) would profile the wrong work
        response = fetch(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} while profiling")

    profiled = {}
    for name, path in paths.items():
        for _ in range(WARMUP):
            ok(path)
        walls = []
        for _ in range(requests):
            began = time.perf_counter()
            ok(path)
            walls.append((time.perf_counter() - began) * 1000)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            ok(path)
        profiler.disable()
        stats = pstats.Stats(profiler).stats
        layers = dict.fromkeys((layer for layer, _ in LAYERS), 0.0)
        functions = []
        for (filename, line, function), (_, calls, own, _, _) in stats.items():
            layers[layer_of(filename, function)] += own
            if filename == "~":
                where = function
            else:
                where = f"{filename.split('site-packages/')[-1].replace(str(ROOT) + '/', '')}:{line}({function})"
            functions.append((own, calls, where))
        functions.sort(reverse=True)
        total = sum(layers.values())
        profiled[name] = {
            "path": path,
            "requests": requests,
            "wall_ms_without_profiler": spread(walls),
            "profiled_ms": total * 1000 / requests,
            "layers_ms": {layer: seconds * 1000 / requests for layer, seconds in layers.items()},
            "top": [
                {"function": where, "calls": calls / requests, "ms": own * 1000 / requests}
                for own, calls, where in functions[:PROFILE_TOP]
            ],
        }
    return profiled


def _measure(psycopg2, url: str, folder: Path) -> dict:
    started = time.perf_counter()
    base = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    # seed_bench and migrate run in child processes with development settings (seed_bench refuses production).
    child_env = base | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "factcheck.settings", "DJANGO_DEBUG": "false"}
    manage = [sys.executable, str(ROOT / "manage.py")]

    def run(command: list[str]) -> float:
        began = time.perf_counter()
        result = subprocess.run(command, env=child_env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command[1:4])}... failed:\n{(result.stderr or result.stdout)[-3000:]}")
        return time.perf_counter() - began

    log(f"Migrating {url} ...")
    run([*manage, "migrate", "--noinput", "-v0"])

    # This process serves the requests: production settings, read by Django when it is set up below.
    os.environ.clear()
    os.environ.update(
        base
        | {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_LOG_LEVEL": "ERROR",
            # The same URL is asked again and again: kept answers would measure the cache, not the corpus.
            "DJANGO_RESPONSE_CACHE": "off",
            # Counted as in production, never refused: the profile's hundreds of requests a minute would get 429s.
            "DJANGO_THROTTLE_USER": "1000000/second",
        }
    )
    (folder / "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT; the API needs no static file
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotations import roles

    user = get_user_model().objects.create_user("scale-editor")
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    token = Token.objects.create(user=user)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}")

    def get(path: str) -> tuple[float, list[tuple[str, object, float]], dict]:
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            began = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        return seconds, timer.statements, json.loads(response.content)

    def explain(statements: list[tuple[str, object, float]]) -> list[dict]:
        plans = []
        for sql, params, _ in statements:
            if statement_kind(sql) in ("auth", "estimate"):
                continue
            with connection.cursor() as cursor:
                text = cursor.mogrify(sql, params).decode()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append({"kind": statement_kind(sql), "sql": text, "plan": plan})
        return plans

    def run_queries(paths: dict[str, str], requests: int, budget: float | None = None) -> dict[str, dict]:
        timings: dict[str, list[float]] = {name: [] for name in paths}
        sql_timings: dict[str, list[float]] = {name: [] for name in paths}
        kinds: dict[str, dict[str, list[float]]] = {name: {} for name in paths}
        answers: dict[str, dict] = {}
        last: dict[str, list] = {}
        for path in paths.values():
            for _ in range(WARMUP):
                get(path)
        began = time.perf_counter()
        for attempt in range(requests):
            if budget is not None and attempt >= DEEP_MIN_REQUESTS and time.perf_counter() - began > budget:
                break
            for name, path in paths.items():
                seconds, statements, answers[name] = get(path)
                last[name] = statements
                timings[name].append(seconds * 1000)
                sql_timings[name].append(sum(s for _, _, s in statements) * 1000)
                for sql, _, s in statements:
                    kinds[name].setdefault(statement_kind(sql), []).append(s * 1000)
        results = {}
        for name, path in paths.items():
            statements = last[name]
            results[name] = {
                "path": path,
                "count": answers[name]["count"],
                "count_exact": answers[name]["count_exact"],
                "results": len(answers[name]["results"]),
                "ms": spread(timings[name]),
                "sql_ms": spread(sql_timings[name]),
                # Median of each kind of statement over the runs (a kind may run more than once per request).
                "sql_ms_by_statement": {kind: statistics.median(values) for kind, values in kinds[name].items()},
                "statements": len(statements),
                "_statements": statements,
            }
        return results

    sizes = []
    seeded = 0
    profiled = None
    for step, target in enumerate(SIZES, start=1):
        articles = math.ceil((target - seeded) / CLAIMS_PER_ARTICLE)
        log(f"Seeding {articles * CLAIMS_PER_ARTICLE:,} more claims (to {target:,}) ...")
        command = [*manage, "seed_bench", "--articles", str(articles), "--claims-per-article", str(CLAIMS_PER_ARTICLE)]
        seed_seconds = run([*command, "--seed", str(step)])
        seeded += articles * CLAIMS_PER_ARTICLE
        connection.close()  # this process's connection reopens after the vacuum
        admin = psycopg2.connect(url)
        admin.autocommit = True
        with admin.cursor() as cursor:
            began = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
            vacuum_seconds = time.perf_counter() - began
            cursor.execute(
                "SELECT count(*), (SELECT count(*) FROM annotations_source), pg_database_size(current_database()) "
                "FROM annotations_claim"
            )
            claims, sources, database_bytes = cursor.fetchone()
        admin.close()
        background = background_cores()
        log(
            f"  {claims:,} claims, {sources:,} sources, {database_bytes / 2**20:,.0f} MB; other work on the machine: "
            f"{background:.2f} of {os.cpu_count()} cores busy; measuring ..."
        )
        queries = run_queries(QUERIES, REQUESTS)
        # Beyond 10,000 matches the list's count is an estimate: the last page comes from an exact count.
        exact = {name: get(f"{path}&count=exact")[2]["count"] for name, path in QUERIES.items()}
        deep_paths = {
            f"{name}_deep": f"{path}&page={max(1, math.ceil(exact[name] / PAGE_SIZE))}"
            for name, path in QUERIES.items()
        }
        deep = run_queries(deep_paths, REQUESTS, budget=DEEP_BUDGET_SECONDS)
        measured = queries | deep
        if profiled is None and claims >= min(PROFILE_SIZE, SIZES[-1]):
            log(f"  profiling {PROFILE_REQUESTS} requests of each query ...")
            profiled = {"claims": claims, "queries": profile(client.get, QUERIES, PROFILE_REQUESTS)}
        for name, row in measured.items():
            row["explain"] = explain(row.pop("_statements"))
            log(
                f"    {name:<14} {row['ms']['median']:8.1f} ms (min {row['ms']['min']:.1f}, max {row['ms']['max']:.1f}; "
                f"SQL {row['sql_ms']['median']:.1f}: "
                + ", ".join(f"{kind} {ms:.1f}" for kind, ms in row["sql_ms_by_statement"].items())
                + f") {row['count']:,} matches"
            )
        sizes.append(
            {
                "claims": claims,
                "sources": sources,
                "database_mb": database_bytes / 2**20,
                "seed_seconds": seed_seconds,
                "vacuum_seconds": vacuum_seconds,
                # Busy cores just before the measurement, when nothing of the benchmark ran: other work.
                "background_cpu_cores": background,
                "queries": measured,
            }
        )

    first, last = sizes[0], sizes[-1]
    ratios = {
        name: last["queries"][name]["ms"]["median"] / first["queries"][name]["ms"]["median"]
        for name in first["queries"]
    }
    flat = {name: ratio <= TARGET_RATIO for name, ratio in ratios.items()}
    # Plans only where they explain something: the queries that are not flat, at the smallest and largest size.
    explained = {
        name: {
            str(first["claims"]): first["queries"][name]["explain"],
            str(last["claims"]): last["queries"][name]["explain"],
        }
        for name, is_flat in flat.items()
        if not is_flat
    }
    for size in sizes:
        for row in size["queries"].values():
            del row["explain"]
    return {
        "client": "django.test.Client in-process, production settings (DEBUG off), an editor's DRF token",
        "search_word": SEARCH_WORD,
        "page_size": PAGE_SIZE,
        "requests": REQUESTS,
        "warmup": WARMUP,
        "queries": QUERIES,
        "deep": {f"{name}_deep": "the same, at its last page" for name in QUERIES},
        "target_ratio": TARGET_RATIO,
        "sizes": sizes,
        "ratios": ratios,
        "flat": flat,
        "explain": explained,
        "profile": profiled,
        "layers": dict(LAYERS),
        "total_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure()))
