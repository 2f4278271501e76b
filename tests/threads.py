"""Test code run in concurrent threads, each on its own database connection (the race tests,
on PostgreSQL)."""

import threading
from collections.abc import Callable

from django.db import connection


def run_in_threads(*targets: Callable[[], object]) -> list[BaseException]:
    """Run each target in a thread of its own and wait for all (a minute at most); each
    thread's database connection is closed when it ends. Returns what the targets raised."""
    errors: list[BaseException] = []
    lock = threading.Lock()

    def guarded(target):
        try:
            target()
        except BaseException as exc:  # reported by the caller
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors
