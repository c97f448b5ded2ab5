"""Concurrent edits through two servers: two gunicorn masters (production mode, 2 workers each) on two ports share one
private PostgreSQL database, and CLIENTS threads, half on each server, edit the same CLAIMS claims at once. Each
client loops: GET a claim (its ETag), then PATCH it with If-Match and a note nobody else sends.

Checked:

- every refused PATCH got exactly 412 (no 500, no 409, nothing else), with the claim as it is now in `current`,
  newer than the version the client sent: the refusal was deserved; every GET got 200;
- every accepted PATCH (2xx) is in the claim's history, with its note, as the version after the one it was based
  on; the history's versions run 1, 2, 3, ... without gap or duplicate, and its "changed" entries are exactly the
  accepted PATCHes: none lost, none invented;
- the claim ends with the note and the version of the accepted PATCH with the highest version.

`python -m benchmarks.concurrency [--rounds 50]`: progress on stderr, the report as one line of JSON on stdout;
exits 1 when a check fails. Needs PostgreSQL's initdb and pg_ctl, and gunicorn.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scratch import Skip
from benchmarks.servers import (
    Answer,
    PrivatePostgres,
    Server,
    call,
    log,
    production_env,
    require_modules,
    set_up_newsroom,
)

CLIENTS = 16  # split over the two servers
CLAIMS = 3
ROUNDS = 50  # GET + PATCH per client
THREADS = 4  # gunicorn.conf.py's default GUNICORN_THREADS


@dataclass(frozen=True)
class Edit:
    server: int  # 0 or 1
    claim: int
    note: str
    read_version: int | None  # from the GET; None when the GET failed and no PATCH was sent
    answer: Answer  # the PATCH's, or the failed GET's

    @property
    def accepted(self) -> bool:
        return self.answer.outcome == "2xx"


def edit_loop(
    client: int, base: str, server: int, token: str, claims: list[int], rounds: int, start: threading.Barrier
) -> list[Edit]:
    """One client: `rounds` times, read a claim and change its note with If-Match, starting with the others."""
    edits = []
    start.wait()
    for number in range(rounds):
        claim = claims[(client + number) % len(claims)]
        url = f"{base}/api/v1/claims/{claim}/"
        read = call("GET", url, token)
        if read.status != 200:
            edits.append(Edit(server, claim, "", None, read))
            continue
        note = f"Client {client}, round {number}: {uuid.uuid4().hex}"
        answer = call("PATCH", url, token, {"note": note}, headers={"If-Match": read.etag})
        edits.append(Edit(server, claim, note, read.body["version"], answer))
    return edits


def note_in(entry: dict) -> str | None:
    return next((change["new"] for change in entry["changes"] if change["field"] == "note"), None)


def check_claim(claim: int, accepted: list[Edit], history: list[dict], final: dict) -> list[str]:
    """The claim's history and final state against the PATCHes it accepted."""
    problems = []
    versions = [entry["version"] for entry in history]
    if versions != list(range(1, len(versions) + 1)):
        problems.append(f"claim {claim}: history versions {versions} do not run 1, 2, 3, ...")
    expected = {edit.read_version + 1: edit.note for edit in accepted}
    if len(expected) < len(accepted):
        problems.append(
            f"claim {claim}: {len(accepted) - len(expected)} accepted PATCHes were based on an already changed version"
        )
    changed = [entry for entry in history if entry["action"] == "changed"]
    if len(changed) != len(accepted):
        problems.append(
            f"claim {claim}: {len(changed)} 'changed' entries in the history, {len(accepted)} accepted PATCHes"
        )
    recorded = {entry["version"]: note_in(entry) for entry in changed}
    lost = sorted(version for version, note in expected.items() if recorded.get(version) != note)
    if lost:
        problems.append(f"claim {claim}: accepted PATCHes missing from the history at versions {lost}")
    last = max(expected, default=1)
    if expected and (final.get("note"), final.get("version")) != (expected[last], last):
        problems.append(
            f"claim {claim} ends at version {final.get('version')} with a note that is not the last accepted one"
        )
    return problems


def check(edits: list[Edit], histories: dict[int, list[dict]], finals: dict[int, dict]) -> dict:
    refused = [edit for edit in edits if not edit.accepted]
    unexpected = Counter(
        f"{'GET' if edit.read_version is None else 'PATCH'} {edit.answer.status or edit.answer.error}"
        for edit in refused
        if edit.read_version is None or edit.answer.status != 412
    )
    undeserved = [
        edit.note
        for edit in refused
        if edit.answer.status == 412
        and not (
            isinstance(edit.answer.body, dict)
            and edit.answer.body.get("current", {}).get("version", 0) > edit.read_version
        )
    ]
    problems = [
        problem
        for claim, history in histories.items()
        for problem in check_claim(claim, [e for e in edits if e.accepted and e.claim == claim], history, finals[claim])
    ]
    by_server = {
        str(server): {
            "accepted": sum(edit.accepted for edit in edits if edit.server == server),
            "412": sum(edit.answer.status == 412 for edit in edits if edit.server == server),
        }
        for server in (0, 1)
    }
    # A 2xx answer is read after the commit: another client's change may already be in it.
    answered_later_version = sum(
        edit.answer.body.get("note") != edit.note
        for edit in edits
        if edit.accepted and isinstance(edit.answer.body, dict)
    )
    return {
        "patches": sum(edit.read_version is not None for edit in edits),
        "accepted": sum(edit.accepted for edit in edits),
        "412": sum(edit.answer.status == 412 for edit in edits),
        "by_server": by_server,
        "by_claim": {str(claim): {"final_version": finals[claim].get("version")} for claim in finals},
        "unexpected_answers": dict(unexpected),
        "undeserved_412": undeserved[:20],
        "history_problems": problems[:20],
        "accepted_answers_showing_a_later_edit": answered_later_version,
    }


def measure(rounds: int = ROUNDS, clients: int = CLIENTS, claims: int = CLAIMS) -> dict:
    require_modules()
    with PrivatePostgres() as postgres, tempfile.TemporaryDirectory(prefix="factcheck-concurrency-") as folder:
        env = production_env(postgres.url, Path(folder))
        newsroom = set_up_newsroom(env, articles=1)
        token, article = newsroom["token"], newsroom["articles"][0]
        with Server(env, THREADS, Path(folder)) as first, Server(env, THREADS, Path(folder)) as second:
            servers = [first.base, second.base]
            claim = {"article": article, "exact": newsroom["quote"], "verdict": "disputed"}
            ids = [call("POST", f"{first.base}/api/v1/claims/", token, claim).body["id"] for _ in range(claims)]
            log(f"{clients} clients x {rounds} rounds on claims {ids}, through {servers} ...")
            start = threading.Barrier(clients)
            started = time.monotonic()
            with ThreadPoolExecutor(clients) as pool:
                loops = [
                    pool.submit(edit_loop, n, servers[n % 2], n % 2, token, ids, rounds, start) for n in range(clients)
                ]
                edits = [edit for loop in loops for edit in loop.result()]
            seconds = time.monotonic() - started
            histories = {i: call("GET", f"{second.base}/api/v1/claims/{i}/history/", token).body for i in ids}
            finals = {i: call("GET", f"{first.base}/api/v1/claims/{i}/", token).body for i in ids}
        report = {"clients": clients, "rounds": rounds, "claims": claims, "seconds": seconds} | check(
            edits, histories, finals
        )
        report["failed_checks"] = [
            name
            for name, passed in {
                "every refusal is a deserved 412": not report["unexpected_answers"] and not report["undeserved_412"],
                "every accepted edit is in the history, none lost": not report["history_problems"],
            }.items()
            if not passed
        ]
        log(
            f"  {report['patches']} PATCHes: {report['accepted']} accepted, {report['412']} 412; by server "
            f"{report['by_server']}; unexpected {report['unexpected_answers']}; failed checks: "
            f"{report['failed_checks'] or 'none'}"
        )
        return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    try:
        result = measure(parser.parse_args().rounds)
    except Skip as missing:
        print(json.dumps({"skipped": str(missing)}))
        sys.exit(0)
    print(json.dumps(result))
    sys.exit(1 if result["failed_checks"] else 0)
