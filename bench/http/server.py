"""gunicorn for the benches: the project's WSGI application with the bench's settings laid
over it (`bench.wsgi`) on a given database, on a free local port, for the duration."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.http.client import Session

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The variable bench.wsgi reads the database's name from.
DATABASE_NAME_VARIABLE = "BENCH_DATABASE_NAME"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the system's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(
    database_name: str,
    *,
    workers: int = 2,
    port: int | None = None,
    application: str = "bench.wsgi:application",
    start_timeout: float = 60.0,
) -> Iterator[str]:
    """gunicorn with `workers` sync workers serving `application` (by default the project's
    with the bench's settings: persistent connections, DEBUG off, the bench URLconf, a fast
    password hasher; see bench.wsgi) on the database `database_name` of the configured
    server (a file's path on SQLite).
    Yields its base URL ("http://127.0.0.1:<port>") once it answers; stops it afterwards,
    also on an error or Ctrl-C. Its log is printed to stderr if it fails to start."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        DATABASE_NAME_VARIABLE: database_name,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        application,
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        f"--chdir={PROJECT_DIR}",
        "--timeout=120",
        "--graceful-timeout=10",
        "--log-level=warning",
    ]
    with tempfile.TemporaryFile(prefix="bench-gunicorn-") as log:
        # A session of its own: Ctrl-C reaches this process, which then stops gunicorn.
        process = subprocess.Popen(
            command,
            env=environment,
            cwd=PROJECT_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_answering(process, base_url, start_timeout, log)
            yield base_url
        finally:
            _stop(process)


def _wait_until_answering(process: subprocess.Popen, base_url: str, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log)}")
        try:
            status, _ = Session(base_url, timeout=5).request("GET", "/login/")
        except OSError:
            status = None
        if status is not None:
            if status >= 500:
                raise RuntimeError(f"gunicorn answers /login/ with {status}:\n{_tail(log)}")
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    """Graceful stop (SIGTERM to the master, which stops its workers), then SIGKILL to the
    whole group if it lingers: no worker may keep a connection to a database to be dropped."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def _tail(log, lines: int = 40) -> str:
    log.seek(0)
    return "\n".join(log.read().decode("utf-8", "replace").splitlines()[-lines:])
