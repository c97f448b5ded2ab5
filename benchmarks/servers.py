"""What the benchmarks run against: gunicorn in production mode on a free port of 127.0.0.1 (Server), a private
PostgreSQL cluster of their own (PrivatePostgres), the production environment and database set-up, and a small
JSON client that never raises on a failed request.

Used by benchmarks/load.py (under wrk), benchmarks/faults.py (a killed worker, a restarted database) and
benchmarks/concurrency.py (two servers editing the same claims).
"""

from __future__ import annotations

import http.client
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.scratch import Skip

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
SAMPLE_SECONDS = 0.25


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(parent: int) -> list[int]:
    """The processes whose parent is `parent` (this kernel has no /proc/<pid>/task/<pid>/children)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def process_cpu_ticks(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a process, in kB; empty once it is gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                name, value = line.split(":", 1)
                values[name] = int(value.split()[0])
    except OSError:
        return {}
    return values


class WorkerSampler(threading.Thread):
    """Samples the master's children every SAMPLE_SECONDS: peak memory and CPU ticks of each worker ever seen."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.peak_kb: dict[int, int] = {}
        self.ticks: dict[int, int] = {}

    def sample(self) -> None:
        for pid in children_of(self.master):
            memory = memory_kb(pid)
            ticks = process_cpu_ticks(pid)
            if not memory or ticks is None:
                continue
            with self.lock:
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), memory.get("VmHWM", 0))
                self.ticks[pid] = ticks

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_SECONDS):
            self.sample()

    def mark(self) -> dict[int, int]:
        self.sample()
        with self.lock:
            return dict(self.ticks)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


class Server:
    """gunicorn in production mode on a free port of 127.0.0.1, as gunicorn.conf.py configures it."""

    def __init__(self, env: dict[str, str], threads: int, folder: Path, worker_class: str = "gthread") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.threads = threads
        self.errors = (folder / f"gunicorn-{worker_class}-{threads}-threads-{self.port}.log").open("wb")
        # gunicorn.conf.py sets worker_class = "gthread"; the command line overrides it for the comparison.
        override = [] if worker_class == "gthread" else ["--worker-class", worker_class]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", *override],
            cwd=ROOT,
            env=env
            | {
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(WORKERS),
                "GUNICORN_THREADS": str(threads),
            },
            stdout=subprocess.DEVNULL,  # the access log
            stderr=self.errors,
        )
        self.sampler = WorkerSampler(self.process.pid)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.error_log()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200 and len(children_of(self.process.pid)) == WORKERS:
                        break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.error_log()}")
        self.sampler.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sampler.stop()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)  # graceful_timeout is 30 s
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.errors.close()

    def error_log(self) -> str:
        self.errors.flush()
        return Path(self.errors.name).read_bytes().decode(errors="replace")[-3000:]

    def workers(self) -> list[int]:
        return children_of(self.process.pid)

    def memory(self) -> dict:
        """Each worker's peak and current resident memory now, and the highest peak of any worker so far."""
        self.sampler.sample()
        current = []
        for pid in self.workers():
            values = memory_kb(pid)
            if values:
                current.append({"pid": pid, "peak_mb": values["VmHWM"] / 1024, "rss_mb": values["VmRSS"] / 1024})
        master = memory_kb(self.process.pid)
        with self.sampler.lock:
            peaks = dict(self.sampler.peak_kb)
        return {
            "workers_after_load": current,
            "peak_mb_any_worker": max(peaks.values()) / 1024 if peaks else None,
            "worker_processes_seen": len(peaks),
            "master_rss_mb": master.get("VmRSS", 0) / 1024,
        }


def production_env(database_url: str, folder: Path) -> dict[str, str]:
    """The environment of gunicorn.conf.py in production mode on `database_url`: a fresh secret, 127.0.0.1 over plain
    HTTP, no API throttling (the benchmarks' clients write faster than any person), files in `folder`."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    return inherited | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_THROTTLE_USER": "off",
        "DJANGO_THROTTLE_ANON": "off",
        "DJANGO_CACHE_DIR": str(folder / "cache"),
    }


def run_python(arguments: list[str], env: dict[str, str]) -> str:
    """Run `python <arguments>` in the project folder; its standard output, or a RuntimeError with its errors."""
    result = subprocess.run(
        [sys.executable, *arguments], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(arguments[:3])} failed:\n{(result.stderr or result.stdout)[-3000:]}")
    return result.stdout


def set_up_newsroom(env: dict[str, str], articles: int) -> dict:
    """Migrate the database, then make an editor with a DRF token and `articles` articles (in a child process, so
    this one never imports Django). Returns {"token": ..., "articles": [ids], "quote": words of every article}."""
    run_python(["manage.py", "migrate", "--noinput", "-v0"], env)
    code = f"from benchmarks.servers import print_newsroom; print_newsroom({articles})"
    return json.loads(run_python(["-c", code], env).splitlines()[-1])


QUOTE = "the bridge cost 4 million euros"


def print_newsroom(articles: int) -> None:
    """Run by set_up_newsroom inside the database: an editor "bench-editor" in the Editors group (from the
    migrations) with a token, and articles that each hold QUOTE once."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from annotations import roles, services
    from annotations.ingest import ArticleInput

    editor = get_user_model().objects.create_user("bench-editor")  # no usable password: it never signs in
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    made = [
        services.import_article(
            ArticleInput(title=f"Bridge {n}", body_html=f"<p>Bridge {n}: the mayor said {QUOTE}.</p>")
        ).article
        for n in range(1, articles + 1)
    ]
    token = Token.objects.create(user=editor)
    print(json.dumps({"token": token.key, "articles": [article.pk for article in made], "quote": QUOTE}))


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer at all (refused, reset, timed out)
    body: Any  # the JSON, or None
    etag: str = ""
    error: str = ""  # why there was no answer

    @property
    def outcome(self) -> str:
        """How a client sees it: "2xx", "4xx", "5xx" or "connection error"."""
        return "connection error" if self.status is None else f"{self.status // 100}xx"


def call(
    method: str, url: str, token: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 5.0
) -> Answer:
    """One HTTP request with an editor's token, never retried, on a new connection (gunicorn.conf.py closes each
    one after its answer anyway)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    sent = {"Authorization": f"Token {token}", "Accept": "application/json", **(headers or {})}
    payload = None
    if body is not None:
        payload, sent["Content-Type"] = json.dumps(body), "application/json"
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), payload, sent)
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, None, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None  # Django's plain "Server Error (500)" page
    return Answer(response.status, parsed, response.headers.get("ETag", ""))


def require_modules() -> None:
    """gunicorn to serve, psycopg2 to reach PostgreSQL: Skip without them."""
    import importlib.util

    for module in ("gunicorn", "psycopg2"):
        if importlib.util.find_spec(module) is None:
            raise Skip(f"{module} is not installed in {sys.executable}'s environment.")


def postgres_binaries() -> Path:
    """The folder of PostgreSQL's initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else PATH."""
    candidates = [Path(os.environ["PG_BIN"])] if os.environ.get("PG_BIN") else []
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(installed, key=lambda folder: folder.parent.name.zfill(4), reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(Path(shutil.which("pg_ctl")).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise Skip("PostgreSQL's initdb and pg_ctl were not found (install postgresql, or set PG_BIN to their folder).")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster: initdb into a temporary folder, trust authentication, a free port of
    127.0.0.1 and its socket in that folder; stopped and deleted on exit. A benchmark may restart it without
    touching any other database. As root, PostgreSQL runs as the `postgres` OS user (it refuses to run as root)."""

    def __init__(self) -> None:
        self.binaries = postgres_binaries()
        self.owner = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Skip("Running as root, PostgreSQL needs the `postgres` OS user to run as.") from None
            if shutil.which("runuser") is None:
                raise Skip("Running as root, `runuser` is needed to start PostgreSQL as the postgres user.")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/factcheck"

    def __enter__(self) -> PrivatePostgres:
        self.folder = Path(tempfile.mkdtemp(prefix="factcheck-pg-"))
        self.data, self.log_file = self.folder / "data", self.folder / "server.log"
        if self.owner is not None:
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)
        try:
            self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
            options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log_file), "-o", options, "-w", "start")
            self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "factcheck")
        except BaseException:
            self.__exit__()
            raise
        return self

    def restart(self) -> None:
        """A fast restart: every connection is closed, open transactions are rolled back."""
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log_file), "-m", "fast", "-w", "restart")

    def __exit__(self, *exc) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def postmaster_pid(self) -> int:
        """The server's process id: another one after a restart."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def version(self) -> str:
        return self._pg("pg_ctl", "--version").strip()

    def _pg(self, program: str, *arguments: str, check: bool = True) -> str:
        command = [str(self.binaries / program), *arguments]
        if self.owner is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        # -l keeps the server's output out of our pipes, or run() would wait for the server to exit.
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, timeout=120, check=False)
        if check and result.returncode:
            server_log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{program} {' '.join(arguments)} failed:\n{result.stderr}{result.stdout}{server_log}")
        return result.stdout
