"""Settings come from the environment; production mode refuses weak secrets and passes check --deploy."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_SQLITE_NAME": "unused.sqlite3", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "secret",
    ["", "short", "django-insecure-" + "a" * 50, "a" * 60],
    ids=["missing", "short", "django-insecure", "few-distinct-characters"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    result = manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY=secret, DJANGO_ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_debug_and_missing_hosts():
    debug = manage(
        "check", DJANGO_ENV="production", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="x"
    )
    assert debug.returncode != 0
    assert "DJANGO_DEBUG" in debug.stderr
    no_hosts = manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY=STRONG_KEY)
    assert no_hosts.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in no_hosts.stderr


def test_production_passes_check_deploy_without_warnings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="factcheck.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_unknown_mode_and_bad_boolean_are_refused_with_the_variable_named():
    assert "DJANGO_ENV" in manage("check", DJANGO_ENV="staging").stderr
    assert "DJANGO_DEBUG" in manage("check", DJANGO_DEBUG="maybe").stderr


def test_development_runs_on_sqlite_in_the_project_folder_by_default():
    result = manage(
        "shell", "--no-imports", "-c", "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sqlite {ROOT / 'unused.sqlite3'}"


def test_database_url_switches_to_postgresql():
    result = manage(
        "shell", "--no-imports", "-c", "from django.db import connection as c; d = c.settings_dict; print(c.vendor, d['NAME'], d['HOST'], d['CONN_HEALTH_CHECKS'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/factcheck_example",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql factcheck_example 127.0.0.1 True"


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, "-c random_page_cost=1.1 -c jit=off"), ("", None), ("-c work_mem=8MB", "-c work_mem=8MB")],
)
def test_postgresql_connections_get_the_apps_planner_settings_unless_told_otherwise(given, expected):
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/factcheck_example"}
    if given is not None:
        env["DJANGO_PG_OPTIONS"] = given
    result = manage(
        "shell", "--no-imports", "-c", "from django.db import connection as c; print(c.settings_dict['OPTIONS'].get('options'))",
        **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


@pytest.mark.django_db
def test_the_planner_settings_reach_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_check_deploy_refuses_a_throttle_cache_folder_the_server_cannot_write(monkeypatch, settings, tmp_path):
    """Django creates the folder when it starts (and fails if it cannot); this catches one it cannot write."""
    from annotations import checks

    file_cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    settings.CACHES = {"default": file_cache}
    assert checks.throttle_cache_is_writable(None) == []
    monkeypatch.setattr(checks.os, "access", lambda path, mode: False)  # as for a folder owned by another user
    (error,) = checks.throttle_cache_is_writable(None)
    assert error.id == "factcheck.E001"
    assert "throttling would be off" in error.msg


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DJANGO_NUM_PROXIES", "-1"), ("DJANGO_LOGIN_COOLOFF_MINUTES", "0"), ("DJANGO_LOGIN_FAILURE_LIMIT", "0"),
     ("DJANGO_THROTTLE_USER", "lots"), ("DJANGO_THROTTLE_ANON", "10/fortnight")],
)  # fmt: skip
def test_bad_security_settings_are_refused_with_the_variable_named(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
