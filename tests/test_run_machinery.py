"""`make run`'s processes for real: honcho starts web + Celery worker + beat from the Procfile,
on a fresh SQLite database and Celery's filesystem broker, all under a temporary folder.

The web process must serve the Chinese login page, the demo account reception1 must register
a visit on it (through the API), and the worker must execute the heartbeat that beat sends
(HEARTBEAT_SECONDS shortens beat's 60 s interval). Uses no test database.
"""

import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = str(Path(sys.executable).parent)
DEADLINE_SECONDS = 90
HEARTBEAT_DONE = re.compile(r"Task accounts\.tasks\.heartbeat\[[0-9a-f-]+\] succeeded")
STARTED_PID = re.compile(r"\b(?:web|worker|beat)\.\d+ started \(pid=(\d+)\)")
# Variables a developer's shell (or CI) may carry that would point the processes elsewhere.
FOREIGN_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CACHE_URL",
    "DJANGO_ENV",
    "DEBUG",
    "ALLOWED_HOSTS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "VAR_DIR",
    "PORT",
    "DEMO_PASSWORD",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_VARIABLES}
    var_dir = tmp_path / "var"
    env.update(
        # Set explicitly rather than only unset: settings also read the project's .env file,
        # which must not send this run to a developer's PostgreSQL or Redis.
        DJANGO_ENV="development",
        DEBUG="true",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        CACHE_URL="locmemcache://",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        MEDIA_ROOT=str(var_dir / "media"),
        HEARTBEAT_SECONDS="2",
        PORT=str(port),
        PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", ""),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError):
        return 0, ""


def _stop(honcho: subprocess.Popen, output: list[str]) -> None:
    """SIGTERM to honcho stops its children (process groups); SIGKILL whatever is left."""
    if honcho.poll() is None:
        honcho.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            honcho.wait(timeout=30)
    child_groups = [int(m.group(1)) for line in list(output) for m in STARTED_PID.finditer(line)]
    for pgid in [*child_groups, honcho.pid]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    try:
        honcho.wait(timeout=10)
    except subprocess.TimeoutExpired:
        honcho.kill()
        honcho.wait(timeout=10)


def _manage(env: dict[str, str], *args: str) -> None:
    """Run a management command as `make run` does before starting the processes."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _post_json(url: str, payload: dict, token: str = "") -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, json.dumps(payload).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def _register_visit_as_reception1(port: int) -> dict:
    """reception1 of the demo data registers a visit on the running server, via the API."""
    base = f"http://127.0.0.1:{port}/api/v1"
    status, body = _post_json(
        f"{base}/auth/token/", {"username": "reception1", "password": "demo-pass-2026"}
    )
    assert status == 200, body
    status, body = _post_json(
        f"{base}/petitions/",
        {
            "channel": "visit",
            "received_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "location_unit": "JZD1S1C1",
            "category": "0104",
            "person_count": 1,
            "summary": "升平街3号楼楼道垃圾堆积多日无人清运",
            "petitioners": [{"name": "孙佩华", "phone": "13912345678"}],
        },
        token=body["token"],
    )
    assert status == 201, body
    return body


@pytest.mark.e2e
def test_make_run_processes_serve_login_and_run_heartbeat(tmp_path):
    honcho_bin = shutil.which("honcho", path=VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    if not honcho_bin:
        skip_or_fail("honcho is not installed (pip install -r requirements.txt)")

    port = _free_port()
    env = _environment(tmp_path, port)
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "seed_demo", "--petitions", "20")

    output: list[str] = []
    log_path = tmp_path / "honcho.log"
    honcho = subprocess.Popen(
        # -e: an env file that does not exist, so honcho adds nothing from the project's .env.
        [honcho_bin, "start", "-f", str(BASE_DIR / "Procfile"), "-e", str(tmp_path / "none.env")],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )

    def _read() -> None:
        with log_path.open("w", encoding="utf-8") as log:
            for line in honcho.stdout:
                output.append(line)
                log.write(line)
                log.flush()

    reader = threading.Thread(target=_read, daemon=True)
    reader.start()

    login_status, login_ok, heartbeat_ok, registered = 0, False, False, None
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline and not (login_ok and heartbeat_ok):
            if honcho.poll() is not None:
                break
            if not login_ok:
                login_status, body = _get(f"http://127.0.0.1:{port}/login/")
                login_ok = login_status == 200 and "登录" in body
            heartbeat_ok = heartbeat_ok or any(HEARTBEAT_DONE.search(line) for line in output)
            time.sleep(0.5)
        if login_ok:
            registered = _register_visit_as_reception1(port)
    finally:
        _stop(honcho, output)
        reader.join(timeout=10)

    tail = "".join(output[-60:])
    assert heartbeat_ok, f"the worker never executed accounts.tasks.heartbeat:\n{tail}"
    assert login_ok, f"GET /login/ gave {login_status}, not a 200 page with 登录:\n{tail}"
    assert registered is not None
    assert registered["number"].startswith("JZXFJ-")
    assert registered["is_group"] is False
    assert len(registered["query_code"]) == 8
    assert registered["acceptance_due"]
