"""Exports of 100,000 claims, each format, next to PostgreSQL producing the same rows as JSON itself.

Needs PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) names a server
and a database to connect to; the benchmark creates a scratch database `factcheck_bench_<pid>` there,
migrates it, seeds it with `manage.py seed_bench` and drops it at the end, whatever happens.

Each export is the real command, `manage.py export_annotations --format F --output FILE`, in a fresh
process with DEBUG off: its time is the process's wall time (Python and Django start-up included), its
memory the process's peak resident set (ru_maxrss, read with os.wait4 for that child alone). PostgreSQL's
time is `psql -c "COPY (SELECT json_build_object(...) ...) TO STDOUT"` written to a file the same way: the
same claims in the same order, with the same columns the export reads (the claim, its author, its sources
as a JSON array, its article), ClaimReview against the approved claims only. Runs alternate between the
two so that a slower moment of the machine hits both.

Prints progress on stderr and, last on stdout, the results as one line of JSON (benchmarks/run.py reads it).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.scratch import Skip, scratch_database

ROOT = Path(__file__).resolve().parent.parent
ARTICLES, CLAIMS_PER_ARTICLE = 200, 500  # 100,000 claims
REPEATS = 5
FORMATS = ("w3c", "claimreview", "csv")
# A filter no claim matches: the command's fixed cost (start-up, imports, connection) and baseline memory.
EMPTY = ["--format", "csv", "--updated-after", "2999-01-01T00:00:00Z"]

# The columns queries.export_records reads, as PostgreSQL's own JSON.
PG_ROWS = """
SELECT json_build_object(
    'id', c.id, 'article_id', c.article_id, 'start', c.start, 'end', c."end",
    'exact', c.exact, 'prefix', c.prefix, 'suffix', c.suffix, 'anchor_state', c.anchor_state,
    'verdict', c.verdict, 'speaker', c.speaker, 'summary', c.summary, 'note', c.note,
    'review_state', c.review_state, 'created_by', u.username,
    'creator_name', btrim(u.first_name || ' ' || u.last_name),
    'created_at', c.created_at, 'updated_at', c.updated_at, 'approved_at', c.approved_at,
    'version', c.version, 'canonical', c.canonical,
    'sources', coalesce((
        SELECT json_agg(json_build_object(
            'url', s.url, 'title', s.title, 'publisher', s.publisher, 'kind', s.kind, 'stance', s.stance,
            'quoted_text', s.quoted_text, 'accessed_on', s.accessed_on, 'archived_url', s.archived_url
        ) ORDER BY s.id)
        FROM annotations_source s WHERE s.claim_id = c.id
    ), '[]'::json),
    'article', json_build_object(
        'id', a.id, 'slug', a.slug, 'title', a.title, 'publisher', a.publisher,
        'published_on', a.published_on, 'source_url', a.source_url
    )
)
FROM annotations_claim c
JOIN annotations_article a ON a.id = c.article_id
JOIN auth_user u ON u.id = c.created_by_id
{where}
ORDER BY c.id
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(command: list[str], env: dict[str, str], output: Path | None = None) -> tuple[float, float]:
    """Run a command to completion: (wall seconds, peak resident memory of that process in MB)."""
    with tempfile.TemporaryFile() as errors:
        out = output.open("wb") if output else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            process = subprocess.Popen(command, env=env, stdout=out, stderr=errors, cwd=ROOT)
            # wait4 reports the resources of this child alone (getrusage(RUSAGE_CHILDREN) keeps a maximum
            # over every child waited for, so it cannot tell one run from the next).
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        finally:
            if output:
                out.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command[:4])}... failed:\n{errors.read().decode(errors='replace')[-3000:]}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def check_output(fmt: str, path: Path, expected: int) -> str:
    """A basic check of an export file: it parses, and holds exactly the expected claims, each once."""
    from annotations.exports import table

    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            ids = [row[0] for row in rows]
        if tuple(header) != table.COLUMNS:
            return f"header differs: {header[:3]}..."
        found = len(ids)
    else:
        with path.open("rb") as handle:
            document = json.load(handle)
        if fmt == "w3c":
            if document.get("total") != expected:
                return f"total is {document.get('total')}, expected {expected}"
            items = document["first"]["items"]
            ids = [item["id"] for item in items]
        else:
            items = document["@graph"]
            ids = [item["@id"] for item in items]
            if any(item["@type"] != "ClaimReview" for item in items):
                return "an item is not a ClaimReview"
        found = len(items)
    if found != expected:
        return f"{found} claims, expected {expected}"
    if len(set(ids)) != found:
        return "some claims appear twice"
    return "ok"


def measure(repeats: int = REPEATS) -> dict:
    psql = shutil.which("psql")
    if psql is None:
        return {"skipped": "psql (the PostgreSQL client) is not installed: it times PostgreSQL's own COPY."}
    try:
        with scratch_database("factcheck-bench-") as scratch:
            import psycopg2

            return _measure(psycopg2, psql, scratch.url, scratch.folder, repeats) | {"postgres": scratch.version}
    except Skip as reason:
        return {"skipped": str(reason)}


def _measure(psycopg2, psql: str, url: str, folder: Path, repeats: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    # DEBUG off, as in production: Django then keeps no log of the queries.
    env |= {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "factcheck.settings", "DJANGO_DEBUG": "false"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    log(f"Migrating {url} ...")
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    log(f"Seeding {ARTICLES * CLAIMS_PER_ARTICLE:,} claims ...")
    seed_seconds, _ = run(
        [*manage, "seed_bench", "--articles", str(ARTICLES), "--claims-per-article", str(CLAIMS_PER_ARTICLE)], env
    )
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # both sides read tables with fresh statistics and visibility maps
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE review_state = 'approved'), "
            "(SELECT count(*) FROM annotations_source), pg_database_size(current_database()) FROM annotations_claim"
        )
        claims, approved, sources, database_bytes = cursor.fetchone()
    connection.close()
    expected = {"w3c": claims, "claimreview": approved, "csv": claims}

    def postgres(fmt: str) -> tuple[float, Path]:
        where = "WHERE c.review_state = 'approved'" if fmt == "claimreview" else ""
        target = folder / f"postgres-{fmt}.json"
        copy = f"COPY ({PG_ROWS.format(where=where)}) TO STDOUT"
        seconds, _ = run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", copy], env, output=target)
        return seconds, target

    def export(fmt: str) -> tuple[float, float, Path]:
        target = folder / f"export-{fmt}"
        seconds, peak = run([*manage, "export_annotations", "--format", fmt, "--output", str(target)], env)
        return seconds, peak, target

    log("Warming up (one COPY of every claim, one empty export) ...")
    postgres("w3c")
    run([*manage, "export_annotations", *EMPTY], env)
    results: dict[str, dict] = {
        fmt: {"claims": expected[fmt], "seconds": [], "peak_mb": [], "pg_seconds": []} for fmt in FORMATS
    }
    empty = {"seconds": [], "peak_mb": []}
    for attempt in range(repeats):
        seconds, peak = run([*manage, "export_annotations", *EMPTY], env)
        empty["seconds"].append(seconds)
        empty["peak_mb"].append(peak)
        for fmt in FORMATS:
            pg_seconds, pg_file = postgres(fmt)
            seconds, peak, path = export(fmt)
            log(f"  run {attempt + 1}/{repeats} {fmt}: {seconds:.2f} s, {peak:.0f} MB; PostgreSQL {pg_seconds:.2f} s")
            row = results[fmt]
            row["seconds"].append(seconds)
            row["peak_mb"].append(peak)
            row["pg_seconds"].append(pg_seconds)
            row["bytes"] = path.stat().st_size
            row["pg_bytes"] = pg_file.stat().st_size
    for fmt in FORMATS:
        log(f"Checking the {fmt} file ...")
        results[fmt]["check"] = check_output(fmt, folder / f"export-{fmt}", expected[fmt])
    return {
        "claims": claims,
        "approved": approved,
        "sources": sources,
        "articles": ARTICLES,
        "database_mb": database_bytes / 2**20,
        "seed_seconds": seed_seconds,
        "empty": empty,
        "formats": results,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure()))
