"""The benches' shared helpers: timing, query-plan excerpts, the closing summary, bulk loading
and the org-tree builders."""

import io

import pytest
from django.core.management.base import OutputWrapper

from accounts.models import OrgKind, OrgUnit
from accounts.roles import Role
from bench.database import batched, load
from bench.orgs import PASSWORD, bench_city, give_password, user
from bench.reporting import abridge, plan_excerpt, write_figures
from bench.timing import calls_per_second, run_times_ms
from petitions.models import Category
from tests.conftest import ensure_reference_data


def test_a_rate_measurement_ends_when_the_calls_run_out_of_rows():
    rows = iter(range(10))
    rate = calls_per_second(lambda: next(rows), seconds=60, warm_up=3)
    assert rate > 0  # the seven calls after the warm-up, then StopIteration ended it
    assert next(rows, None) is None


def test_each_run_is_timed_in_milliseconds():
    calls = []
    times = run_times_ms(lambda: calls.append(1), 4)
    assert len(times) == len(calls) == 4 and all(t >= 0 for t in times)


def test_a_short_plan_is_printed_whole_and_a_long_one_keeps_its_slow_nodes():
    lines = ["Seq Scan on t", "Planning Time: 0.1 ms", "Execution Time: 50.0 ms"]
    assert plan_excerpt(lines, 30) == lines
    assert plan_excerpt(lines, None) == lines
    long = [
        "Aggregate (actual time=0.1..50.0 rows=1 loops=1)",
        "  -> Hash Join (actual time=0.1..1.0 rows=10 loops=1)",
        "  -> Index Scan (actual time=0.1..0.5 rows=10 loops=20)",  # 10 ms in all: slow
        "  -> Seq Scan (actual time=0.1..0.2 rows=10 loops=1)",
        "Planning Time: 0.1 ms",
        "Execution Time: 50.0 ms",
    ]
    assert plan_excerpt(long, 1) == [
        long[0],
        "… 3 more plan lines, of which the slow nodes:",
        long[2],
        "Planning Time: 0.1 ms",
        "Execution Time: 50.0 ms",
    ]


def test_a_long_array_of_ids_in_a_plan_line_is_shortened():
    line = "Filter: (id = ANY ('{1,2,3,4,5,6,7,8,9,10,11,12}'::bigint[]))"
    assert abridge(line) == "Filter: (id = ANY ('{1,2,3,4,5,… 12 in all}'::bigint[]))"
    assert abridge("Filter: (id = ANY ('{1,2,3}'::bigint[]))").endswith("'{1,2,3}'::bigint[]))")


def test_the_summary_aligns_the_figures():
    out = io.StringIO()
    write_figures(OutputWrapper(out), [("unit tree", "5 units"), ("rollup_rebuild", "3 days")])
    assert out.getvalue().splitlines()[1:] == [
        "=== summary ===",
        "unit tree       5 units",
        "rollup_rebuild  3 days",
    ]


def test_rows_come_in_batches():
    assert [len(batch) for batch in batched(((n,) for n in range(5)), 2)] == [2, 2, 1]


@pytest.mark.django_db
def test_loaded_rows_are_written_and_counted():
    # Every NOT NULL column named: COPY (PostgreSQL) applies no Django default.
    written = load(
        Category,
        ("code", "name", "is_active"),
        ((f"99{n:02d}", f"基准类别{n}", True) for n in range(3)),
    )
    assert written == 3
    assert Category.objects.filter(code__startswith="99").count() == 3


@pytest.mark.django_db
def test_the_bench_city_has_its_petition_office_and_users_their_roles():
    ensure_reference_data()
    city, office = bench_city()
    assert (city.code, office.code, office.parent) == ("BENCH", "BENCHXFJ", city)
    assert OrgUnit.objects.get(code="BENCHXFJ").kind == OrgKind.PETITION_OFFICE
    clerk = user("bench-clerk", office, Role.RECEPTION, Role.HANDLER)
    assert set(clerk.groups.values_list("name", flat=True)) == {Role.RECEPTION, Role.HANDLER}


@pytest.mark.django_db
def test_a_bench_user_logs_in_with_the_bench_password_hashed_fast_and_not_due_for_a_change():
    ensure_reference_data()
    _city, office = bench_city()
    clerk = user("bench-clerk", office, Role.RECEPTION)
    clerk.refresh_from_db()
    assert clerk.password.startswith("md5$") and clerk.check_password(PASSWORD)
    assert not clerk.must_change_password
    clerk.set_unusable_password()
    clerk.save()
    assert give_password("bench-clerk", "nobody") == 1
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
