"""What the benches print besides their timings: the plans of the queries measured, and the
closing summary of figures."""

from __future__ import annotations

import re

from django.core.management.base import OutputWrapper

# A long array of ids in a plan line ('{5,10,1071,…}'), shortened to its first few.
LONG_ARRAY = re.compile(r"'\{((?:[^,}']+,){8,}[^,}']+)\}'")
ACTUAL = re.compile(r"actual time=[\d.]+\.\.([\d.]+) rows=\d+ loops=(\d+)")


def explain(database, sql: str) -> list[str]:
    """The plan of `sql` on `database` (a connection): run and measured on PostgreSQL
    (`EXPLAIN (ANALYZE, BUFFERS)`), `EXPLAIN QUERY PLAN` elsewhere."""
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return [abridge(row[0]) for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


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


def write_queries(
    out: OutputWrapper, database, queries: list[dict], *, full: bool, plan_lines: int | None
) -> None:
    """Each captured query with its time and its plan: the plan's first `plan_lines` lines
    (`plan_excerpt`; all of them for None) when `full`, else its top node."""
    out.write(
        "queries (time in the warm-up call), each with its plan:"
        if full
        else "queries (time in the warm-up call), with the plan's top node:"
    )
    for number, query in enumerate(queries, start=1):
        sql = query["sql"]
        head = " ".join(sql.split())
        out.write(
            f"[{number}] {float(query['time']) * 1000:7.1f} ms  "
            f"{head[:150]}{'…' if len(head) > 150 else ''}"
        )
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        lines = explain(database, sql)
        if full:
            for line in plan_excerpt(lines, plan_lines):
                out.write(f"      {line}")
        else:
            top = lines[0].strip() if lines else ""
            out.write(f"      {top[:140]}")
            for line in lines:
                if line.startswith("Execution Time"):
                    out.write(f"      {line}")


def write_figures(out: OutputWrapper, figures: list[tuple[str, str]]) -> None:
    """The closing summary: one figure a line, names aligned."""
    out.write("\n=== summary ===")
    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        out.write(f"{name:<{width}}  {value}")
