from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=570, time_limit=600)
def refresh_rollup() -> dict:
    """Beat, every `DASHBOARD_REFRESH_SECONDS`: roll up the days the cases changed since the
    last run touched. Runs one at a time (the state row is locked); safe to run again."""
    return vars(services.rollup_refresh())


@shared_task(acks_late=True, time_limit=3600)
def rebuild_rollup() -> dict:
    """Beat, nightly: recompute the whole rollup."""
    return vars(services.rollup_rebuild())
