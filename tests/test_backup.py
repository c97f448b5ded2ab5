"""Backups bring back every claim, source, review and history row, with the users, groups, tokens and articles
behind them: pg_dump and pg_restore on PostgreSQL; dumpdata and loaddata on SQLite, on PostgreSQL, and from SQLite to
PostgreSQL. The tests run the very commands docs/backup.md gives.

Each newsroom is built through the services (tests/backup_data.py), in a subprocess, in a database of its own: the
test database lives inside a transaction, which pg_dump would not see.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.core.management import call_command
from psycopg2 import sql

from tests.factories import make_claim, make_source, make_user

ROOT = Path(__file__).resolve().parent.parent

# The commands of docs/backup.md, written there with DOCUMENTED's values; the tests fill in their own.
PG_DUMP = "pg_dump --format=custom --file={archive} {database}"
PG_RESTORE = (
    "pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname={new_database} {archive}"
)
DUMP_ACCOUNTS = (
    "python manage.py dumpdata auth.group auth.user admin.logentry --all --natural-foreign --format=yaml "
    "--output={folder}/accounts.yaml"
)
DUMP_CONTENT = (
    "python manage.py dumpdata --all --exclude=auth --exclude=admin --exclude=contenttypes --exclude=sessions "
    "--format=yaml --output={folder}/content.yaml"
)
MIGRATE = "python manage.py migrate --no-input"
FLUSH = "python manage.py flush --no-input"
LOADDATA = "python manage.py loaddata {folder}/accounts.yaml {folder}/content.yaml"
# After loaddata: ids continue after every id the tables or their history hold, so that no new row takes the id of
# a deleted one that history still names (loaddata only moves them past the rows it loaded).
RETIRE_IDS = "python manage.py advance_id_counters"
DOCUMENTED = {
    "archive": "factcheck.dump",
    "database": '"$DATABASE_URL"',
    "new_database": '"$NEW_DATABASE_URL"',
    "folder": "backup",
}
TESTED_COMMANDS = [PG_DUMP, PG_RESTORE, DUMP_ACCOUNTS, DUMP_CONTENT, MIGRATE, FLUSH, LOADDATA, RETIRE_IDS]

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432"
_database_numbers = itertools.count(1)


def run(command: str, env: dict[str, str], **values: object) -> str:
    """Run a command of docs/backup.md (or of tests/backup_data.py) with this test's paths and databases."""
    args = [sys.executable if arg == "python" else arg.format(**values) for arg in shlex.split(command)]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{shlex.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def django_env(database_url: str = "", sqlite: Path | None = None) -> dict[str, str]:
    # The test settings only swap in a fast password hasher; the rest is the app's settings.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.test_settings", "DATABASE_URL": database_url}
    return env | {"DJANGO_SQLITE_NAME": str(sqlite)} if sqlite else env


@dataclass(frozen=True)
class Newsroom:
    """A database holding tests/backup_data.py's newsroom, its rows, and its dumpdata backup."""

    rows: dict[str, list]
    backup: Path
    url: str = ""


def build_newsroom(env: dict[str, str], folder: Path, url: str = "") -> Newsroom:
    run(MIGRATE, env)
    run("python -m tests.backup_data build", env)
    run(DUMP_ACCOUNTS, env, folder=folder)
    run(DUMP_CONTENT, env, folder=folder)
    return Newsroom(json.loads(run("python -m tests.backup_data rows", env)), folder, url)


def postgres_server() -> str:
    """The server of DATABASE_URL when the suite runs on PostgreSQL, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return LOCAL_POSTGRES
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@contextlib.contextmanager
def new_postgres_database(server: str) -> Iterator[str]:
    """An empty database of its own (factcheck_backup_<pid>_<n>), dropped afterwards."""
    name = f"factcheck_backup_{os.getpid()}_{next(_database_numbers)}"
    maintenance = f"--maintenance-db={server}/postgres"
    run(f"createdb {maintenance} {name}", dict(os.environ))
    try:
        yield f"{server}/{name}"
    finally:
        run(f"dropdb --force --if-exists {maintenance} {name}", dict(os.environ))


def table_rows(url: str) -> dict[str, list]:
    """Every row of every table, as PostgreSQL writes it out (generated columns too), and every sequence's place."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(name for (name,) in cursor.fetchall())
            rows = {}
            for table in tables:
                cursor.execute(
                    sql.SQL("SELECT row_to_json(t)::text FROM {} AS t ORDER BY 1").format(sql.Identifier(table))
                )
                rows[table] = [row for (row,) in cursor.fetchall()]
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
            rows["sequences"] = sorted(cursor.fetchall())
        return rows
    finally:
        connection.close()


SCHEMA = {
    "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default, is_generated, "
    "generation_expression FROM information_schema.columns WHERE table_schema = 'public'",
    "constraints": "SELECT conrelid::regclass::text, conname, contype FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "extensions": "SELECT extname FROM pg_extension",
}


def schema(url: str) -> dict[str, list[tuple]]:
    """The database's columns (generated ones too), constraints, indexes and extensions."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            described = {}
            for name, query in SCHEMA.items():
                cursor.execute(query)
                described[name] = sorted(cursor.fetchall(), key=repr)
        return described
    finally:
        connection.close()


def assert_same_rows(restored: dict[str, list], original: dict[str, list]) -> None:
    assert sorted(restored) == sorted(original)
    for table, rows in original.items():
        assert restored[table] == rows, f"{table} differs after the restore"


def assert_new_rows_start_their_own_history(env: dict[str, str]) -> None:
    """A claim written after the restore has a history of its own, and new ids after every id history holds."""
    added = json.loads(run("python -m tests.backup_data add-claim", env))
    assert added["article history"] == ["+", "~"]  # imported, revised
    assert added["claim history"] == ["+", "~", "~", "~"]  # created, submitted, approved, re-anchored
    assert added["source history"] == ["+"]
    assert added["claims naming the newcomer"] == [added["new claim"]]


# PostgreSQL: skipped only where there is none; CI must have it.


@pytest.fixture(scope="module")
def postgres() -> str:
    server = postgres_server()
    try:
        psycopg2.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg2.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        message = f"PostgreSQL at {urlsplit(server).hostname}:{urlsplit(server).port} is unreachable: {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the backup tests must run on PostgreSQL)")
        pytest.skip(message)
    return server


@pytest.fixture(scope="module")
def sqlite_newsroom(tmp_path_factory) -> Newsroom:
    folder = tmp_path_factory.mktemp("sqlite_newsroom")
    return build_newsroom(django_env(sqlite=folder / "newsroom.sqlite3"), folder)


@pytest.fixture(scope="module")
def postgres_newsroom(postgres, tmp_path_factory) -> Iterator[Newsroom]:
    with new_postgres_database(postgres) as url:
        yield build_newsroom(django_env(url), tmp_path_factory.mktemp("postgres_newsroom"), url)


def test_pg_dump_and_pg_restore_bring_back_every_row_into_an_empty_database(postgres, postgres_newsroom, tmp_path):
    archive = tmp_path / "factcheck.dump"
    run(PG_DUMP, dict(os.environ), archive=archive, database=postgres_newsroom.url)
    with new_postgres_database(postgres) as restored:
        run(PG_RESTORE, dict(os.environ), archive=archive, new_database=restored)

        assert_same_rows(table_rows(restored), table_rows(postgres_newsroom.url))
        assert schema(restored) == schema(postgres_newsroom.url)
        assert_new_rows_start_their_own_history(django_env(restored))


@contextlib.contextmanager
def new_database(request: pytest.FixtureRequest, engine: str, folder: Path) -> Iterator[dict[str, str]]:
    if engine == "sqlite":
        yield django_env(sqlite=folder / "restored.sqlite3")
        return
    with new_postgres_database(request.getfixturevalue("postgres")) as url:
        yield django_env(url)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pytest.param("sqlite", "sqlite", id="sqlite-to-sqlite"),
        pytest.param("postgres", "postgres", id="postgres-to-postgres"),
        pytest.param("sqlite", "postgres", id="sqlite-to-postgres"),
    ],
)
def test_dumpdata_and_loaddata_bring_back_every_row_into_a_new_database(request, tmp_path, source, target):
    newsroom = request.getfixturevalue(f"{source}_newsroom")
    with new_database(request, target, tmp_path) as env:
        run(MIGRATE, env)
        run(FLUSH, env)
        run(LOADDATA, env, folder=newsroom.backup)
        run(RETIRE_IDS, env)

        assert_same_rows(json.loads(run("python -m tests.backup_data rows", env)), newsroom.rows)
        assert_new_rows_start_their_own_history(env)


def test_the_guide_gives_the_commands_these_tests_run():
    guide = (ROOT / "docs" / "backup.md").read_text()
    for command in TESTED_COMMANDS:
        assert command.format(**DOCUMENTED) in guide, command


@pytest.mark.django_db
def test_loaddata_restores_a_claims_copy_of_its_source_titles_as_it_was_backed_up(tmp_path):
    """Raw saves skip the titles signals (restoring a backup takes half the time): the copy comes from the backup."""
    claim = make_claim()
    make_source(claim, title="City budget 2024")
    backup = tmp_path / "backup.json"
    call_command("dumpdata", "annotations.claim", "annotations.source", output=str(backup), verbosity=0)
    rows = backup.read_text().replace('"title": "City budget 2024"', '"title": "Renamed in the backup"')
    assert "Renamed in the backup" in rows
    backup.write_text(rows)
    call_command("loaddata", str(backup), verbosity=0)
    claim.refresh_from_db()
    assert claim.source_titles == "City budget 2024"  # the claim row as backed up: no signal recomputed it
    assert claim.sources.get().title == "Renamed in the backup"


@pytest.mark.django_db(transaction=True)
def test_advance_id_counters_never_moves_a_counter_back():
    """A review deleted with its claim leaves no row and no history: its id must stay retired all the same."""
    from annotations.models import Review

    claim = make_claim(review_state="pending")
    reviewer = make_user("rev", role="Reviewers")
    retired = Review.objects.create(claim=claim, reviewer=reviewer, decision="approve").pk
    Review.objects.all().delete()
    call_command("advance_id_counters", verbosity=0)
    assert Review.objects.create(claim=claim, reviewer=reviewer, decision="approve").pk > retired
