"""The arithmetic of the HTTP benches: percentiles, a summary of a run's latencies, the ratio
to a baseline, and the order in which a pair's slices interleave."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TARGET = "target"
BASELINE = "baseline"


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `fraction` of the values
    at or below it (0.5: the median of an odd count, the lower middle of an even one)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Summary:
    """Requests answered, the seconds they took, and their latencies in milliseconds."""

    count: int
    seconds: float
    p50: float
    p95: float
    max: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.count / self.seconds if self.seconds > 0 else 0.0


def summarize(latencies_ms: Sequence[float], seconds: float) -> Summary:
    return Summary(
        count=len(latencies_ms),
        seconds=seconds,
        p50=percentile(latencies_ms, 0.50),
        p95=percentile(latencies_ms, 0.95),
        max=max(latencies_ms, default=math.nan),
    )


def ratio(rate: float, baseline_rate: float) -> float:
    """The share of its baseline's requests per second a target serves (NaN without a
    baseline figure)."""
    return rate / baseline_rate if baseline_rate > 0 else math.nan


def rounds_for(seconds: float, slice_seconds: float) -> int:
    """How many slices of about `slice_seconds` split `seconds` (at least one)."""
    return max(1, round(seconds / slice_seconds)) if slice_seconds > 0 else 1


def interleaved(rounds: int) -> list[str]:
    """The order of a pair's slices: target and baseline alternate, and every other round
    the baseline goes first (ABBA…), so a drift of the machine over the run weighs on both
    alike."""
    order: list[str] = []
    for number in range(rounds):
        pair = [TARGET, BASELINE] if number % 2 == 0 else [BASELINE, TARGET]
        order += pair
    return order
