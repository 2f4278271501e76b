"""`manage.py bench`: our views against bare baselines, over HTTP under gunicorn.

It builds a throwaway test database on the configured server (PostgreSQL with DATABASE_URL;
SQLite, as a file, for a quick smoke), with a clerk of a city petition office, a district,
and `--rows` petitions registered through the intake API. It then starts gunicorn with
`--workers` sync workers (2) on a free local port, serving the project's WSGI application
with the bench's settings (`bench.wsgi`: the bare views of `bench.baselines` in front of the
project's URLs, persistent connections, DEBUG off) on that database, and a load generator in
a process of its own: `--concurrency` (8) sessions logged in as the clerk by the login form,
each sending its next request as soon as the last is answered.

Each of our views is measured against a bare baseline served by the same gunicorn: the writes
against three INSERTs in one transaction, the pages and lists against one SELECT of a case
rendered by a small template. Target and baseline alternate in slices of about `--slice`
seconds (`--seconds` per view in all), the baseline first every other round, so the machine's
drift weighs on both alike. For each: requests per second, p50 and p95 latency, and the share
of its baseline's requests per second, beside the goal of issue 16. Any answer that is not 2xx
stops the bench with its URL and status. gunicorn is stopped and the database dropped at the
end, also on an error or Ctrl-C.
"""

from __future__ import annotations

import json
import math
import signal
import sys
import time
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings

from accounts.models import OrgLevel, OrgUnit, User
from accounts.roles import Role
from bench import baselines
from bench.database import analyze, throwaway_database
from bench.http import LoadError, LoadGenerator, Session, Target, serve
from bench.http.stats import BASELINE, TARGET, Summary, interleaved, ratio, rounds_for, summarize
from bench.intake import IntakeBodies
from bench.orgs import PASSWORD, bench_city, unit, user
from bench.reporting import write_figures
from bench.timing import since
from cases.models import Case, CaseStatus

BARE_INTAKE = "bare intake"
BARE_DETAIL = "bare detail"
# Issue 16's goals: the share of its baseline's requests per second each view should reach.
INTAKE_GOAL, DETAIL_GOAL, LIST_GOAL = 0.40, 0.25, 0.15


@dataclass(frozen=True)
class Pair:
    """One of our views (`target`) and the bare view it is measured against."""

    target: str
    baseline: str
    goal: float | None


@dataclass(frozen=True)
class PairResult:
    pair: Pair
    target: Summary
    baseline: Summary

    @property
    def ratio(self) -> float:
        return ratio(self.target.rate, self.baseline.rate)


class Command(BaseCommand):
    help = "Measure our views against bare baselines over HTTP under gunicorn (see README)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds", type=float, default=10.0, help="seconds of load per view (and baseline)"
        )
        parser.add_argument("--slice", type=float, default=2.0, help="seconds of one slice")
        parser.add_argument(
            "--warm-up", type=float, default=1.0, help="unmeasured seconds before each pair"
        )
        parser.add_argument("--rows", type=int, default=500, help="petitions behind the lists")
        parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
        parser.add_argument("--port", type=int, default=None, help="gunicorn's port (free one)")

    def handle(self, *args, **options):
        # A plain `kill` stops the bench as Ctrl-C does: gunicorn stopped, database dropped.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        # The clerk's password is stored MD5-hashed (bench.orgs.user); no other hashing here.
        start = time.perf_counter()
        with (
            throwaway_database(shared=True) as database_name,
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        ):
            baselines.create_table()
            clerk, location = self._org()
            self.stdout.write(f"database {database_name} made in {since(start):.1f} s")
            start = time.perf_counter()
            try:
                with (
                    serve(database_name, workers=options["workers"], port=options["port"]) as url,
                    LoadGenerator(
                        url, clerk.username, PASSWORD, concurrency=options["concurrency"]
                    ) as load,
                ):
                    self._run(load, url, clerk, location, options)
            except (LoadError, RuntimeError) as error:
                raise CommandError(str(error)) from error
            finally:
                connection.close()  # before the database is dropped

    def _run(self, load: LoadGenerator, url: str, clerk: User, location: OrgUnit, options):
        out = self.stdout
        seconds, rows = options["seconds"], options["rows"]
        rounds = rounds_for(seconds, options["slice"])
        out.write(
            f"database: {connection.vendor}; gunicorn at {url}, {options['workers']} sync "
            f"workers; {options['concurrency']} requests in flight; {seconds:g} s per view "
            f"and per baseline in {rounds} slices, interleaved"
        )
        start = time.perf_counter()
        intake = "intake API (POST /api/v1/petitions/)"
        load.define(Target(intake, "/api/v1/petitions/", "POST", IntakeBodies(location.code)))
        load.define(Target(BARE_INTAKE, "/bench/three-inserts/", "POST", b"x" * 50))
        filled = load.run(intake, count=rows)
        out.write(
            f"filled: {len(filled.latencies_ms)} petitions through the intake API "
            f"in {since(start):.1f} s"
        )
        # Autovacuum analyzes a table once a tenth of it has changed, within a minute: the
        # statistics a server has after these writes (without them every plan is for an
        # empty table, and the lists' queries take several times as long).
        analyze()
        self._show_lists(url, clerk)

        case = Case.objects.order_by("pk").values_list("number", flat=True).first()
        if case is None:
            raise CommandError("no case to show: run with --rows 1 or more")
        load.define(Target(BARE_DETAIL, f"/bench/detail/{case}/"))
        pages = [
            ("case detail page (/cases/<number>/)", f"/cases/{case}/", DETAIL_GOAL),
            ("case list page (/cases/)", "/cases/", LIST_GOAL),
            ("petition list page (/petitions/)", "/petitions/", LIST_GOAL),
            ("my queue page (/cases/queue/)", "/cases/queue/", LIST_GOAL),
            ("petition list API (/api/v1/petitions/)", "/api/v1/petitions/", LIST_GOAL),
            ("case list API (/api/v1/cases/)", "/api/v1/cases/", LIST_GOAL),
        ]
        results = []
        for name, path, goal in pages:
            load.define(Target(name, path))
            results.append(self._measure(load, Pair(name, BARE_DETAIL, goal), seconds, options))
        pair = Pair(intake, BARE_INTAKE, INTAKE_GOAL)
        results.append(self._measure(load, pair, seconds, options))
        waiting = list(
            Case.objects.filter(status=CaseStatus.REGISTERED)
            .order_by("-pk")
            .values_list("number", flat=True)
        )
        accept = "accept API (POST /api/v1/cases/<n>/accept/)"
        load.define(Target(accept, "/api/v1/cases/{}/accept/", "POST", b"{}", fills=waiting))
        results.append(self._measure(load, Pair(accept, BARE_INTAKE, None), seconds, options))
        write_figures(out, summary_figures(results))

    def _measure(self, load: LoadGenerator, pair: Pair, seconds: float, options) -> PairResult:
        """Warm both up, then alternate slices of target and baseline."""
        if options["warm_up"] > 0:
            load.run(pair.target, seconds=options["warm_up"])
            load.run(pair.baseline, seconds=options["warm_up"])
        rounds = rounds_for(seconds, options["slice"])
        slices: dict[str, list] = {TARGET: [], BASELINE: []}
        for role in interleaved(rounds):
            name = pair.target if role == TARGET else pair.baseline
            slices[role].append(load.run(name, seconds=seconds / rounds))
        target, baseline = (combine(slices[role]) for role in (TARGET, BASELINE))
        result = PairResult(pair, target, baseline)
        exhausted = any(part.exhausted for part in slices[TARGET])
        self.stdout.write(
            f"{pair.target:<45} {describe(target)}\n"
            f"{'  vs ' + pair.baseline:<45} {describe(baseline)}  ratio {result.ratio:6.1%}"
            + ("  (ran out of cases to act on)" if exhausted else "")
        )
        return result

    def _show_lists(self, url: str, clerk: User) -> None:
        """How many rows the clerk's lists hold (what the list figures are measured over)."""
        session = Session(url)
        session.login(clerk.username, PASSWORD)
        counts = []
        for path in ("/api/v1/cases/", "/api/v1/petitions/"):
            status, body = session.request("GET", path)
            count = json.loads(body).get("count") if status == 200 else f"HTTP {status}"
            counts.append(f"{path} lists {count}")
        session.close()
        self.stdout.write("the clerk's lists: " + ", ".join(counts))

    def _org(self) -> tuple[User, OrgUnit]:
        """The clerk who registers (at the city's petition office) and the district where
        the matters are located."""
        city, office = bench_city()
        district = unit("BENCHD1", "基准区", OrgLevel.DISTRICT, parent=city)
        return user("bench-clerk", office, Role.RECEPTION, Role.HANDLER), district


def combine(slices) -> Summary:
    """One summary of several slices: all their latencies over all their seconds."""
    latencies = [value for part in slices for value in part.latencies_ms]
    return summarize(latencies, sum(part.seconds for part in slices))


def describe(summary: Summary) -> str:
    return (
        f"{summary.rate:8.1f} req/s  p50 {summary.p50:6.1f} ms  p95 {summary.p95:6.1f} ms"
        f"  ({summary.count} requests)"
    )


def summary_figures(results: list[PairResult]) -> list[tuple[str, str]]:
    """The closing summary: for each view, its ratio to its baseline beside the goal, then
    its and the baseline's requests per second and latencies."""
    figures = []
    for result in results:
        goal = f"goal ≥ {result.pair.goal:.0%}" if result.pair.goal else "no goal"
        share = "   n/a" if math.isnan(result.ratio) else f"{result.ratio:6.1%}"
        figures.append(
            (
                result.pair.target,
                f"{share} of {result.pair.baseline} ({goal:<10})  "
                f"{result.target.rate:7.1f} req/s p50 {result.target.p50:6.1f} "
                f"p95 {result.target.p95:6.1f} ms | baseline {result.baseline.rate:7.1f} req/s "
                f"p50 {result.baseline.p50:6.1f} p95 {result.baseline.p95:6.1f} ms",
            )
        )
    return figures
