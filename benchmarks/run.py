"""`make bench`: run every benchmark and rewrite docs/benchmarks.md. Exits 1 when a target is missed."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks import anchoring as anchoring_bench
from benchmarks.editor import CLAIMS as EDITOR_CLAIMS

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
ANCHORING_TARGET = 1.0  # seconds for 2,000 claims on 100 KB (issue: anchoring)
SERVICE_TARGET = 1.0  # seconds for the whole revision with its database writes (our own target)
EDITOR_TARGET_MS = 150  # page load to all 500 highlights drawn, in headless Chromium (issue: editor UI)
EXPORT_RATIO_TARGET = 3.0  # an export's time over PostgreSQL's own for the same rows as JSON (issue: exports)
EXPORT_MEMORY_TARGET_MB = 200  # peak resident memory of the export process (issue: exports)
FORMAT_NAMES = {"w3c": "W3C Web Annotation", "claimreview": "ClaimReview", "csv": "CSV"}
QUERY_NAMES = {"list": "claim list", "filtered": "filtered list", "search": "search"}


def _cpu_ticks() -> tuple[int, int]:
    """All CPU time and the stolen part (/proc/stat): what the host gave to others of this virtual machine's time."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields[:8]), fields[7]
    except (OSError, ValueError, IndexError):
        return 0, 0


_TICKS_AT_START = _cpu_ticks()


def stolen_since_start() -> str:
    """A sentence on the CPU time the host took while the benchmarks ran: on a shared host it slows every absolute
    figure alike, not the ratios measured in one run."""
    total, steal = _cpu_ticks()
    share = (steal - _TICKS_AT_START[1]) / max(1, total - _TICKS_AT_START[0])
    return f"While it ran, the host took {share:.0%} of this machine's CPU time (steal)."


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    database = "PostgreSQL (DATABASE_URL)" if os.environ.get("DATABASE_URL") else f"SQLite {sqlite3.sqlite_version}"
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; {database}; "
        f"commit {commit or 'uncommitted'}; {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )


def measure_in_subprocess(module: str, *, progress: bool = False, check: bool = True) -> dict:
    """Each Django benchmark sets up its own throwaway database, so each runs in its own process.

    With `progress`, the benchmark's standard error (what it is doing) is shown as it runs. Without `check`, a
    benchmark may exit 1 (a failed check it reports in its JSON).
    """
    result = subprocess.run(
        [sys.executable, "-m", module], stdout=subprocess.PIPE, stderr=None if progress else subprocess.PIPE,
        text=True, check=check,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def figure(seconds: list[float], digits: int = 3) -> str:
    return (
        f"{statistics.median(seconds):.{digits}f} s (min {min(seconds):.{digits}f}, max {max(seconds):.{digits}f}, "
        f"{len(seconds)} runs)"
    )


def megabytes(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} MB (max {max(values):.0f})"


def export_section(missed: list[str]) -> list[str]:
    """Exports of 100,000 claims next to PostgreSQL's own JSON of the same rows (benchmarks/exports.py)."""
    lines = ["", "## Exports of 100,000 claims (manage.py export_annotations)", ""]
    result = measure_in_subprocess("benchmarks.exports", progress=True)
    if "skipped" in result:
        return [
            *lines,
            f"Not measured: {result['skipped']} The benchmark needs a PostgreSQL server; it creates and drops its own scratch database.",
        ]
    empty = result["empty"]
    lines += [
        f"A corpus made by `manage.py seed_bench --articles {result['articles']} --claims-per-article "
        f"{result['claims'] // result['articles']}` in a scratch PostgreSQL {result['postgres'].split()[0]} database:",
        f"{result['claims']:,} claims ({result['approved']:,} approved), {result['sources']:,} sources, "
        f"{result['database_mb']:.0f} MB on disk; seeding took {result['seed_seconds']:.0f} s.",
        "",
        "*Export*: the real command, `manage.py export_annotations --format F --output FILE`, in a fresh process with",
        "DEBUG off; its wall time, Python and Django start-up included, and its peak resident memory (ru_maxrss of that",
        "process).",
        f"An export that matches no claim takes {figure(empty['seconds'], 2)} and {megabytes(empty['peak_mb'])}:",
        "that fixed cost is in every figure below.",
        '*PostgreSQL*: `psql -c "COPY (SELECT json_build_object(...) ...) TO STDOUT"` into a file: the same claims in',
        "the same order, with every column the export reads (the claim, its author, its sources as a JSON array, its",
        "article); for ClaimReview, the approved claims only. Runs alternate between the two. *Ratio*: the export's",
        "median time over PostgreSQL's. Each export file is then read back (JSON, or CSV with the csv module) and",
        "must hold every claim exactly once.",
        "",
        "| format | claims | export | PostgreSQL (JSON rows) | ratio | target | peak memory | target | file | read back |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for fmt, row in result["formats"].items():
        ratio = statistics.median(row["seconds"]) / statistics.median(row["pg_seconds"])
        peak = max(row["peak_mb"])
        ratio_ok = ratio <= EXPORT_RATIO_TARGET
        memory_ok = peak < EXPORT_MEMORY_TARGET_MB
        check_ok = row["check"] == "ok"
        name = FORMAT_NAMES.get(fmt, fmt)
        if not ratio_ok:
            missed.append(f"export {name}, {ratio:.1f}x PostgreSQL's time")
        if not memory_ok:
            missed.append(f"export {name}, {peak:.0f} MB")
        if not check_ok:
            missed.append(f"export {name}, file read back: {row['check']}")
        lines.append(
            f"| {name} | {row['claims']:,} | {figure(row['seconds'], 2)} | {figure(row['pg_seconds'], 2)} | "
            f"{ratio:.2f}x | ≤ {EXPORT_RATIO_TARGET:.0f}x {'(met)' if ratio_ok else '**(missed)**'} | "
            f"{megabytes(row['peak_mb'])} | < {EXPORT_MEMORY_TARGET_MB} MB {'(met)' if memory_ok else '**(missed)**'} | "
            f"{row['bytes'] / 2**20:.0f} MB | {'all claims, once each' if check_ok else '**' + row['check'] + '**'} |"
        )
    return lines


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def spread_ms(row: dict) -> str:
    return f"{ms(row['median'])} (min {ms(row['min'])}, max {ms(row['max'])})"


def verdict(ok: bool) -> str:
    return "(met)" if ok else "**(missed)**"


def section(module: str, title: str, needs: str, missed: list[str], *, level: int = 2) -> tuple[list[str], dict | None]:
    """A section's heading and its benchmark's result; None (and a line saying why) when it could not run, which
    counts as a missed target."""
    lines = ["", f"{'#' * level} {title}", ""]
    result = measure_in_subprocess(module, progress=True, check=False)
    if "skipped" in result:
        missed.append(f"{title}: not measured ({result['skipped']})")
        return [*lines, f"Not measured: {result['skipped']} It needs {needs}."], None
    return lines, result


def load_section(missed: list[str]) -> list[str]:
    """gunicorn under wrk (benchmarks/load.py)."""
    lines, result = section("benchmarks.load", "The API under load (gunicorn, wrk)", "wrk and PostgreSQL", missed)
    if result is None:
        return lines
    server, wrk, targets = result["server"], result["wrk"], result["targets"]
    lines += [
        f"gunicorn in production mode (`{server['command']}`) with {server['workers']} {server['worker_class']} workers",
        f"x {server['threads']} threads, on PostgreSQL {result['postgres'].split()[0]} with {result['claims']:,} claims "
        f"({result['approved']:,} approved) and {result['sources']:,} sources made by `seed_bench`; driven by",
        f"`wrk -t{wrk['threads']} -cN -d{wrk['seconds']}s --latency` from another process on 127.0.0.1, after "
        f"{wrk['warmup_seconds']} s of warm-up, one run per row.",
        f"Each answer was checked first. *Errors*: non-2xx answers and socket errors (wrk gives up after "
        f"{wrk['timeout_seconds']} s; such requests are not in p99).",
        "*CPU*: seconds of CPU over the run, of the gunicorn workers, of PostgreSQL and anything else, of wrk, out of",
        f"{result['cpus']} cores x the run's length. Other work on the machine before the load: "
        f"{result['background_cpu_cores']:.2f} cores.",
        "Each case asks for the same URL again and again with no change to the data in between: after the first",
        "answer, each worker serves the answer it kept (annotations/freshness.py) after one query for the data",
        "version, and a token's user and roles are kept the same way. The throttles count every request in",
        "DJANGO_CACHE_DIR, on tmpfs as the README advises. What a request costs when its answer must be built (the",
        "first after a change, or requests that all differ) is the row *answers not kept* under Other server settings.",
        "",
        "| case | connections | requests/s | p50 | p99 | errors | CPU s: workers / PostgreSQL+other / wrk (of) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for case in result["results"].values():
        for connections, row in case["by_connections"].items():
            cpu = row["cpu_seconds"]
            p99 = ms(row["p99_ms"]) + (" (beyond the timeout)" if row["p99_beyond_timeout"] else "")
            lines.append(
                f"| {case['label']} | {connections} | {row['requests_per_second']:,.0f} | {ms(row['p50_ms'])} | "
                f"{p99} | {row['errors']} | {cpu['gunicorn_workers']:.0f} / {cpu['postgres_and_other']:.0f} / "
                f"{cpu['wrk']:.0f} ({cpu['available']:.0f}) |"
            )
    summary = result["summary"]
    c = str(targets["connections"])
    ratio_ok = summary["b_over_a"][c] >= targets["b_over_a"]
    if not ratio_ok:
        missed.append(f"API under load, (b) {summary['b_over_a'][c]:.0%} of (a)")
    p99s = summary["p99_ms_at_16"]
    for key, ok in summary["p99_met_at_16"].items():
        if not ok:
            missed.append(f"API under load, p99 of ({key}) {ms(p99s[key])}")
    if not summary["errors_met"]:
        missed.append(f"API under load, {summary['errors']} errors")
    lines += [
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| (b) at least {targets['b_over_a']:.0%} of (a)'s requests/s at {c} connections | "
        f"{summary['b_over_a'][c]:.1%} (at 64: {summary['b_over_a']['64']:.1%}) | {verdict(ratio_ok)} |",
    ]
    for key, p99 in p99s.items():
        lines.append(
            f"| p99 of ({key}) under {targets['p99_ms']:.0f} ms at {c} connections | {ms(p99)} | "
            f"{verdict(summary['p99_met_at_16'][key])} |"
        )
    lines.append(f"| no errors | {summary['errors']} | {verdict(summary['errors_met'])} |")
    memory = result["memory"]
    lines += [
        "",
        f"Worker memory after the load: peak {memory['peak_mb_any_worker']:.0f} MB resident (the highest of any worker; "
        f"{memory['worker_processes_seen']} worker processes seen), master {memory['master_rss_mb']:.0f} MB.",
        "",
        f"Other server settings, {result['comparisons'][0]['seconds'] if result['comparisons'] else 0} s per run:",
        "",
        "| server | case | connections | requests/s | p50 | p99 | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for compared in result["comparisons"]:
        for case in compared["results"].values():
            for connections, row in case["by_connections"].items():
                lines.append(
                    f"| {compared['label']} | {case['label']} | {connections} | {row['requests_per_second']:,.0f} | "
                    f"{ms(row['p50_ms'])} | {ms(row['p99_ms'])} | {row['errors']} |"
                )
    return lines


def scale_section(missed: list[str]) -> list[str]:
    """The claim list, a filtered list and a search at growing sizes (benchmarks/scale.py), and the profile."""
    title = "The scale curve (claim list, filtered list, search)"
    lines, result = section("benchmarks.scale", title, "a PostgreSQL server", missed)
    if result is None:
        return lines
    sizes = result["sizes"]
    lines += [
        "One request at a time through Django in one process (the test client: middleware, token authentication,",
        "filters, pagination, JSON) with production settings but no answer kept (DJANGO_RESPONSE_CACHE=off: every",
        "request reads the database), an editor's token, on PostgreSQL; the corpus grows",
        f"by `seed_bench` (VACUUM ANALYZE after each step). Median of {result['requests']} requests (min to max); *SQL*",
        "is the time spent in the database's statements. The target: the largest corpus's median within "
        f"{result['target_ratio']:.0f}x of the smallest's.",
        "",
        "| query | " + " | ".join(f"{size['claims']:,} claims" for size in sizes) + " | ratio | target |",
        "| --- | " + " | ".join("---" for _ in sizes) + " | --- | --- |",
    ]
    for name, path in result["queries"].items():
        ratio, ok = result["ratios"][name], result["flat"][name]
        if not ok:
            missed.append(f"scale, {name} {ratio:.1f}x")
        cells = []
        for size in sizes:
            row = size["queries"][name]
            exact = "" if row["count_exact"] else " est."
            cells.append(f"{spread_ms(row['ms'])}; SQL {ms(row['sql_ms']['median'])}; {row['count']:,}{exact} matches")
        lines.append(
            f"| {QUERY_NAMES.get(name, name)} `{path}` | "
            + " | ".join(cells)
            + f" | {ratio:.2f}x | ≤ {result['target_ratio']:.0f}x {verdict(ok)} |"
        )
    lines += [
        "",
        "Deep pages, for context (OFFSET paging reads every row before the page, so these grow with the corpus; walk",
        "a large set with the exports or `updated_after` instead):",
        "",
        "| query | " + " | ".join(f"{size['claims']:,} claims" for size in sizes) + " |",
        "| --- | " + " | ".join("---" for _ in sizes) + " |",
    ]
    for name in result["queries"]:
        deep = f"{name}_deep"
        lines.append(
            f"| {QUERY_NAMES.get(name, name)}, last page | "
            + " | ".join(spread_ms(size["queries"][deep]["ms"]) for size in sizes)
            + " |"
        )
    for name, by_size in result["explain"].items():
        lines += ["", f"<details><summary>Plans of the {QUERY_NAMES.get(name, name)}, which is not flat</summary>", ""]
        for claims, plans in by_size.items():
            for plan in plans:
                lines += [f"{int(claims):,} claims, {plan['kind']}:", "", "```", plan["plan"], "```", ""]
        lines.append("</details>")
    profiled = result.get("profile")
    if profiled:
        lines += profile_lines(profiled, result["layers"])
    return lines


QUALITY_FLOOR = 0.9  # precision, recall and speaker accuracy, as the tests assert
HELD_OUT_FLOORS = (0.9, 0.8, 0.8)  # the same on the held-out set (tests/test_held_out.py)
SUGGEST_TARGET_S, SPEAKER_TARGET_S, SIMILAR_TARGET_S = 1.0, 0.1, 1.0


def suggestions_section(missed: list[str]) -> list[str]:
    """The editor's help: claim suggestions and speaker detection on the labelled seed articles."""
    result = measure_in_subprocess("benchmarks.suggestions")
    lines = [
        "",
        "## Suggested claims, speakers and the same claim elsewhere (annotations/suggest.py, speakers.py, similar.py)",
        "",
        "Against what a fact-checker labelled in the two seed articles (tests/labelled/): which sentences are worth",
        "checking, and who said each quote. A suggestion matches a labelled sentence when they overlap by half of",
        "each. The set is small and the rules were written with these articles in view, so these figures overstate",
        "what to expect of new articles. The held-out set (tests/labelled/held_out.json: two short texts of other",
        "kinds, labelled before the rules were first run on them, nothing changed afterwards) says what to expect;",
        "its floors are those its test asserts in each text (precision 0.9, recall 0.8, speakers 0.8).",
        "",
        "| article | sentences | labelled claims | suggested: right / wrong | precision | recall | speakers right | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    held = result["held_out"]
    for rows, quoted, floors, note in (
        (result["suggestions"], result["speakers"], (QUALITY_FLOOR,) * 3, ""),
        (held["suggestions"], held["speakers"], HELD_OUT_FLOORS, " (held out)"),
    ):
        for slug, row in rows.items():
            speaker = quoted[slug]
            ok = all(
                value >= floor
                for value, floor in zip((row["precision"], row["recall"], speaker["accuracy"]), floors, strict=True)
            )
            if not ok:
                missed.append(f"suggestions, {slug[:40]}{note}")
            labelled = row["true_positives"] + row["false_negatives"]
            lines.append(
                f"| {slug[:48]}{'…' if len(slug) > 48 else ''}{note} | {row['sentences']} | {labelled} | "
                f"{row['true_positives']} / {row['false_positives']} | {row['precision']:.2f} | {row['recall']:.2f} | "
                f"{speaker['correct']} of {speaker['total']} | {' / '.join(map(str, floors))} {verdict(ok)} |"
            )
    suggest_time = statistics.median(result["suggest_seconds"])
    speaker_time = statistics.median(result["speaker_first_seconds"])
    similar_time = statistics.median(result["similar_seconds"])
    ok_times = suggest_time < SUGGEST_TARGET_S and speaker_time < SPEAKER_TARGET_S and similar_time < SIMILAR_TARGET_S
    if not ok_times:
        missed.append("suggestions, time")
    same = result["same_claims"]
    ok_same = same["precision"] >= QUALITY_FLOOR
    if not ok_same:
        missed.append("same claims across articles, precision")
    lines += [
        "",
        f"**The same claim across articles** ({same['same_pairs']} pairs of passages of the two articles that state the"
        f" same thing, {same['different_pairs']} that share words but do not, each judged both ways): precision"
        f" {same['precision']:.2f} ({same['true_positives']} found, {same['false_positives']} wrong; target at least"
        f" {QUALITY_FLOOR} {verdict(ok_same)}), recall {same['recall']:.2f}: matching is by shared words, so a"
        ' restatement in other words ("wipe out United Russia" for "vote for any candidate other than the Kremlin\'s")'
        " is not found. The claim the issue names, Navalny calling on Russians to vote against the ruling party, is.",
        "",
        f"On a {result['text_kb']} KB article (the seed articles repeated): suggestions {figure(result['suggest_seconds'])}"
        f" (target < {SUGGEST_TARGET_S:.0f} s); a speaker guess on a text not seen before (it analyses the whole text"
        f" once, then answers from a cache) {figure(result['speaker_first_seconds'])} (target < "
        f"{SPEAKER_TARGET_S * 1000:.0f} ms); one claim against 1,000 articles of 5 KB"
        f" {figure(result['similar_seconds'])} (target < {SIMILAR_TARGET_S:.0f} s) {verdict(ok_times)}.",
    ]
    return lines + meaning_lines(result["meaning"], missed)


def meaning_lines(found: dict | None, missed: list[str]) -> list[str]:
    """The optional model (FACTCHECK_SIMILARITY=meaning), when installed (`make semantic`)."""
    if found is None:
        return ["", "**With the optional model**: not installed here (`make semantic`), so not measured."]
    ok = found["precision"] >= QUALITY_FLOOR and statistics.median(found["similar_seconds"]) < SIMILAR_TARGET_S
    if not ok:
        missed.append("same claims across articles, with the optional model")
    return [
        "",
        "**With the optional model** (`make semantic`, `FACTCHECK_SIMILARITY=meaning`: all-MiniLM-L6-v2 also compares"
        f" the 48 likeliest sentences in meaning): precision {found['precision']:.2f}, recall {found['recall']:.2f}"
        f" ({found['true_positives']} found, {found['false_positives']} wrong; the two articles are short enough"
        " that every sentence is compared, so this says nothing of what the cap loses). One claim against the same 1,000"
        f" articles, no sentence embedded before: {figure(found['similar_seconds'])} (target < {SIMILAR_TARGET_S:.0f}"
        f" s) {verdict(ok)}; loading the model once per process: {found['load_seconds']:.1f} s.",
    ]


def reliability_section(missed: list[str]) -> list[str]:
    """Faults and concurrent edits through real servers (benchmarks/faults.py, benchmarks/concurrency.py)."""
    lines = [
        "",
        "## Reliability: faults and concurrent edits",
        "",
        "gunicorn in production mode (2 workers, 4 threads) on a private PostgreSQL cluster the benchmark creates and",
        "deletes. tests/test_faults.py runs the same scripts and asserts the same checks.",
    ]
    title = "A killed worker and a restarted PostgreSQL during 1,000 writes"
    more, faults = section("benchmarks.faults", title, "PostgreSQL's initdb and pg_ctl, and gunicorn", missed, level=3)
    lines += more
    if faults is not None:
        lines += [
            "Clients write claims with 1-3 sources each, one attempt per claim; halfway through, the fault. Checked:",
            "every 2xx write is stored complete, every other one is absent (or complete when only the connection was",
            "lost), an error answer never hides a kept write, server errors are 503, and writes succeed again without",
            "anyone restarting anything.",
            "",
            "| fault | answers | stored | fault took | every write 2xx again after | checks |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, report in faults["scenarios"].items():
            if report["failed_checks"]:
                missed.append(f"faults, {name}: {', '.join(report['failed_checks'])}")
            answers = ", ".join(f"{count} x {status}" for status, count in sorted(report["statuses"].items()))
            lost = report["answers"].get("connection error", 0)
            answers += f", {lost} x no answer" if lost else ""
            stored = ", ".join(f"{count} {state}" for state, count in sorted(report["stored"].items()))
            checks = (
                "all passed"
                if not report["failed_checks"]
                else "**failed: " + "; ".join(report["failed_checks"]) + "**"
            )
            lines.append(
                f"| {name} | {answers} | {stored} | {report['fault']['seconds']:.2f} s | "
                f"{report['recovered_after_seconds']:.2f} s | {checks} |"
            )
    more, edits = section("benchmarks.concurrency", "Two servers editing the same claims", "the same", missed, level=3)
    lines += more
    if edits is not None:
        if edits["failed_checks"]:
            missed.append(f"concurrency: {', '.join(edits['failed_checks'])}")
        servers = "; ".join(
            f"server {name}: {server['accepted']} accepted, {server['412']} x 412"
            for name, server in edits["by_server"].items()
        )
        lines += [
            f"{edits['clients']} clients, half on each of two gunicorn instances sharing the database, each "
            f"{edits['rounds']} times: read one of {edits['claims']} claims, then PATCH it with If-Match.",
            "",
            f"- {edits['patches']} PATCHes: {edits['accepted']} accepted, {edits['412']} refused with 412 ({servers});",
            f"  other answers: {edits['unexpected_answers'] or 'none'}.",
            f"- History: {'every accepted edit is there, once, at consecutive versions; none lost' if not edits['history_problems'] else edits['history_problems']}.",
        ]
    return lines


def profile_lines(profiled: dict, layers: dict[str, str]) -> list[str]:
    queries = profiled["queries"]
    lines = [
        "",
        f"## Where the time goes (cProfile, {profiled['claims']:,} claims)",
        "",
        "Each query requested "
        f"{next(iter(queries.values()))['requests']} times under cProfile, in the same process as the scale curve; each",
        "function's own time summed by the layer its file belongs to, per request. The profiler slows Python code",
        "(not the database), so Python's share is overstated: the time without the profiler is in the first row.",
        "",
        "| layer | " + " | ".join(QUERY_NAMES.get(name, name) for name in queries) + " |",
        "| --- | " + " | ".join("---" for _ in queries) + " |",
        "| *wall time per request without the profiler* | "
        + " | ".join(spread_ms(row["wall_ms_without_profiler"]) for row in queries.values())
        + " |",
        "| *with the profiler* | " + " | ".join(ms(row["profiled_ms"]) for row in queries.values()) + " |",
    ]
    for layer, label in layers.items():
        lines.append(
            f"| {label} | "
            + " | ".join(
                f"{row['layers_ms'][layer]:.2f} ms ({row['layers_ms'][layer] / row['profiled_ms']:.0%})"
                for row in queries.values()
            )
            + " |"
        )
    first = next(iter(queries))
    lines += [
        "",
        f"The functions that take the most time themselves in the {QUERY_NAMES.get(first, first)}:",
        "",
        "| function | calls per request | ms per request |",
        "| --- | --- | --- |",
        *(f"| `{row['function']}` | {row['calls']:.0f} | {row['ms']:.2f} |" for row in queries[first]["top"]),
        "",
        "Before this work (commit bbcfa0f, 100,000 claims) the same list cost 20.7 ms of CPU per request under load:",
        "an exact `COUNT(*)` of every match on every page (44 of the 47 ms of SQL at 1,000,000 claims), a model",
        "instance for each claim, its two users and each source, a queryset per claim for its sources, and JSON by the",
        "standard library. The list now reads plain rows in two queries, counts at most 10,001 matches (then keeps",
        "PostgreSQL's estimate; docs/api.md), skips django-filter when no filter is asked, reads the user's roles",
        "with one plain query and encodes with orjson.",
    ]
    return lines


def main() -> int:
    missed = []
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/run.py); do not edit by hand. Each time is the median of several runs,",
        "with min and max. A missed target makes `make bench` fail.",
        "",
        f"Machine: {machine()}.",
        "",
        "## Re-anchoring (annotations/anchoring.py)",
        "",
        "A 100 KB article built from the seed articles' vocabulary, with 2,000 claims of 3 to 20 words (they overlap),",
        "revised by word edits (replace, delete or insert) at random positions. A claim *survived* when none of its",
        "words was edited; it must be found at exactly its new offsets. A claim *edited* had some of its words changed;",
        "it is either relocated to a span overlapping its words' new place, or orphaned, and never put elsewhere.",
        "",
        "| revision | time for 2,000 claims | target | survived: recovered at the right words | wrongly placed | edited: relocated in place / elsewhere / orphaned | fully deleted: orphaned |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, outcome in anchoring_bench.cases():
        median = statistics.median(outcome.seconds)
        ok = median < ANCHORING_TARGET and outcome.recovered == outcome.survived and outcome.wrong == 0
        ok = ok and outcome.edited_elsewhere == 0 and outcome.deleted_orphaned == outcome.deleted
        if not ok:
            missed.append(f"re-anchoring, {name}")
        share = f"{outcome.recovered}/{outcome.survived} ({100 * outcome.recovered / max(1, outcome.survived):.1f}%)"
        lines.append(
            f"| {name} | {figure(outcome.seconds)} | < {ANCHORING_TARGET:.0f} s, all survivors recovered, none misplaced "
            f"{'(met)' if ok else '**(missed)**'} | {share} | {outcome.wrong + outcome.edited_elsewhere} | "
            f"{outcome.edited_in_place} / {outcome.edited_elsewhere} / {outcome.edited_orphaned} of {outcome.edited} | "
            f"{outcome.deleted_orphaned}/{outcome.deleted} |"
        )
    lines += [
        "",
        "## Revising an article (services.revise_article)",
        "",
        "The same article and 2,000 claims in the database; the whole service: sanitize and extract the text,",
        "re-anchor, update the claims, write 2,000 history entries and the revision, in one transaction. Runs alternate",
        "between the revised and the original text.",
        "",
        "| revision | time | target |",
        "| --- | --- | --- |",
    ]
    for name, seconds in measure_in_subprocess("benchmarks.revise_service").items():
        ok = statistics.median(seconds) < SERVICE_TARGET
        if not ok:
            missed.append(f"revise_article, {name}")
        lines.append(f"| {name} | {figure(seconds)} | < {SERVICE_TARGET:.0f} s {'(met)' if ok else '**(missed)**'} |")
    lines += [
        "",
        "## The editor page (annotations/static/annotations/)",
        "",
        f"An article of about 35 KB with {EDITOR_CLAIMS} claims, opened in headless Chromium from Django's WSGI",
        "handler on 127.0.0.1 (after one warm-up load). Measured in the page with `performance.now()`.",
        "",
        "| figure | time | target |",
        "| --- | --- | --- |",
    ]
    for name, values in measure_in_subprocess("benchmarks.editor").items():
        row = f"| {name} | {statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f}, {len(values)} runs) |"
        if name.startswith("page load"):
            ok = statistics.median(values) < EDITOR_TARGET_MS
            if not ok:
                missed.append("editor, highlights drawn")
            row += f" < {EDITOR_TARGET_MS} ms {'(met)' if ok else '**(missed)**'} |"
        else:
            row += " context |"
        lines.append(row)
    lines += export_section(missed)
    lines += suggestions_section(missed)
    lines += load_section(missed)
    lines += scale_section(missed)
    lines += reliability_section(missed)
    lines[5] += " " + stolen_since_start()
    DOC.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if missed:
        print("Targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


PARTS = {
    "suggestions": suggestions_section,
    "load": load_section,
    "scale": scale_section,
    "exports": export_section,
}


def update_part(name: str) -> int:
    """`python -m benchmarks.run suggestions`: measure one section again and put it in place of its old text in
    docs/benchmarks.md (the rest keeps the figures of the last full run; the section names its own machine)."""
    missed: list[str] = []
    lines = PARTS[name](missed)
    lines[3:3] = [f"Measured on its own (`python -m benchmarks.run {name}`): {machine()}. {stolen_since_start()}", ""]
    old = DOC.read_text().rstrip("\n").split("\n")
    sections = [i for i, line in enumerate(old) if line.startswith("## ")]
    here = next((i for i in sections if old[i].split(" (")[0] == lines[1].split(" (")[0]), None)
    if here is None:  # a new section: at the end
        start = end = len(old)
    else:  # from the blank line before its heading to the one before the next heading it does not write itself
        written = {line.split(" (")[0] for line in lines if line.startswith("## ")}
        start = here - 1
        end = next((i - 1 for i in sections if i > here and old[i].split(" (")[0] not in written), len(old))
    DOC.write_text("\n".join(old[:start] + lines + old[end:]) + "\n")
    print("\n".join(lines))
    if missed:
        print("Targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(update_part(sys.argv[1]) if len(sys.argv) > 1 else main())
