"""Timing for the benches: elapsed seconds, repeated calls, calls per second."""

from __future__ import annotations

import time
from collections.abc import Callable


def since(start: float) -> float:
    """Seconds since `start`, a `time.perf_counter()` reading."""
    return time.perf_counter() - start


def run_times_ms(call: Callable[[], object], runs: int) -> list[float]:
    """The time of each of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(since(start) * 1000)
    return times


def calls_per_second(call: Callable[[], object], seconds: float, *, warm_up: int = 3) -> float:
    """How many calls per second `call` makes over `seconds`, after `warm_up` calls to warm
    caches and connections. A call that raises StopIteration ends the measurement early (a
    write that ran out of rows to act on)."""
    for _ in range(warm_up):
        call()
    count, start = 0, time.perf_counter()
    while since(start) < seconds:
        try:
            call()
        except StopIteration:
            break
        count += 1
    return count / since(start)
