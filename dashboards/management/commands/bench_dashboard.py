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
- the lists the dashboard's numbers drill down to, rendered by their views for the city;
- a steady-state refresh (`rollup_refresh`) after a handful of new case events.
"""

from __future__ import annotations

import bisect
import datetime
import heapq
import itertools
import random
import re
import statistics
import time
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, connections
from django.db.models import Count, DateTimeField, ExpressionWrapper, Model
from django.db.models.functions import Cast
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from accounts.roles import Role
from cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Deadline,
    DeadlineKind,
    DeliveryMethod,
    Evaluation,
    EvaluationResult,
    EventKind,
    LegalChannel,
    MatterKind,
    NotAcceptReason,
    Opinion,
    Reply,
    ReplyStatus,
)
from cases.services import cases_close_lapsed
from core.workcalendar import add_months
from dashboards.links import drilldown_links
from dashboards.models import DailyCategoryStat, DailyStat
from dashboards.periods import Period
from dashboards.selectors import read_database, stats_summary
from dashboards.services import rollup_rebuild, rollup_refresh
from petitions.models import Category, Channel, Petition

SEED = 20260101
DAYS = 3 * 365 + 1
DISTRICTS = 12
CITY_DEPARTMENTS = (
    "人社局",
    "住建局",
    "自然资源局",
    "生态环境局",
    "教育局",
    "卫健委",
    "交通局",
    "民政局",
)
DISTRICT_DEPARTMENTS = ("人社局", "住建局", "城管局", "市场监管局", "教育局", "民政局")
TOWNSHIPS = 8
VILLAGES = 10
# The share of petitions that open a case; the rest are repeat petitions on earlier cases.
FIRST_SHARE = 0.65
# The share of first petitions from people petitioning for the first time (about 25% of all).
FIRST_TIME_SHARE = 0.38
# Acceptance and answer clocks (信访工作条例: 15 and 60 days).
ACCEPTANCE_DAYS = 15
HANDLING_DAYS = 60
# The review request window after the answer (30 days; the bench does not roll past rest
# days). Once it has lapsed, the closing job closes the case.
REVIEW_WINDOW_DAYS = 30
# The closing job's batch in the bench (beat's runs use the service's default).
CLOSING_BATCH = 5000
# Of the cases left without a decision or an answer, those older than this are mostly
# settled late; only `KEPT_OPEN` of them stay open (the long-open part of the backlog).
STUCK_OLD_DAYS = 183
KEPT_OPEN = 0.01
# Repeat petitions that go to a few frequently petitioned cases (the other part).
FREQUENT_CASES = 400
FREQUENT_SHARE = 0.003
SUMMARY_RUNS = 5
REFRESH_EVENTS = 20
PLAN_LINES = 30


def weighted(*pairs: tuple[object, int]) -> list:
    """A lookup table in which each value appears as often as its weight (in percent)."""
    return [value for value, weight in pairs for _ in range(weight)]


CHANNELS = weighted(
    (Channel.LETTER, 20), (Channel.VISIT, 25), (Channel.ONLINE, 45), (Channel.PHONE, 10)
)
# Where a petition is received: the district's (or city's) petition office, or above.
LEVELS = weighted(("district", 68), ("city", 22), ("province", 8), ("national", 2))
MATTER_KINDS = weighted(
    (MatterKind.COMPLAINT, 80), (MatterKind.SUGGESTION, 10), (MatterKind.ACCUSATION, 10)
)
RESULTS = weighted(
    (EvaluationResult.SATISFIED, 82),
    (EvaluationResult.BASICALLY_SATISFIED, 11),
    (EvaluationResult.DISSATISFIED, 7),
)
OPINIONS = weighted((Opinion.SUPPORT, 50), (Opinion.EXPLAIN, 40), (Opinion.NOT_SUPPORT, 10))
DELIVERY = weighted(
    (DeliveryMethod.IN_PERSON, 30),
    (DeliveryMethod.POST, 30),
    (DeliveryMethod.SMS, 20),
    (DeliveryMethod.ONLINE, 20),
)


class Slot(NamedTuple):
    """Where a matter is located, who owns it, and which petition office decides on it."""

    location: int
    owner: int
    office: int


class Org(NamedTuple):
    city: OrgUnit
    district: OrgUnit
    offices: dict[str, int]  # national, province, city petition offices
    slots: list[Slot]
    clerk: User
    city_supervisor: User
    district_supervisor: User


class CasePlan(NamedTuple):
    received_at: datetime.datetime
    received_on: datetime.date
    slot: Slot
    receiving: int
    first_time: bool
    matter_kind: str
    category: int
    status: str
    decided_on: datetime.date | None
    accepted_on: datetime.date | None
    delivered_on: datetime.date | None
    evaluated_on: datetime.date | None
    result: str
    resolved: bool


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
        **options,
    ):
        if petitions is None:
            petitions = 1_000_000 if connection.vendor == "postgresql" else 20_000
        self.plan_lines = None if full_plans else PLAN_LINES
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keepdb)
        try:
            with (
                override_settings(NOTIFY_BY_EMAIL=False, ALLOWED_HOSTS=["testserver"]),
                translation.override("zh-hans"),
            ):
                self._run(max(petitions, 10), max(runs, 1))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keepdb)

    # --- the run -------------------------------------------------------------------------

    def _run(self, petitions: int, runs: int) -> None:
        figures: list[tuple[str, str]] = []
        today = timezone.localdate()
        if OrgUnit.objects.filter(code="BCT").exists():
            self.stdout.write("a kept database: timing its data as it is")
            self._analyze()  # as autovacuum leaves it after the last run's writes
            self._time_reads(self._kept_org(), today, runs, figures)
            return
        start = time.perf_counter()
        org = self._org()
        figures.append(
            ("unit tree", f"{OrgUnit.objects.count():,} units in {self._since(start):.1f} s")
        )
        start = time.perf_counter()
        counts = self._fill(petitions, org, today)
        self._analyze()
        generated = self._since(start)
        rows = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        figures.append(("generated", f"{rows} in {generated:.1f} s (with {analyze})"))

        # The cases close by the closing rule, not by the generator.
        start = time.perf_counter()
        closing = cases_close_lapsed(today=today, batch_size=CLOSING_BATCH)
        closed = self._since(start)
        backdate_closing_events()
        self._analyze()
        figures.append(
            (
                "cases_close_lapsed",
                f"{closing.closed:,} cases closed in {closed:.1f} s "
                f"(batches of {CLOSING_BATCH:,}); a second run: "
                f"{self._time_closing_again(today)}",
            )
        )
        self.stdout.write(f"cases_close_lapsed: {closing.closed:,} cases in {closed:.1f} s")
        self._write_counts(today)

        start = time.perf_counter()
        result = rollup_rebuild()
        rebuilt = self._since(start)
        self._analyze()
        rollup_rows = (
            f"{DailyStat.objects.count():,} DailyStat and "
            f"{DailyCategoryStat.objects.count():,} DailyCategoryStat rows"
        )
        figures.append(("rollup_rebuild", f"{result.days:,} days, {rollup_rows}, {rebuilt:.1f} s"))
        self.stdout.write(f"rollup_rebuild: {result.days:,} days in {rebuilt:.1f} s; {rollup_rows}")

        self._time_reads(org, today, runs, figures)

    def _time_reads(self, org: Org, today: datetime.date, runs: int, figures: list) -> None:
        period = Period(add_months(today, -12) + datetime.timedelta(days=1), today, 12)
        self.stdout.write(f"\nsummary period: {period.start} … {period.end} (12 months)")
        for label, user, unit, plans in (
            ("city", org.city_supervisor, org.city, "full"),
            ("district", org.district_supervisor, org.district, "brief"),
        ):
            figures.append(self._time_summary(label, user, unit, period, runs, plans))
        figures.extend(self._time_drilldown(org.city_supervisor, org.city, period, runs))

        figures.append(self._time_refresh(today))

        self.stdout.write("\n=== summary ===")
        width = max(len(name) for name, _ in figures)
        for name, value in figures:
            self.stdout.write(f"{name:<{width}}  {value}")

    def _time_closing_again(self, today: datetime.date) -> str:
        """The steady state of beat's job: nothing left to close, one index probe."""
        start = time.perf_counter()
        again = cases_close_lapsed(today=today)
        return f"{again.closed} closed in {self._since(start) * 1000:.0f} ms"

    @staticmethod
    def _since(start: float) -> float:
        return time.perf_counter() - start

    @staticmethod
    def _analyze() -> None:
        """Planner statistics and visibility maps of every table, as autovacuum leaves them
        after a bulk load (the unit tree's too: without them, its path filter is thought to
        match one unit of a thousand)."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def _write_counts(self, today: datetime.date) -> None:
        by_status = dict(
            Case.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        )
        open_clocks = Deadline.objects.filter(met_at__isnull=True)
        self.stdout.write(
            "cases by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items()))
        )
        self.stdout.write(
            f"clocks: {Deadline.objects.count():,}, open {open_clocks.count():,}, open and "
            f"overdue {open_clocks.filter(due_on__lt=today).count():,}"
        )

    # --- the unit tree and users ---------------------------------------------------------

    def _org(self) -> Org:
        roles = {group.name: group for group in Group.objects.filter(name__in=Role.values)}

        def unit(code, name, level, kind=OrgKind.GOVERNMENT, parent=None) -> OrgUnit:
            return OrgUnit.objects.create(
                code=code, name=name, level=level, kind=kind, parent=parent
            )

        nation = unit("BNAT", "国家", OrgLevel.NATIONAL)
        nation_office = unit(
            "BNATXFJ", "国家信访局", OrgLevel.NATIONAL, OrgKind.PETITION_OFFICE, nation
        )
        province = unit("BPRV", "基准省", OrgLevel.PROVINCE, parent=nation)
        province_office = unit(
            "BPRVXFJ", "基准省信访局", OrgLevel.PROVINCE, OrgKind.PETITION_OFFICE, province
        )
        city = unit("BCT", "基准市", OrgLevel.CITY, parent=province)
        city_office = unit("BCTXFJ", "基准市信访局", OrgLevel.CITY, OrgKind.PETITION_OFFICE, city)
        slots: list[Slot] = []
        for number, name in enumerate(CITY_DEPARTMENTS, start=1):
            department = unit(
                f"BCTD{number}", f"基准市{name}", OrgLevel.CITY, OrgKind.BUSINESS, city
            )
            slots += [Slot(department.pk, department.pk, city_office.pk)] * 5
        districts = []
        for d in range(1, DISTRICTS + 1):
            district = unit(f"BD{d}", f"基准{d}区", OrgLevel.DISTRICT, parent=city)
            districts.append(district)
            office = unit(
                f"BD{d}XFJ",
                f"基准{d}区信访局",
                OrgLevel.DISTRICT,
                OrgKind.PETITION_OFFICE,
                district,
            )
            for number, name in enumerate(DISTRICT_DEPARTMENTS, start=1):
                department = unit(
                    f"BD{d}D{number}",
                    f"基准{d}区{name}",
                    OrgLevel.DISTRICT,
                    OrgKind.BUSINESS,
                    district,
                )
                slots += [Slot(department.pk, department.pk, office.pk)] * 3
            for t in range(1, TOWNSHIPS + 1):
                township = unit(
                    f"BD{d}T{t}", f"基准{d}区{t}街道", OrgLevel.TOWNSHIP, parent=district
                )
                slots += [Slot(township.pk, township.pk, office.pk)] * 2
                for v in range(1, VILLAGES + 1):
                    village = unit(
                        f"BD{d}T{t}V{v}", f"{d}区{t}街道{v}社区", OrgLevel.VILLAGE, parent=township
                    )
                    slots.append(Slot(village.pk, township.pk, office.pk))

        def user(username: str, org_unit: OrgUnit, role: str) -> User:
            created = User.objects.create_user(username, org_unit=org_unit)
            created.groups.add(roles[role])
            return created

        return Org(
            city=city,
            district=districts[0],
            offices={
                "national": nation_office.pk,
                "province": province_office.pk,
                "city": city_office.pk,
            },
            slots=slots,
            clerk=user("bench-clerk", city_office, Role.RECEPTION),
            city_supervisor=user("bench-city-supervisor", city, Role.SUPERVISOR),
            district_supervisor=user("bench-d1-supervisor", districts[0], Role.SUPERVISOR),
        )

    @staticmethod
    def _kept_org() -> Org:
        users = User.objects.in_bulk(
            ["bench-clerk", "bench-city-supervisor", "bench-d1-supervisor"],
            field_name="username",
        )
        return Org(
            city=OrgUnit.objects.get(code="BCT"),
            district=OrgUnit.objects.get(code="BD1"),
            offices={},
            slots=[],
            clerk=users["bench-clerk"],
            city_supervisor=users["bench-city-supervisor"],
            district_supervisor=users["bench-d1-supervisor"],
        )

    # --- the data ------------------------------------------------------------------------

    def _fill(self, petitions: int, org: Org, today: datetime.date) -> dict[str, int]:
        rng = random.Random(SEED)
        now = timezone.now()
        start = time.perf_counter()
        categories = dict(
            Category.objects.filter(children__isnull=True)
            .order_by("code")
            .values_list("pk", "name")
        )
        plans = self._plan_cases(
            rng, round(petitions * FIRST_SHARE), org, list(categories), today, now
        )
        repeats = self._plan_repeats(rng, petitions - len(plans), plans, now)
        self.stdout.write(
            f"planned {len(plans):,} cases and {len(repeats):,} repeat petitions "
            f"in {self._since(start):.1f} s"
        )
        summaries = {pk: f"关于{name}的信访事项" for pk, name in categories.items()}
        clerk = org.clerk.pk
        counts = {}
        for model, columns, rows in (
            (Case, CASE_COLUMNS, case_rows(plans, summaries)),
            (
                Petition,
                PETITION_COLUMNS,
                petition_rows(rng, plans, repeats, org, summaries, clerk),
            ),
            (Deadline, DEADLINE_COLUMNS, deadline_rows(plans)),
            (Reply, REPLY_COLUMNS, reply_rows(rng, plans, clerk)),
            (Evaluation, EVALUATION_COLUMNS, evaluation_rows(plans, clerk)),
        ):
            start = time.perf_counter()
            counts[model._meta.verbose_name_plural] = written = load(model, columns, rows)
            self.stdout.write(
                f"loaded {written:>9,} {model._meta.db_table:<20} in {self._since(start):6.1f} s"
            )
        reset_sequences((Case,))
        return counts

    def _plan_cases(
        self,
        rng: random.Random,
        count: int,
        org: Org,
        categories: list[int],
        today: datetime.date,
        now: datetime.datetime,
    ) -> list[CasePlan]:
        tz = timezone.get_current_timezone()
        first = today - datetime.timedelta(days=DAYS - 1)
        latest = now - datetime.timedelta(minutes=1)
        times = sorted(rng.randrange(DAYS * 600) for _ in range(count))
        rng.shuffle(categories)
        # A skewed share per category (the first ones are the most frequent).
        category_weights = list(
            itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(categories)))
        )
        offices = org.offices
        slots = org.slots
        plans = []
        midnight = {}
        for stamp in times:
            offset, minute = divmod(stamp, 600)
            day = first + datetime.timedelta(days=offset)
            if offset not in midnight:
                midnight[offset] = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz)
            received_at = min(midnight[offset] + datetime.timedelta(minutes=minute), latest)
            slot = slots[rng.randrange(len(slots))]
            level = LEVELS[rng.randrange(len(LEVELS))]
            receiving = slot.office if level == "district" else offices[level]
            category = categories[
                bisect.bisect(category_weights, rng.random() * category_weights[-1])
            ]
            plans.append(
                plan_case(
                    rng,
                    received_at=received_at,
                    received_on=day,
                    slot=slot,
                    receiving=receiving,
                    category=category,
                    today=today,
                )
            )
        return plans

    @staticmethod
    def _plan_repeats(
        rng: random.Random, count: int, plans: list[CasePlan], now: datetime.datetime
    ) -> list[tuple[datetime.datetime, int]]:
        """(received at, case index) of each repeat petition, in the order received: spread
        one per case over the cases, but a few hundred cases get several."""
        cases = len(plans)
        step = next(p for p in (7919, 7907, 7901, 7883) if cases % p)
        frequent = [index * cases // FREQUENT_CASES for index in range(FREQUENT_CASES)]
        repeats = []
        for serial in range(count):
            if rng.random() < FREQUENT_SHARE:
                index = frequent[rng.randrange(len(frequent))]
            else:
                index = serial * step % cases
            first = plans[index].received_at
            gap = datetime.timedelta(days=rng.expovariate(1 / 45))
            if first + gap > now:
                gap = (now - first) * rng.random()
            repeats.append((first + gap, index))
        repeats.sort()
        return repeats

    # --- timing --------------------------------------------------------------------------

    def _time_summary(
        self, label: str, user: User, unit: OrgUnit, period: Period, runs: int, plans: str
    ) -> tuple[str, str]:
        database = connections[read_database()]

        def call() -> dict:
            return stats_summary(user=user, unit=unit, period=period)

        self.stdout.write(f"\n--- stats_summary, {label}: {unit.name} ({unit.code}) ---")
        with CaptureQueriesContext(database) as captured:
            summary = call()  # warm-up, and the queries it runs
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            times.append(self._since(start) * 1000)
        queries = captured.captured_queries
        self.stdout.write(
            f"batches {summary['batches']:,}, persons {summary['persons']:,}, "
            f"open {summary['open']:,}, due soon {summary['due_soon']:,}, overdue "
            f"{summary['overdue']:,}, backlog {summary['backlog']['count']:,}, "
            f"on-time rate {summary['on_time_rate']}, satisfaction rate "
            f"{summary['satisfaction_rate']}, top category "
            f"{summary['top_categories'][0]['name'] if summary['top_categories'] else '-'}"
        )
        self.stdout.write(
            f"{len(queries)} queries; {runs} runs: min {min(times):.1f} ms, median "
            f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms"
        )
        self._explain(database, queries, full=plans == "full")
        return (
            f"stats_summary {label}",
            f"min {min(times):.1f} ms, median {statistics.median(times):.1f} ms, "
            f"{len(queries)} queries",
        )

    def _time_drilldown(
        self, user: User, unit: OrgUnit, period: Period, runs: int
    ) -> list[tuple[str, str]]:
        """The lists a city supervisor reaches from the dashboard's numbers, rendered whole
        by their views (the count, the first page, the filter form)."""
        links = drilldown_links(stats_summary(user=user, unit=unit, period=period))
        targets = {
            name: links[name] for name in ("open", "due_soon", "overdue", "backlog", "batches")
        }
        targets["on_time_rate"] = links["rate"]["on_time_rate"]
        targets["timely_acceptance_rate"] = links["rate"]["timely_acceptance_rate"]
        client = Client()
        client.force_login(user)
        figures = []
        self.stdout.write(f"\n--- drill-down lists, city: {unit.name} ---")
        for name, url in targets.items():
            connection.queries_log.clear()  # full (at its length limit) after the steps above
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)  # warm-up, and the queries it runs
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                times.append(self._since(start) * 1000)
            slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
            self.stdout.write(
                f"{name}: {url}\n  {len(captured.captured_queries)} queries; median "
                f"{statistics.median(times):.1f} ms; slowest query "
                f"{float(slowest['time']) * 1000:.1f} ms:"
            )
            self._explain(connection, [slowest], full=True)
            figures.append(
                (f"drill-down {name}", f"median {statistics.median(times):.1f} ms (whole page)")
            )
        return figures

    def _explain(self, database, queries: list[dict], *, full: bool) -> None:
        self.stdout.write(
            "queries (time in the warm-up call), each with its plan:"
            if full
            else "queries (time in the warm-up call), with the plan's top node:"
        )
        for number, query in enumerate(queries, start=1):
            sql = query["sql"]
            head = " ".join(sql.split())
            self.stdout.write(
                f"[{number}] {float(query['time']) * 1000:7.1f} ms  "
                f"{head[:150]}{'…' if len(head) > 150 else ''}"
            )
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            lines = explain(database, sql)
            if full:
                for line in plan_excerpt(lines, self.plan_lines):
                    self.stdout.write(f"      {line}")
            else:
                top = lines[0].strip() if lines else ""
                self.stdout.write(f"      {top[:140]}")
                for line in lines:
                    if line.startswith("Execution Time"):
                        self.stdout.write(f"      {line}")

    def _time_refresh(self, today: datetime.date) -> tuple[str, str]:
        """A refresh after a handful of new events, as the beat job sees them every few
        minutes: only the days those cases count on are recomputed."""
        count = Case.objects.count()
        picked = range(1, count + 1, max(count // REFRESH_EVENTS, 1))[:REFRESH_EVENTS]
        cases = list(Case.objects.filter(pk__in=picked).values_list("pk", "owner_unit_id"))
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case_id=pk,
                kind=EventKind.PETITION_ATTACHED,
                actor_unit_id=owner,
                effective_on=today,
            )
            for pk, owner in cases
        )
        self.stdout.write("\n--- rollup_refresh ---")
        results = []
        for label in (f"after {len(cases)} new case events", "again (nothing new but the margin)"):
            start = time.perf_counter()
            result = rollup_refresh()
            elapsed = self._since(start)
            results.append(f"{result.days} days in {elapsed * 1000:.0f} ms")
            self.stdout.write(f"rollup_refresh {label}: {result.days} days in {elapsed:.2f} s")
        return (f"rollup_refresh ({len(cases)} events)", "; then ".join(results))


# A long array of ids in a plan line ('{5,10,1071,…}'), shortened to its first few.
LONG_ARRAY = re.compile(r"'\{((?:[^,}']+,){8,}[^,}']+)\}'")
ACTUAL = re.compile(r"actual time=[\d.]+\.\.([\d.]+) rows=\d+ loops=(\d+)")


def plan_excerpt(lines: list[str], head: int | None) -> list[str]:
    """The plan's first `head` lines, then the deeper nodes that take a tenth of the time
    or more (time per loop × loops), and the planning and execution times."""
    if head is None or len(lines) <= head:
        return lines
    footer = [line for line in lines if line.startswith(("Planning Time", "Execution Time"))]
    total = float(footer[-1].split()[2]) if footer else 0.0
    hot = []
    for line in lines[head:]:
        match = ACTUAL.search(line)
        if match and float(match[1]) * int(match[2]) >= max(total / 10, 1.0):
            hot.append(line)
    skipped = len(lines) - head - len(footer)
    note = f"… {skipped} more plan lines" + (", of which the slow nodes:" if hot else "")
    return [*lines[:head], note, *hot, *footer]


def abridge(line: str) -> str:
    def shorten(match: re.Match) -> str:
        values = match[1].split(",")
        return "'{" + ",".join(values[:5]) + f",… {len(values)} in all}}'"

    return LONG_ARRAY.sub(shorten, line)


def explain(database, sql: str) -> list[str]:
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return [abridge(row[0]) for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


# --- planning a case ---------------------------------------------------------------------


def plan_case(
    rng: random.Random,
    *,
    received_at: datetime.datetime,
    received_on: datetime.date,
    slot: Slot,
    receiving: int,
    category: int,
    today: datetime.date,
) -> CasePlan:
    """A case's course: acceptance (most on time), the answer (most within 60 days), the
    evaluation (about 60% of answers); about 4% not accepted or diverted, and 6% stuck
    (no decision or no answer: open and overdue, most of the old ones settled late)."""
    day = datetime.timedelta(days=1)
    old = (today - received_on).days >= STUCK_OLD_DAYS
    draw = rng.random()
    stuck_acceptance, stuck_handling = draw < 0.01, 0.01 <= draw < 0.06
    refused = 0.06 <= draw < 0.1
    kept = not old or rng.random() < KEPT_OPEN
    if stuck_acceptance and not kept:
        delay = rng.randrange(ACCEPTANCE_DAYS + 1, 40)
    elif rng.random() < 0.93:
        delay = rng.randrange(0, ACCEPTANCE_DAYS + 1)
    else:
        delay = rng.randrange(ACCEPTANCE_DAYS + 1, ACCEPTANCE_DAYS + 8)
    decided = received_on + delay * day
    status = CaseStatus.REGISTERED
    decided_on = accepted_on = delivered_on = evaluated_on = None
    result, resolved = "", False
    if not (stuck_acceptance and kept) and decided <= today:
        decided_on = decided
        if refused:
            status = CaseStatus.NOT_ACCEPTED if draw < 0.09 else CaseStatus.DIVERTED
        else:
            status, accepted_on = CaseStatus.IN_PROGRESS, decided
            if stuck_handling and not kept:
                answer = rng.randrange(HANDLING_DAYS + 1, 2 * HANDLING_DAYS)
            elif rng.random() < 0.9:
                answer = rng.randrange(10, HANDLING_DAYS + 1)
            else:
                answer = rng.randrange(HANDLING_DAYS + 1, HANDLING_DAYS + 16)
            delivered = accepted_on + answer * day
            if not (stuck_handling and kept) and delivered <= today:
                delivered_on, resolved = delivered, rng.random() < 0.8
                if rng.random() < 0.6:
                    evaluated = delivered + rng.randrange(1, 25) * day
                    if evaluated <= today:
                        evaluated_on, result = evaluated, RESULTS[rng.randrange(len(RESULTS))]
                status = CaseStatus.EVALUATED if evaluated_on else CaseStatus.REPLIED
    return CasePlan(
        received_at=received_at,
        received_on=received_on,
        slot=slot,
        receiving=receiving,
        first_time=rng.random() < FIRST_TIME_SHARE,
        matter_kind=MATTER_KINDS[rng.randrange(len(MATTER_KINDS))],
        category=category,
        status=status,
        decided_on=decided_on,
        accepted_on=accepted_on,
        delivered_on=delivered_on,
        evaluated_on=evaluated_on,
        result=result,
        resolved=resolved,
    )


# --- the rows of each table --------------------------------------------------------------


def columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


CASE_COLUMNS = columns(
    "id number status matter_kind receiving_unit_id owner_unit_id location_unit_id summary "
    "received_at is_first_time simplified accepted_on decision_reason legal_channel guided_to "
    "answering_unit_id resolved answered_on_time sponsor_responsibility last_step_on "
    "created_at updated_at"
)


def case_rows(plans: list[CasePlan], summaries: dict[int, str]) -> Iterator[tuple]:
    for pk, plan in enumerate(plans, start=1):
        answered = plan.delivered_on is not None
        yield (
            pk,
            f"BENCH-C{pk:08d}",
            plan.status,
            plan.matter_kind,
            plan.receiving,
            plan.slot.owner,
            plan.slot.location,
            summaries[plan.category],
            plan.received_at,
            plan.first_time,
            False,
            plan.accepted_on,
            NotAcceptReason.OUTSIDE_REMIT if plan.status == CaseStatus.NOT_ACCEPTED else "",
            LegalChannel.LITIGATION if plan.status == CaseStatus.DIVERTED else "",
            "人民法院" if plan.status == CaseStatus.DIVERTED else "",
            plan.slot.owner if answered else None,
            plan.resolved if answered else None,
            (plan.delivered_on - plan.accepted_on).days <= HANDLING_DAYS if answered else None,
            "",
            plan.evaluated_on or plan.delivered_on or plan.decided_on or plan.received_on,
            plan.received_at,
            plan.received_at,
        )


PETITION_COLUMNS = columns(
    "number case_id channel received_at receiving_unit_id location_unit_id authority_unit_id "
    "category_id matter_kind accused_person person_count summary content demands is_group "
    "is_repeat is_skip_level is_first_time is_superior_assigned superior_reference "
    "query_code_hash registered_by_id created_at"
)


def petition_rows(
    rng: random.Random,
    plans: list[CasePlan],
    repeats: list[tuple[datetime.datetime, int]],
    org: Org,
    summaries: dict[int, str],
    clerk: int,
) -> Iterator[tuple]:
    """Every petition in the order received: each case's first, and the repeat ones."""
    firsts = ((plan.received_at, index, False) for index, plan in enumerate(plans))
    later = ((received_at, index, True) for received_at, index in repeats)
    above_district = set(org.offices.values())
    for number, (received_at, index, repeat) in enumerate(
        heapq.merge(firsts, later, key=lambda item: item[0]), start=1
    ):
        plan = plans[index]
        if repeat:
            level = LEVELS[rng.randrange(len(LEVELS))]
            receiving = plan.slot.office if level == "district" else org.offices[level]
        else:
            receiving = plan.receiving
        group = rng.random() < 0.03
        if group:
            persons = rng.randrange(5, 51)
        else:
            persons = 1 if rng.random() < 0.85 else rng.randrange(2, 5)
        yield (
            f"BENCH-P{number:08d}",
            index + 1,
            CHANNELS[rng.randrange(len(CHANNELS))],
            received_at,
            receiving,
            plan.slot.location,
            plan.slot.owner,
            plan.category,
            plan.matter_kind,
            "",
            persons,
            summaries[plan.category],
            "",
            "",
            group,
            repeat,
            receiving in above_district and rng.random() < 0.15,
            plan.first_time and not repeat,
            False,
            "",
            "bench",
            clerk,
            received_at,
        )


DEADLINE_COLUMNS = columns(
    "case_id kind responsible_unit_id starts_on due_on met_at met_on extended_days paused_days"
)


def met_at(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def deadline_rows(plans: list[CasePlan]) -> Iterator[tuple]:
    """The acceptance clock of every case, the answer clock of every accepted one, and the
    review request window of every answered one (open: the closing job ends it)."""
    for pk, plan in enumerate(plans, start=1):
        due = plan.received_on + datetime.timedelta(days=ACCEPTANCE_DAYS)
        decided = plan.decided_on
        yield (
            pk,
            DeadlineKind.ACCEPTANCE,
            plan.slot.office,
            plan.received_on,
            due,
            met_at(decided),
            decided,
            0,
            0,
        )
        if plan.accepted_on is not None:
            delivered = plan.delivered_on
            yield (
                pk,
                DeadlineKind.HANDLING,
                plan.slot.owner,
                plan.accepted_on,
                plan.accepted_on + datetime.timedelta(days=HANDLING_DAYS),
                met_at(delivered),
                delivered,
                0,
                0,
            )
        if plan.delivered_on is not None:
            yield (
                pk,
                DeadlineKind.REVIEW_REQUEST,
                plan.slot.owner,
                plan.delivered_on,
                plan.delivered_on + datetime.timedelta(days=REVIEW_WINDOW_DAYS),
                None,
                None,
                0,
                0,
            )


def backdate_closing_events() -> int:
    """Beat writes each closing event early on the day after its window ended, not all of
    them now, as the bench's one run over three years did: entered so, they are history to
    the rollup, whose refresh reads the events entered since its last run."""
    entered = ExpressionWrapper(
        Cast("effective_on", DateTimeField()) + datetime.timedelta(days=1, minutes=10),
        output_field=DateTimeField(),
    )
    return CaseEvent.objects.filter(kind=EventKind.CLOSED).update(created_at=entered)


REPLY_COLUMNS = columns(
    "case_id request facts_and_reasons opinion legal_basis resolved status unit_id "
    "drafted_by_id drafted_on approved_by_id approved_on delivery_method delivered_on"
)


def reply_rows(rng: random.Random, plans: list[CasePlan], clerk: int) -> Iterator[tuple]:
    for pk, plan in enumerate(plans, start=1):
        delivered = plan.delivered_on
        if delivered is None:
            continue
        yield (
            pk,
            "信访人诉求",
            "经调查核实",
            OPINIONS[rng.randrange(len(OPINIONS))],
            "",
            plan.resolved,
            ReplyStatus.DELIVERED,
            plan.slot.owner,
            clerk,
            max(plan.accepted_on, delivered - datetime.timedelta(days=3)),
            clerk,
            max(plan.accepted_on, delivered - datetime.timedelta(days=1)),
            DELIVERY[rng.randrange(len(DELIVERY))],
            delivered,
        )


EVALUATION_COLUMNS = ("case_id", "result", "contact", "note", "evaluated_on", "recorded_by_id")


def evaluation_rows(plans: list[CasePlan], clerk: int) -> Iterator[tuple]:
    for pk, plan in enumerate(plans, start=1):
        if plan.evaluated_on is not None:
            yield (pk, plan.result, "信访人", "", plan.evaluated_on, clerk)


# --- loading -----------------------------------------------------------------------------


def load(model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Write the rows: COPY on PostgreSQL, bulk inserts elsewhere. Returns their number."""
    written = 0
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        statement = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    for batch in batched(rows, 2000):
        model.objects.bulk_create(model(**dict(zip(columns, row, strict=True))) for row in batch)
        written += len(batch)
    return written


def batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def reset_sequences(models: Iterable[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
