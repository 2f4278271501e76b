"""`manage.py bench_scan`: the deadline reminder scan over a large number of open clocks.

Builds a throwaway test database on the configured server (PostgreSQL with DATABASE_URL),
fills it with `--clocks` open clocks on half as many accepted cases across ten districts,
about 1% of them near or past due, and times:

- the query plan of the scan's candidate query (it must use the partial index on open
  clocks' due dates, so its cost follows the due clocks, not all clocks);
- the first scan, which reminds every due clock (and escalates the long-overdue ones);
- a second scan, the steady state of the every-10-minutes beat job: nothing new to send.
"""

import datetime
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import OrgKind, OrgLevel, OrgUnit
from accounts.roles import Role
from bench.database import default_scale, throwaway_database
from bench.orgs import bench_city, unit, user
from bench.timing import since
from cases.models import PETITIONER_WINDOWS, Case, CaseStatus, Deadline, DeadlineKind
from escalation.deadlines.services import deadlines_scan
from escalation.kinds import EscalationDeadlineKind
from escalation.models import Reminder, ReminderStage
from notifications.models import Notification

DISTRICTS = 10
# Of every 10,000 clocks, this many are due within -20 … +3 days of today (about 1%).
DUE_PER_10000 = 100


class Command(BaseCommand):
    help = "Time the deadline reminder scan over many open clocks (see README)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clocks",
            type=int,
            default=None,
            help="open clocks (default 1,000,000 on PostgreSQL, 20,000 elsewhere)",
        )

    def handle(self, *args, clocks: int | None, **options):
        if clocks is None:
            clocks = default_scale()
        with (
            throwaway_database(),
            override_settings(NOTIFY_BY_EMAIL=False),
            translation.override("zh-hans"),
        ):
            self._run(clocks)

    def _run(self, clocks: int) -> None:
        today = timezone.localdate()
        units = self._org()
        start = time.perf_counter()
        self._fill(clocks, units, today)
        open_clocks = Deadline.objects.filter(met_at__isnull=True).count()
        self.stdout.write(
            f"database: {connection.vendor}; {open_clocks:,} open clocks, "
            f"filled in {since(start):.1f} s"
        )
        self._explain(today)
        for label in ("first scan (reminds every due clock)", "second scan (steady state)"):
            start = time.perf_counter()
            result = deadlines_scan(today=today)
            elapsed = since(start)
            self.stdout.write(
                f"{label:<40} {elapsed * 1000:9.1f} ms  due soon {result.due_soon:,}, "
                f"overdue {result.overdue:,}, escalated {result.escalated:,}, "
                f"notices {result.notices:,}, notifications {result.notifications:,}"
            )
        self.stdout.write(
            f"reminders: {Reminder.objects.count():,}; notifications: "
            f"{Notification.objects.count():,}"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Reminder._meta.db_table}")
        self.stdout.write("after the scans, with the reminders written:")
        self._explain(today)

    def _org(self) -> list[OrgUnit]:
        """The city with its leader and supervisor, and `DISTRICTS` districts, each with a
        petition office (with a handler) and a leader; the districts' offices."""
        city, _office = bench_city()
        user("bench-city-leader", city, Role.LEADER)
        user("bench-city-supervisor", city, Role.SUPERVISOR)
        offices = []
        for number in range(1, DISTRICTS + 1):
            district = unit(f"BD{number}", f"基准{number}区", OrgLevel.DISTRICT, parent=city)
            office = unit(
                f"BD{number}XFJ",
                f"基准{number}区信访局",
                OrgLevel.DISTRICT,
                OrgKind.PETITION_OFFICE,
                district,
            )
            user(f"bench-d{number}-handler", office, Role.HANDLER)
            user(f"bench-d{number}-leader", district, Role.LEADER)
            offices.append(office)
        return offices

    def _fill(self, clocks: int, offices: list[OrgUnit], today: datetime.date) -> None:
        cases = max(clocks // 2, 1)
        if connection.vendor == "postgresql":
            self._fill_postgresql(cases, offices, today)
        else:
            self._fill_orm(cases, offices, today)

    @staticmethod
    def _due(index: int, today: datetime.date) -> datetime.date:
        """About 1% of clocks within -20 … +3 days of today, the rest 20 … 300 days ahead."""
        if index % 10000 < DUE_PER_10000:
            return today + datetime.timedelta(days=index % 24 - 20)
        return today + datetime.timedelta(days=20 + index % 281)

    def _fill_orm(self, cases: int, offices: list[OrgUnit], today: datetime.date) -> None:
        now = timezone.now()
        batch = 5000
        for first in range(0, cases, batch):
            rows = [
                Case(
                    number=f"BENCH-{index:08d}",
                    status=CaseStatus.IN_PROGRESS,
                    matter_kind="complaint",
                    receiving_unit=offices[index % DISTRICTS],
                    owner_unit=offices[index % DISTRICTS],
                    location_unit=offices[index % DISTRICTS],
                    summary="基准案件",
                    received_at=now,
                    accepted_on=today,
                    last_step_on=today,
                )
                for index in range(first, min(first + batch, cases))
            ]
            Case.objects.bulk_create(rows)
            Deadline.objects.bulk_create(
                Deadline(
                    case=case,
                    kind=kind,
                    responsible_unit=case.owner_unit,
                    starts_on=today,
                    due_on=self._due(case.pk * 2 + offset, today),
                )
                for case in rows
                for offset, kind in enumerate(
                    (DeadlineKind.HANDLING, EscalationDeadlineKind.JOINT_TASK)
                )
            )

    def _fill_postgresql(self, cases: int, offices: list[OrgUnit], today: datetime.date) -> None:
        office_ids = "ARRAY[" + ",".join(str(office.pk) for office in offices) + "]::bigint[]"
        case_table, clock_table = Case._meta.db_table, Deadline._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {case_table} (
                    number, status, matter_kind, receiving_unit_id, owner_unit_id,
                    location_unit_id, summary, received_at, is_first_time, simplified,
                    accepted_on, decision_reason, legal_channel, guided_to,
                    sponsor_responsibility, last_step_on, created_at, updated_at)
                SELECT 'BENCH-' || lpad(i::text, 8, '0'), %s, 'complaint',
                    ({office_ids})[i %% {DISTRICTS} + 1], ({office_ids})[i %% {DISTRICTS} + 1],
                    ({office_ids})[i %% {DISTRICTS} + 1], '基准案件', now(), false, false,
                    %s, '', '', '', '', %s, now(), now()
                FROM generate_series(0, %s - 1) AS i
                """,
                [CaseStatus.IN_PROGRESS, today, today, cases],
            )
            cursor.execute(
                f"""
                INSERT INTO {clock_table} (
                    case_id, kind, responsible_unit_id, starts_on, due_on,
                    extended_days, paused_days)
                SELECT c.id, k.kind, c.owner_unit_id, %s,
                    CASE WHEN (c.id * 2 + k.n) %% 10000 < {DUE_PER_10000}
                        THEN %s::date + ((c.id * 2 + k.n) %% 24 - 20)::int
                        ELSE %s::date + (20 + (c.id * 2 + k.n) %% 281)::int END,
                    0, 0
                FROM {case_table} c CROSS JOIN (VALUES (0, %s), (1, %s)) AS k(n, kind)
                """,
                [today, today, today, DeadlineKind.HANDLING, EscalationDeadlineKind.JOINT_TASK],
            )
            cursor.execute(f"ANALYZE {case_table}")
            cursor.execute(f"ANALYZE {clock_table}")

    def _explain(self, today: datetime.date) -> None:
        """The plan of the scan's heaviest candidate query (due soon: the widest window)."""
        reminded = Reminder.objects.filter(
            deadline=OuterRef("pk"), stage=ReminderStage.DUE_SOON, due_on=OuterRef("due_on")
        )
        query = (
            Deadline.objects.filter(
                met_at__isnull=True,
                due_on__gte=today,
                due_on__lte=today + datetime.timedelta(days=5),
            )
            .exclude(kind__in=PETITIONER_WINDOWS)
            .exclude(Exists(reminded))
            .order_by("due_on", "pk")
            .values_list("pk", "due_on")[:500]
        )
        options = {"analyze": True} if connection.vendor == "postgresql" else {}
        self.stdout.write("query plan of the scan's candidate query (due soon):")
        for line in query.explain(**options).splitlines():
            self.stdout.write(f"    {line}")
