"""`manage.py bench_dashboard`'s parts: the large city's unit tree (`orgs.py`), the course of
its cases (`plan.py`), their rows loaded into the tables (`rows.py`), and the timed reads of
the dashboards (`measure.py`)."""
