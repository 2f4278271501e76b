"""`manage.py bench_dashboard`: the dashboards' summary over a large city's petitions.

Builds a throwaway test database on the configured server (PostgreSQL with DATABASE_URL),
fills it with a large city's unit tree (city, 12 districts, their departments, townships and
villages: about 1,200 units under a province and a national root) and `--petitions`
petitions received over the last three years, about two thirds of them the first petition of
a case and the rest repeat petitions, with each case's acceptance and answer clocks, answers,
review request windows and satisfaction evaluations. On PostgreSQL the rows are planned in
Python and loaded with COPY. The answered cases are loaded replied or evaluated; the closing
job (`cases_close_lapsed`, as beat runs it) then closes those whose review window has lapsed.
Then it times:

- the closing job's first run over all of them;
- the full rebuild of the rollup (`rollup_rebuild`);
- the summary of every indicator (`stats_summary`) over the twelve months up to today, for
  the whole city (a city supervisor) and for one district (a district supervisor): the
  function's time, its number of queries, and the plan of each of its queries;
- the dashboard's sections (escalation, reception, the ledgers, the targets, the
  suggestions; `core.sections`) together and each, for the city and the district, over
  a year of screening rounds and disputes and this year's targets of every district
  (`bench/dashboard/ledgers.py`); the year-end assessment of the city's districts and last
  year's annual report (`.docx`);
- the lists the dashboard's numbers drill down to, rendered by their views for the city;
- 32 staff users over HTTP (gunicorn, 2 workers), each opening those lists in turn with
  1–5 s of thought between two, for a minute: each page's p50/p95/max (`--users`);
- a steady-state refresh (`rollup_refresh`) after a handful of new case events.

The parts are in `bench/dashboard/`.
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import OrgUnit
from bench.dashboard.ledgers import fill_ledgers, kept_ledgers
from bench.dashboard.measure import Figure, time_closing, time_reads, time_rebuild
from bench.dashboard.orgs import Org, build_org, kept_org
from bench.dashboard.rows import fill
from bench.database import analyze, default_scale, throwaway_database
from bench.reporting import write_figures
from bench.timing import since

SUMMARY_RUNS = 5
THINK_USERS = 32
THINK_SECONDS = 60.0
PLAN_LINES = 30


class Command(BaseCommand):
    help = "Time the dashboards' summary over many petitions (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--petitions",
            type=int,
            default=None,
            help="petitions (default 1,000,000 on PostgreSQL, 20,000 elsewhere)",
        )
        parser.add_argument(
            "--runs", type=int, default=SUMMARY_RUNS, help="timed summary calls per area"
        )
        parser.add_argument(
            "--full-plans", action="store_true", help="print whole query plans, not their tops"
        )
        parser.add_argument(
            "--users",
            type=int,
            default=THINK_USERS,
            help="staff users opening the lists over HTTP with 1–5 s think time (0: none)",
        )
        parser.add_argument(
            "--think-seconds", type=float, default=THINK_SECONDS, help="how long they do"
        )
        parser.add_argument(
            "--keepdb",
            action="store_true",
            help="keep the database after the run, and time one kept earlier without "
            "generating it again (for measuring a change to the queries)",
        )

    def handle(
        self,
        *args,
        petitions: int | None,
        runs: int,
        full_plans: bool,
        keepdb: bool,
        users: int,
        think_seconds: float,
        **options,
    ):
        if petitions is None:
            petitions = default_scale()
        self.plan_lines = None if full_plans else PLAN_LINES
        with (
            throwaway_database(keepdb=keepdb, shared=True) as database_name,
            override_settings(NOTIFY_BY_EMAIL=False, ALLOWED_HOSTS=["testserver"]),
            translation.override("zh-hans"),
        ):
            self.think = {
                "database_name": database_name,
                "think_users": max(users, 0),
                "think_seconds": think_seconds,
            }
            self._run(max(petitions, 10), max(runs, 1))

    def _run(self, petitions: int, runs: int) -> None:
        out = self.stdout
        today = timezone.localdate()
        figures: list[Figure] = []
        org = kept_org()
        if org is not None:
            out.write("a kept database: timing its data as it is")
            if not kept_ledgers():  # kept by a run from before the ledgers
                counts = fill_ledgers(out, petitions, org, today)
                out.write(f"loaded the ledgers' rows: {counts}")
            analyze()  # as autovacuum leaves it after the last run's writes
        else:
            org = self._generate(petitions, today, figures)
            figures.append(time_closing(out, today))
            figures.append(time_rebuild(out))
        figures += time_reads(out, org, today, runs, plan_lines=self.plan_lines, **self.think)
        write_figures(out, figures)

    def _generate(self, petitions: int, today: datetime.date, figures: list[Figure]) -> Org:
        """The unit tree and the loaded rows, with the time each took."""
        start = time.perf_counter()
        org = build_org()
        figures.append(("unit tree", f"{OrgUnit.objects.count():,} units in {since(start):.1f} s"))
        start = time.perf_counter()
        counts = fill(self.stdout, petitions, org, today)
        counts |= fill_ledgers(self.stdout, petitions, org, today)
        analyze()
        generated = since(start)
        rows = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        statistics = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        figures.append(("generated", f"{rows} in {generated:.1f} s (with {statistics})"))
        return org
