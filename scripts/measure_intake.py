"""Queries and milliseconds per intake, in process: the intake API, the clerk's intake form and
the bare three-insert view, interleaved, in a throwaway database (PostgreSQL with DATABASE_URL).

    DATABASE_URL=postgres://... .venv/bin/python scripts/measure_intake.py [N] [--queries]

Not a benchmark of record (`make bench` is): a quick before/after of one change.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import OrgLevel  # noqa: E402
from accounts.roles import Role  # noqa: E402
from bench import baselines  # noqa: E402
from bench.database import throwaway_database  # noqa: E402
from bench.management.commands.bench import _id_numbers  # noqa: E402
from bench.orgs import bench_city, unit, user  # noqa: E402
from petitions.models import Category  # noqa: E402


def main(n: int, show_queries: bool) -> None:
    baselines.create_table()
    city, office = bench_city()
    location = unit("BENCHD1", "基准区", OrgLevel.DISTRICT, parent=city)
    clerk = user("bench-clerk", office, Role.RECEPTION, Role.HANDLER)
    client = Client()
    client.force_login(clerk)
    ids = _id_numbers()
    last = [""]
    category = Category.objects.get(code="0301").pk

    def api() -> int:
        body = {
            "channel": "visit",
            "received_at": timezone.now().isoformat(),
            "location_unit": location.code,
            "category": "0301",
            "person_count": 1,
            "summary": "反映拖欠工资问题",
            "petitioners": [{"name": "张三", "id_number": next(ids), "phone": "13812345678"}],
        }
        return client.post("/api/v1/petitions/", body, content_type="application/json").status_code

    def form() -> int:
        now = timezone.localtime()
        body = {
            "channel": "visit",
            "received_at": now.strftime("%Y-%m-%dT%H:%M"),
            "receiving_unit": office.pk,
            "location_unit": location.pk,
            "category": category,
            "matter_kind": "complaint",
            "person_count": 1,
            "summary": "反映拖欠工资问题",
            "petitioners-TOTAL_FORMS": "1",
            "petitioners-INITIAL_FORMS": "0",
            "petitioners-0-name": "李四",
            "petitioners-0-id_number": next(ids),
            "petitioners-0-phone": "13812345678",
            "petitioners-0-role": "principal",
        }
        response = client.post("/petitions/new/", body)
        last[0] = response.content.decode() if response.status_code != 302 else ""
        return response.status_code

    def bare() -> int:
        return client.post("/bench/three-inserts/", "x" * 50, content_type="text/plain").status_code

    calls = {"intake API": (api, 201), "intake form": (form, 302), "three inserts": (bare, 201)}
    for name, (call, expected) in calls.items():  # warm up, and show one request's queries
        for _ in range(3):
            status = call()
            assert status == expected, (name, status, last[0])
        with CaptureQueriesContext(connection) as ctx:
            call()
        print(f"{name}: {len(ctx.captured_queries)} queries")
        if show_queries:
            for q in ctx.captured_queries:
                print("   ", q["time"], q["sql"][:150])
    if os.environ.get("PROFILE"):  # where one request's CPU time goes
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU time, not waits
        profiler.runcall(lambda: [calls[os.environ["PROFILE"]][0]() for _ in range(n)])
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", ""), 60)
        stats.sort_stats("tottime").print_stats(40)
        return
    # Wall time and this process's CPU time (what a loaded machine disturbs least).
    times: Counter[str] = Counter()
    cpu: Counter[str] = Counter()
    for _ in range(n):
        for name, (call, expected) in calls.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            status = call()
            times[name] += time.perf_counter() - start
            cpu[name] += time.process_time() - start_cpu
            assert status == expected, (name, status)
    base, base_cpu = times["three inserts"], cpu["three inserts"]
    for name in calls:
        ms, cpu_ms = 1000 * times[name] / n, 1000 * cpu[name] / n
        print(
            f"{name:<14} {ms:7.2f} ms/req ({base / times[name]:6.1%} of three inserts)"
            f"  CPU {cpu_ms:6.2f} ms/req ({base_cpu / cpu[name]:6.1%})"
        )


if __name__ == "__main__":
    count = int(next((a for a in sys.argv[1:] if a.isdigit()), "200"))
    with (
        throwaway_database(),
        override_settings(
            ROOT_URLCONF=baselines.__name__,
            ALLOWED_HOSTS=["testserver"],
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        main(count, "--queries" in sys.argv)
