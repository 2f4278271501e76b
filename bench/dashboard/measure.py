"""The timed steps of the dashboards' bench: the closing job and the rollup's rebuild over the
loaded data, then the reads: the summary of every indicator for the city and for one
district (with the plan of each query), the lists its figures drill down to, and a
steady-state refresh of the rollup."""

from __future__ import annotations

import datetime
import statistics
import time
from unittest.mock import patch

from django.core.management.base import OutputWrapper
from django.db import connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrgUnit, User
from bench.database import analyze
from bench.http.load import think_time_run
from bench.http.server import serve
from bench.orgs import PASSWORD, give_password
from bench.reporting import write_queries
from bench.timing import run_times_ms, since
from cases.models import Case, CaseEvent, Deadline, EventKind
from cases.services import cases_close_lapsed
from core.pages import CappedPaginator
from core.workcalendar import add_months
from dashboards.links import drilldown_links
from dashboards.models import DailyCategoryStat, DailyStat
from dashboards.periods import Period
from dashboards.selectors import read_database, stats_summary
from dashboards.services import rollup_rebuild, rollup_refresh

from .ledgers import time_sections, time_year_end
from .orgs import Org
from .rows import backdate_closing_events

# The closing job's batch in the bench (beat's runs use the service's default).
CLOSING_BATCH = 5000
REFRESH_EVENTS = 20

Figure = tuple[str, str]


def time_closing(out: OutputWrapper, today: datetime.date) -> Figure:
    """The closing job's first run: the cases close by the closing rule, not by the
    generator. Then a second run, and the cases and clocks as they are now."""
    start = time.perf_counter()
    closing = cases_close_lapsed(today=today, batch_size=CLOSING_BATCH)
    closed = since(start)
    backdate_closing_events()
    analyze()
    figure = (
        "cases_close_lapsed",
        f"{closing.closed:,} cases closed in {closed:.1f} s "
        f"(batches of {CLOSING_BATCH:,}); a second run: "
        f"{_time_closing_again(today)}",
    )
    out.write(f"cases_close_lapsed: {closing.closed:,} cases in {closed:.1f} s")
    _write_counts(out, today)
    return figure


def _time_closing_again(today: datetime.date) -> str:
    """The steady state of beat's job: nothing left to close, one index probe."""
    start = time.perf_counter()
    again = cases_close_lapsed(today=today)
    return f"{again.closed} closed in {since(start) * 1000:.0f} ms"


def _write_counts(out: OutputWrapper, today: datetime.date) -> None:
    by_status = dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by("status"))
    open_clocks = Deadline.objects.filter(met_at__isnull=True)
    out.write("cases by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items())))
    out.write(
        f"clocks: {Deadline.objects.count():,}, open {open_clocks.count():,}, open and "
        f"overdue {open_clocks.filter(due_on__lt=today).count():,}"
    )


def time_rebuild(out: OutputWrapper) -> Figure:
    """The full rebuild of the rollup."""
    start = time.perf_counter()
    result = rollup_rebuild()
    rebuilt = since(start)
    analyze()
    rollup_rows = (
        f"{DailyStat.objects.count():,} DailyStat and "
        f"{DailyCategoryStat.objects.count():,} DailyCategoryStat rows"
    )
    out.write(f"rollup_rebuild: {result.days:,} days in {rebuilt:.1f} s; {rollup_rows}")
    return ("rollup_rebuild", f"{result.days:,} days, {rollup_rows}, {rebuilt:.1f} s")


def time_reads(
    out: OutputWrapper,
    org: Org,
    today: datetime.date,
    runs: int,
    *,
    plan_lines: int | None,
    database_name: str,
    think_users: int,
    think_seconds: float,
) -> list[Figure]:
    """The summary over the twelve months up to today for the city and one district, the
    city's drill-down lists, `think_users` staff over HTTP opening them (none for 0), and a
    refresh."""
    period = Period(add_months(today, -12) + datetime.timedelta(days=1), today, 12)
    out.write(f"\nsummary period: {period.start} … {period.end} (12 months)")
    figures = [
        _time_summary(out, label, user, unit, period, runs, full=full, plan_lines=plan_lines)
        for label, user, unit, full in (
            ("city", org.city_supervisor, org.city, True),
            ("district", org.district_supervisor, org.district, False),
        )
    ]
    for label, user, unit in (
        ("city", org.city_supervisor, org.city),
        ("district", org.district_supervisor, org.district),
    ):
        figures += time_sections(out, user, unit, period.start, period.end, today, runs, label)
    figures += time_year_end(out, org.city_supervisor, org.city, today, runs)
    drilldown, urls = _time_drilldown(out, org.city_supervisor, org.city, period, runs, plan_lines)
    figures += drilldown
    if think_users:
        figures += time_think(
            out, database_name, org, urls, users=think_users, seconds=think_seconds
        )
    figures.append(_time_refresh(out, today))
    return figures


def _time_summary(
    out: OutputWrapper,
    label: str,
    user: User,
    unit: OrgUnit,
    period: Period,
    runs: int,
    *,
    full: bool,
    plan_lines: int | None,
) -> Figure:
    """`stats_summary`'s time, its queries and their plans (whole when `full`, else the top
    node)."""
    database = connections[read_database()]

    def call() -> dict:
        return stats_summary(user=user, unit=unit, period=period)

    out.write(f"\n--- stats_summary, {label}: {unit.name} ({unit.code}) ---")
    with CaptureQueriesContext(database) as captured:
        summary = call()  # warm-up, and the queries it runs
    times = run_times_ms(call, runs)
    queries = captured.captured_queries
    out.write(
        f"batches {summary['batches']:,}, persons {summary['persons']:,}, "
        f"open {summary['open']:,}, due soon {summary['due_soon']:,}, overdue "
        f"{summary['overdue']:,}, backlog {summary['backlog']['count']:,}, "
        f"on-time rate {summary['on_time_rate']}, satisfaction rate "
        f"{summary['satisfaction_rate']}, top category "
        f"{summary['top_categories'][0]['name'] if summary['top_categories'] else '-'}"
    )
    out.write(
        f"{len(queries)} queries; {runs} runs: min {min(times):.1f} ms, median "
        f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms"
    )
    write_queries(out, database, queries, full=full, plan_lines=plan_lines)
    return (
        f"stats_summary {label}",
        f"min {min(times):.1f} ms, median {statistics.median(times):.1f} ms, "
        f"{len(queries)} queries",
    )


def _time_drilldown(
    out: OutputWrapper,
    user: User,
    unit: OrgUnit,
    period: Period,
    runs: int,
    plan_lines: int | None,
) -> tuple[list[Figure], list[str]]:
    """The lists a city supervisor reaches from the dashboard's numbers, and the petition
    and case lists unfiltered, rendered whole by their views (the count, the first page,
    the filter form)."""
    links = drilldown_links(stats_summary(user=user, unit=unit, period=period))
    targets = {name: links[name] for name in ("open", "due_soon", "overdue", "backlog", "batches")}
    targets["on_time_rate"] = links["rate"]["on_time_rate"]
    targets["timely_acceptance_rate"] = links["rate"]["timely_acceptance_rate"]
    # The lists as they open from the menu, unfiltered: the whole area's rows.
    targets["petition list"] = reverse("petitions:list")
    targets["case list"] = reverse("cases:list")
    client = Client()
    client.force_login(user)
    figures = []
    out.write(f"\n--- drill-down lists, city: {unit.name} ---")
    with patch.object(CappedPaginator, "capped_for", 0):
        client.get(targets["case list"])  # the page's templates loaded, not in a first view
    for name, url in targets.items():
        connection.queries_log.clear()  # full (at its length limit) after the steps above
        # The first view counts its rows, as anyone's does before a count past the cap is
        # remembered (`CappedPaginator`): nothing remembered is read for it.
        with (
            CaptureQueriesContext(connection) as captured,
            patch.object(CappedPaginator, "capped_for", 0),
        ):
            start = time.perf_counter()
            response = client.get(url)
            first = since(start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times = run_times_ms(lambda url=url: client.get(url), runs)
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
        out.write(
            f"{name}: {url}\n  {len(captured.captured_queries)} queries; first view "
            f"{first:.1f} ms, then median {statistics.median(times):.1f} ms; slowest query "
            f"{float(slowest['time']) * 1000:.1f} ms:"
        )
        write_queries(out, connection, [slowest], full=True, plan_lines=plan_lines)
        figures.append(
            (
                f"drill-down {name}",
                f"first {first:.1f} ms, then median {statistics.median(times):.1f} ms (whole page)",
            )
        )
    return figures, list(targets.values())


def time_think(
    out: OutputWrapper, database_name: str, org: Org, urls: list[str], *, users: int, seconds: float
) -> list[Figure]:
    """`users` staff at once over HTTP (gunicorn, 2 workers), each in a session of their
    own as a city supervisor (the drill-downs are the city's), opening the pages of `urls`
    in turn with 1–5 s of thought between two: each page's latency and all of them."""
    logins = [(org.city_supervisor.username, PASSWORD)]
    give_password(org.city_supervisor.username)
    out.write(f"\n--- {users} staff users, 1–5 s think time, {seconds:.0f} s over HTTP ---")
    with serve(database_name) as base_url:
        results = think_time_run(base_url, logins, urls, users=users, seconds=seconds, seed=1)
    for name, value in results.figures():
        out.write(f"{name}: {value}")
    return [(f"{users} users: {name}", value) for name, value in results.figures()[-1:]] + [
        (f"  {name}", value) for name, value in results.figures()[:-1]
    ]


def _time_refresh(out: OutputWrapper, today: datetime.date) -> Figure:
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
    out.write("\n--- rollup_refresh ---")
    results = []
    for label in (f"after {len(cases)} new case events", "again (nothing new but the margin)"):
        start = time.perf_counter()
        result = rollup_refresh()
        elapsed = since(start)
        results.append(f"{result.days} days in {elapsed * 1000:.0f} ms")
        out.write(f"rollup_refresh {label}: {result.days} days in {elapsed:.2f} s")
    return (f"rollup_refresh ({len(cases)} events)", "; then ".join(results))
