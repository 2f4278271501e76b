"""`manage.py bench` end to end with tiny numbers: gunicorn on its throwaway database (a
SQLite file, or PostgreSQL with DATABASE_URL), every pair measured and in the summary with
its ratio. Run as a separate process: the bench makes and drops a database of its own, which
must not be the tests' own."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.http.stats import summarize
from bench.management.commands.bench import Pair, PairResult, summary_figures

PROJECT = Path(__file__).resolve().parents[2]
PAIRS = [
    ("case detail page (/cases/<number>/)", "bare detail", "goal ≥ 25%"),
    ("case list page (/cases/)", "bare detail", "goal ≥ 15%"),
    ("petition list page (/petitions/)", "bare detail", "goal ≥ 15%"),
    ("my queue page (/cases/queue/)", "bare detail", "goal ≥ 15%"),
    ("petition list API (/api/v1/petitions/)", "bare detail", "goal ≥ 15%"),
    ("case list API (/api/v1/cases/)", "bare detail", "goal ≥ 15%"),
    ("intake API (POST /api/v1/petitions/)", "bare intake", "goal ≥ 40%"),
    ("accept API (POST /api/v1/cases/<n>/accept/)", "bare intake", "no goal"),
]


def bench_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of the bench's process: its own VAR_DIR, and on PostgreSQL a database
    name of its own (the bench drops `test_<name>`, which would otherwise be the tests')."""
    environment = {**os.environ, "VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    for folder in ("broker", "processed", "control"):
        (tmp_path / "celery" / folder).mkdir(parents=True)
    if url := os.environ.get("DATABASE_URL"):
        parts = urlsplit(url)
        environment["DATABASE_URL"] = urlunsplit(parts._replace(path=f"{parts.path}_benchsmoke"))
    return environment


def test_the_bench_measures_every_pair_over_http_and_reports_its_ratio(tmp_path):
    finished = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "bench",
            "--seconds=0.2",
            "--slice=0.2",
            "--warm-up=0",
            "--rows=5",
            "--concurrency=2",
        ],
        cwd=PROJECT,
        env=bench_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = finished.stdout
    assert "gunicorn at http://127.0.0.1:" in report and "2 sync workers" in report
    summary = report.split("=== summary ===", 1)[1]
    for target, baseline, goal in PAIRS:
        line = next(line for line in summary.splitlines() if line.startswith(target))
        assert re.search(rf"\d+\.\d% of {baseline} \({goal}", line), line
        assert re.search(r"req/s p50 +\d+\.\d p95 +\d+\.\d ms \| baseline", line), line
    assert not (tmp_path / "bench.sqlite3").exists()  # dropped at the end


def test_the_summary_gives_the_ratio_beside_the_goal_and_both_latencies():
    result = PairResult(
        Pair("intake", "bare intake", 0.4),
        target=summarize([10.0, 20.0], seconds=1.0),
        baseline=summarize([1.0] * 8, seconds=1.0),
    )
    ((name, value),) = summary_figures([result])
    assert name == "intake"
    assert value.startswith(" 25.0% of bare intake (goal ≥ 40%")
    assert "2.0 req/s p50   10.0 p95   20.0 ms | baseline     8.0 req/s p50    1.0" in value
