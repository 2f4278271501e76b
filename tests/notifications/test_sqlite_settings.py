"""The embedded default does not lock up: `make run`'s web, worker and beat share one SQLite
file, which the settings open in WAL mode with a busy timeout, taking the write lock when a
transaction begins; two processes writing at once wait for each other instead of failing with
"database is locked" (which once made a notification's record fail after its SMS had gone out).

Each check runs the real settings in a fresh interpreter on a SQLite file of its own (the
test database itself is in memory, or PostgreSQL)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys, time

import django

django.setup()
from django.db import connection, transaction

command = sys.argv[1]
if command == "pragmas":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    print(json.dumps({
        "vendor": connection.vendor,
        "journal_mode": journal_mode,
        "busy_timeout_ms": busy_timeout,
        "transaction_mode": connection.transaction_mode,
    }))
elif command == "create":
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter VALUES (0)")
elif command == "write":
    start_at, rounds = float(sys.argv[2]), int(sys.argv[3])
    while time.time() < start_at:  # both writers start together
        time.sleep(0.001)
    for _ in range(rounds):
        # Read, then write, in one transaction: the pattern that upgrades a read lock.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
elif command == "count":
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        print(cursor.fetchone()[0])
"""


@pytest.fixture
def sqlite_env(tmp_path):
    """The environment of a `make run` process with no DATABASE_URL: SQLite under VAR_DIR."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "SQLITE_BUSY_TIMEOUT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="development",
        VAR_DIR=str(tmp_path),
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def start(env, *args):
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(env, *args) -> str:
    process = start(env, *args)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_the_default_sqlite_database_runs_in_wal_mode_with_a_busy_timeout(sqlite_env, tmp_path):
    pragmas = json.loads(run(sqlite_env, "pragmas"))

    assert pragmas == {
        "vendor": "sqlite",
        "journal_mode": "wal",
        "busy_timeout_ms": 20000,
        "transaction_mode": "IMMEDIATE",
    }
    assert (tmp_path / "db.sqlite3").exists()


def test_the_busy_timeout_is_a_setting(sqlite_env):
    sqlite_env["SQLITE_BUSY_TIMEOUT"] = "7.5"

    assert json.loads(run(sqlite_env, "pragmas"))["busy_timeout_ms"] == 7500


def test_two_processes_writing_at_once_never_hit_database_is_locked(sqlite_env):
    run(sqlite_env, "create")
    start_at = time.time() + 3  # both interpreters have started by then
    writers = [start(sqlite_env, "write", start_at, 300) for _ in range(2)]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], errors
    assert run(sqlite_env, "count").strip() == "600"  # and no update was lost


def test_an_in_flight_timeout_within_the_task_time_limit_is_refused(sqlite_env):
    sqlite_env["NOTIFY_IN_FLIGHT_SECONDS"] = "300"
    process = start(sqlite_env, "pragmas")
    _out, err = process.communicate(timeout=120)

    assert process.returncode != 0
    assert "NOTIFY_IN_FLIGHT_SECONDS must be more than the task time limit" in err
