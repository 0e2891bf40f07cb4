"""What every benchmark here shares: timing a call repeatedly, and the p95 of the samples."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(fn: Callable[[], object], n: int, warmup: int = 1, *, unit: float = 1.0) -> list[float]:
    """`n` wall-clock durations of `fn()` after `warmup` untimed calls, in seconds times `unit`."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * unit)
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
