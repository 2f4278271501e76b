"""The benchmarks (`make bench`): above every domain app, imported by none of them. Each runs
on a throwaway database of the configured server and prints its figures.

- `manage.py bench`: our views against bare baselines (`baselines.py`), over HTTP under
  gunicorn (`http/`, serving `wsgi.py`).
- `manage.py bench_scan`: the deadline reminder scan over many open clocks.
- `manage.py bench_dashboard`: the dashboards over a large city's petitions (`dashboard/`:
  the unit tree, the planned cases, their rows, the timed reads).

Shared by them: `database.py` (the throwaway database, statistics, bulk loading), `orgs.py`
(units and users, with a known password), `timing.py` and `reporting.py` (query plans, the
closing summary), `http/` (gunicorn on a bench database, a load generator that logs in by the
login form, closed-loop or with think time).
"""
