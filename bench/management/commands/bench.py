"""`manage.py bench`: our intake and list views against bare baselines, in one run.

It builds a throwaway test database on the configured server (SQLite by default, PostgreSQL
with DATABASE_URL), so the figures are comparable between machines and nothing is left
behind. Every request goes through the full middleware stack with Django's test client, in
one process, so the ratios matter more than the absolute figures (there is no HTTP server
in front).
"""

import datetime
import itertools
from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import OrgLevel, OrgUnit, User
from accounts.roles import Role
from bench import baselines
from bench.database import throwaway_database
from bench.orgs import bench_city, unit, user
from bench.timing import calls_per_second
from cases.models import Case, CaseStatus
from core.identity import id_check_character


def _id_numbers():
    for serial in itertools.count():
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=serial % 20000)
        first17 = f"110105{birth:%Y%m%d}{serial % 1000:03d}"
        yield first17 + id_check_character(first17)


class Command(BaseCommand):
    help = "Measure the intake and list views against bare baselines (see README)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
        parser.add_argument("--rows", type=int, default=500, help="petitions behind the lists")

    def handle(self, *args, seconds: float, rows: int, **options):
        # No setup_test_environment(): its template instrumentation would slow every page.
        with (
            throwaway_database(),
            override_settings(
                ROOT_URLCONF=baselines.__name__,
                ALLOWED_HOSTS=["testserver"],
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
        ):
            self._run(seconds=seconds, rows=rows)

    def _run(self, *, seconds: float, rows: int) -> None:
        baselines.create_table()
        clerk, location = self._org()
        client = Client()
        client.force_login(clerk)
        ids = _id_numbers()

        def intake_body() -> dict:
            return {
                "channel": "visit",
                "received_at": timezone.now().isoformat(),
                "location_unit": location.code,
                "category": "0301",
                "person_count": 1,
                "summary": "反映拖欠工资问题",
                "petitioners": [{"name": "张三", "id_number": next(ids), "phone": "13812345678"}],
            }

        measurements: list[tuple[str, Callable[[], int], str]] = [
            ("baseline: one-query page", lambda: client.get("/bench/one-query/").status_code, ""),
            (
                "baseline: three-insert write",
                lambda: client.post(
                    "/bench/three-inserts/", "x" * 50, content_type="text/plain"
                ).status_code,
                "",
            ),
            (
                "intake API (POST /api/v1/petitions/)",
                lambda: client.post(
                    "/api/v1/petitions/", intake_body(), content_type="application/json"
                ).status_code,
                "baseline: three-insert write",
            ),
        ]
        results: dict[str, float] = {}
        self.stdout.write(f"database: {connection.vendor}; {seconds:.1f} s per measurement")
        for name, call, baseline in measurements:
            results[name] = self._measure(name, call, seconds, results.get(baseline))

        self._fill(client, intake_body, rows)
        first_case = Case.objects.order_by("pk").values_list("number", flat=True).first()
        for name, url in [
            (f"petition list page, {rows} rows", "/petitions/"),
            (f"petition list API, {rows} rows", "/api/v1/petitions/"),
            (f"case list page, {rows} cases", "/cases/"),
            (f"case list API, {rows} cases", "/api/v1/cases/"),
            (f"my queue page, {rows} cases to accept", "/cases/queue/"),
            ("case detail page", f"/cases/{first_case}/"),
        ]:
            results[name] = self._measure(
                name,
                lambda url=url: client.get(url).status_code,
                seconds,
                results["baseline: one-query page"],
            )
        waiting = iter(
            Case.objects.filter(status=CaseStatus.REGISTERED)
            .order_by("-pk")
            .values_list("number", flat=True)
        )
        self._measure(
            "accept API (POST /api/v1/cases/{n}/accept/)",
            lambda: client.post(
                f"/api/v1/cases/{next(waiting)}/accept/", {}, content_type="application/json"
            ).status_code,
            seconds,
            results["baseline: three-insert write"],
        )

    def _measure(
        self, name: str, call: Callable[[], int], seconds: float, baseline: float | None
    ) -> float:
        def checked() -> None:
            status = call()
            if status >= 400:
                raise RuntimeError(f"{name}: HTTP {status}")

        rate = calls_per_second(checked, seconds)
        ratio = f"  {rate / baseline:6.1%} of baseline" if baseline else ""
        self.stdout.write(f"{name:<45} {rate:8.1f} req/s {1000 / rate:7.2f} ms/req{ratio}")
        return rate

    def _fill(self, client: Client, body: Callable[[], dict], rows: int) -> None:
        for _ in range(rows):
            client.post("/api/v1/petitions/", body(), content_type="application/json")

    def _org(self) -> tuple[User, OrgUnit]:
        """The clerk who registers (at the city's petition office) and the district where
        the matters are located."""
        city, office = bench_city()
        district = unit("BENCHD1", "基准区", OrgLevel.DISTRICT, parent=city)
        return user("bench-clerk", office, Role.RECEPTION, Role.HANDLER), district
