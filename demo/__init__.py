"""The demo data (`manage.py seed_demo`): the top floor, above every domain app, imported by
none of them. It builds everything through the domain apps' services, selectors and models.

- `orgs.py`, `people.py`: the 江州市 org tree and its staff accounts; names, ID numbers, phones.
- `petitions/`: the petitions as a plan (`plan.py`, `texts.py`, `scenarios.py`), registered
  and handled through the case services (`handling.py`, `answers.py`, the scripted stories of
  SCENARIOS.md and the showcase cases in `stories.py`).
- `seed.py`: the org tree, accounts, petitions and handling in one transaction, and the
  lookups of the stories' cases; `escalation.py` and `reception.py` build on those cases.
- `management/commands/seed_demo.py`: runs them in that order, then rebuilds the dashboards'
  rollup.
"""
