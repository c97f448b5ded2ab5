"""Writes through faults: a client writes claims, each with 1-3 sources, through gunicorn (production mode, 2 workers,
token auth) on a private PostgreSQL cluster while, partway through, one gunicorn worker is killed with SIGKILL
(scenario "kill-worker") or PostgreSQL is restarted (scenario "restart-postgres").

Each write is one POST /api/v1/claims/ from one of CLIENTS threads, never retried, with a short timeout; a UUID in
its note and in each of its sources' titles finds it in the database afterwards. Checked, per scenario:

- every write answered 2xx is stored complete: its claim, with exactly the sources sent, and the claim's copy of
  their titles (what search reads) matching them;
- every other write (4xx, 5xx, no answer) is absent (no claim, no source) or, when the server committed but the
  answer was lost, complete: never a claim without all its sources, nor sources without their claim;
- the service recovers by itself: the last writes all get 2xx, and gunicorn has replaced the killed worker.

`python -m benchmarks.faults [--writes 1000] [--scenario kill-worker]`: progress on stderr, the report as one
line of JSON on stdout; exits 1 when a check fails. Needs PostgreSQL's initdb and pg_ctl, and gunicorn.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scratch import Skip
from benchmarks.servers import (
    WORKERS,
    PrivatePostgres,
    Server,
    call,
    log,
    production_env,
    require_modules,
    set_up_newsroom,
)

WRITES = 1000
CLIENTS = 4  # writes in flight at once, so that a fault catches some of them halfway
THREADS = 4  # gunicorn.conf.py's default GUNICORN_THREADS
TIMEOUT_SECONDS = 15.0  # generous: on a busy machine a slow answer is not a fault of the server
SCENARIOS = ("kill-worker", "restart-postgres")
LAST_SHARE = 0.1  # the last 10% of the writes must all succeed
KINDS = ("dataset", "news_report", "official_statement", "primary_document")
STANCES = ("contradicts", "supports", "origin")
KEY = re.compile(r"[0-9a-f]{32}")


@dataclass
class Write:
    key: str  # a UUID in the claim's note and in each source's title
    article: int
    sources: list[dict]
    outcome: str = "not sent"  # 2xx, 4xx, 5xx or connection error
    status: int | None = None
    claim: int | None = None  # the id in a 2xx answer
    error: str = ""
    started: float = 0.0
    finished: float = 0.0


def plan_writes(count: int, articles: list[int], seed: int = 9) -> list[Write]:
    rng = random.Random(seed)
    writes = []
    for number in range(count):
        key = uuid.uuid4().hex
        sources = [
            {
                "url": f"https://example.org/{key}/{index}",
                "title": f"Source {index} of {key}",
                "kind": rng.choice(KINDS),
                "stance": rng.choice(STANCES),
            }
            for index in range(1, rng.randint(1, 3) + 1)
        ]
        writes.append(Write(key, articles[number % len(articles)], sources))
    return writes


def send(base: str, token: str, quote: str, write: Write) -> None:
    claim = {"article": write.article, "exact": quote, "verdict": "disputed", "note": f"Fault check {write.key}"}
    write.started = time.monotonic()
    answer = call("POST", f"{base}/api/v1/claims/", token, claim | {"sources": write.sources}, timeout=TIMEOUT_SECONDS)
    write.finished = time.monotonic()
    write.outcome, write.status, write.error = answer.outcome, answer.status, answer.error
    if answer.outcome == "2xx":
        write.claim = answer.body["id"]


def write_all(base: str, newsroom: dict, writes: list[Write], fault_at: int, fault: Callable[[], dict]) -> dict:
    """Send every write from CLIENTS threads; once `fault_at` of them are answered, run the fault beside them.
    Returns what the fault reports, with when it started and how long it took."""
    answered = threading.Semaphore(0)
    report: dict = {"after_writes": fault_at}

    def inject() -> None:
        for _ in range(fault_at):
            answered.acquire()
        report["started"] = time.monotonic()
        try:
            report.update(fault())
        except Exception as error:  # reported as a failed check, after the writes
            report["error"] = f"{type(error).__name__}: {error}"
        report["seconds"] = time.monotonic() - report["started"]

    def write_one(write: Write) -> None:
        send(base, newsroom["token"], newsroom["quote"], write)
        answered.release()

    injector = threading.Thread(target=inject)
    injector.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(write_one, writes))
    injector.join()
    return report


def kill_worker(server: Server) -> Callable[[], dict]:
    def fault() -> dict:
        before = server.workers()
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        while time.monotonic() - killed < 30:
            workers = server.workers()
            if victim not in workers and len(workers) == WORKERS:
                replaced = time.monotonic() - killed
                return {
                    "killed_worker": victim,
                    "new_worker": sorted(set(workers) - set(before)),
                    "replaced_after_seconds": replaced,
                }
            time.sleep(0.01)
        return {"killed_worker": victim, "replaced_after_seconds": None}

    return fault


def restart_postgres(postgres: PrivatePostgres) -> Callable[[], dict]:
    def fault() -> dict:
        before = postgres.postmaster_pid()
        postgres.restart()
        return {"postgres_restarted": postgres.postmaster_pid() != before}

    return fault


def read_stored(database_url: str) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    """Every claim (id, article, source_titles) and source (claim id, url, title, kind, stance, in id order) in the
    database, by the write key in the claim's note or the source's title."""
    import psycopg2

    claims: dict[str, list[tuple]] = defaultdict(list)
    sources: dict[str, list[tuple]] = defaultdict(list)
    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, article_id, source_titles, note FROM annotations_claim")
            for *claim, note in cursor.fetchall():
                claims[key_in(note)].append(tuple(claim))
            cursor.execute("SELECT claim_id, url, title, kind, stance FROM annotations_source ORDER BY id")
            for source in cursor.fetchall():
                sources[key_in(source[2])].append(source)
    finally:
        connection.close()
    return claims, sources


def key_in(text: str) -> str:
    found = KEY.search(text)
    return found[0] if found else ""


def stored_state(write: Write, claims: list[tuple], sources: list[tuple]) -> str:
    """The write in the database: absent, complete (one claim with exactly the sources sent, and the claim's copy of
    their titles right), or half-written (the rest, described)."""
    if not claims and not sources:
        return "absent"
    if len(claims) == 1:
        claim_id, article, titles = claims[0]
        sent = sorted((claim_id, s["url"], s["title"], s["kind"], s["stance"]) for s in write.sources)
        if sorted(sources) == sent and article == write.article and titles == "\n".join(s[2] for s in sources):
            return "complete"
    return f"half-written: {len(claims)} claims, {len(sources)} sources of the {len(write.sources)} sent"


def check(writes: list[Write], database_url: str) -> dict:
    """What the database holds of each write, against what the client was told."""
    claims, sources = read_stored(database_url)
    stored, committed_unanswered = Counter(), Counter()
    acknowledged_not_complete, half_written = [], []
    for write in writes:
        mine = claims.get(write.key, [])
        state = stored_state(write, mine, sources.get(write.key, []))
        stored[state.split(":")[0]] += 1
        if write.outcome == "2xx" and (state != "complete" or mine[0][0] != write.claim):
            acknowledged_not_complete.append(
                f"{write.key} answered {write.status} (claim {write.claim}) but is {state}"
            )
        elif state.startswith("half-written"):
            half_written.append(f"{write.key} ({write.outcome}) is {state}")
        elif write.outcome != "2xx" and state == "complete":
            committed_unanswered[write.outcome] += 1
    return {
        "stored": dict(stored),
        "committed_but_not_answered_2xx": dict(committed_unanswered),
        "acknowledged_not_complete": acknowledged_not_complete[:20],
        "half_written": half_written[:20],
    }


def run_scenario(scenario: str, server: Server, postgres: PrivatePostgres, newsroom: dict, count: int) -> dict:
    writes = plan_writes(count, newsroom["articles"])
    fault = kill_worker(server) if scenario == "kill-worker" else restart_postgres(postgres)
    log(f"{scenario}: {count} writes from {CLIENTS} clients, the fault after {count // 2} ...")
    started = time.monotonic()
    fault_report = write_all(server.base, newsroom, writes, count // 2, fault)
    seconds = time.monotonic() - started
    failed = [write for write in writes if write.outcome != "2xx"]
    last = writes[-max(10, int(count * LAST_SHARE)) :]
    report = {
        "fault": {key: value for key, value in fault_report.items() if key != "started"},
        "writes": count,
        "seconds": seconds,
        "writes_per_second": count / seconds,
        "answers": dict(Counter(write.outcome for write in writes)),
        "statuses": {str(status): n for status, n in Counter(write.status for write in writes if write.status).items()},
        "failed_before_the_fault": sum(write.finished < fault_report["started"] for write in failed),
        # From the fault's start until the end of the last write that failed: after that, every write succeeded.
        "recovered_after_seconds": max((write.finished - fault_report["started"] for write in failed), default=0.0),
        "failures": [f"{write.key}: {write.status or write.error}" for write in failed][:10],
        "last_writes": len(last),
        "last_writes_not_2xx": sum(write.outcome != "2xx" for write in last),
        "server_errors": logged_errors(server),
    } | check(writes, postgres.url)
    if scenario == "kill-worker":
        workers = server.workers()
        report["workers_after"] = workers
        report["worker_replaced"] = (
            server.process.poll() is None
            and len(workers) == WORKERS
            and fault_report.get("killed_worker") not in workers
        )
    report["failed_checks"] = failed_checks(report)
    log(
        f"  {report['answers']}; stored {report['stored']}; recovered after {report['recovered_after_seconds']:.2f} s; "
        f"fault {report['fault']}; failed checks: {report['failed_checks'] or 'none'}"
    )
    return report


def failed_checks(report: dict) -> list[str]:
    checks = {
        "the fault ran": "error" not in report["fault"],
        "every 2xx write is complete": not report["acknowledged_not_complete"],
        "no write is half-written": not report["half_written"],
        "the last writes all got 2xx": report["last_writes_not_2xx"] == 0,
        "gunicorn replaced the killed worker": report.get("worker_replaced", True),
        "PostgreSQL restarted": report["fault"].get("postgres_restarted", True),
        "no write failed before the fault": report["failed_before_the_fault"] == 0,
        "an error answer means nothing was kept": not {"4xx", "5xx"} & report["committed_but_not_answered_2xx"].keys(),
        "server errors are 503, never 500": all(s == "503" for s in report["statuses"] if s.startswith("5")),
    }
    return [name for name, passed in checks.items() if not passed]


def logged_errors(server: Server) -> dict[str, int]:
    """Exception names in gunicorn's error log (Django logs each 500 with its traceback), and the database errors
    answered 503 (logged as warnings, one line each), counted."""
    server.errors.flush()
    text = Path(server.errors.name).read_text(errors="replace")
    names = re.findall(r"^([\w.]+(?:Error|Exception)):", text, re.M)
    unavailable = [
        f"503: {reason[:80]}" for reason in re.findall(r"Database unavailable(?: for \S+)?: (.*)$", text, re.M)
    ]
    return dict(Counter(names + unavailable))


def measure(writes: int = WRITES, scenarios: Sequence[str] = SCENARIOS) -> dict:
    """Each scenario on a fresh gunicorn; all of them on one private PostgreSQL cluster, deleted at the end."""
    require_modules()
    with PrivatePostgres() as postgres, tempfile.TemporaryDirectory(prefix="factcheck-faults-") as folder:
        env = production_env(postgres.url, Path(folder))
        newsroom = set_up_newsroom(env, articles=CLIENTS)
        results = {}
        for scenario in scenarios:
            with Server(env, THREADS, Path(folder)) as server:
                results[scenario] = run_scenario(scenario, server, postgres, newsroom, writes)
        return {
            "postgres": postgres.version(),
            "gunicorn": {"workers": WORKERS, "threads": THREADS},
            "clients": CLIENTS,
            "timeout_seconds": TIMEOUT_SECONDS,
            "scenarios": results,
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=WRITES)
    parser.add_argument("--scenario", choices=SCENARIOS, action="append")
    arguments = parser.parse_args()
    try:
        result = measure(arguments.writes, arguments.scenario or SCENARIOS)
    except Skip as missing:
        print(json.dumps({"skipped": str(missing)}))
        sys.exit(0)
    print(json.dumps(result))
    sys.exit(1 if any(report["failed_checks"] for report in result["scenarios"].values()) else 0)
