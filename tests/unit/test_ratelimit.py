"""naskah_shared.web.ratelimit: the token bucket's arithmetic, its bounded memory, the 429 it raises."""

from __future__ import annotations

import pytest

from naskah_shared.web import ApiError
from naskah_shared.web.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_the_rate():
    clock = Clock()
    limiter = RateLimiter(per_minute=30, burst=3, clock=clock)  # one token every 2 s
    assert [limiter.check("a") for _ in range(3)] == [None, None, None]
    assert limiter.check("a") == pytest.approx(2.0)
    clock.now += 1.0
    assert limiter.check("a") == pytest.approx(1.0)  # refused requests do not take a token
    clock.now += 1.0
    assert limiter.check("a") is None
    assert limiter.check("b") is None  # per key


def test_memory_is_bounded_least_recently_used_first():
    limiter = RateLimiter(per_minute=1, burst=1, max_keys=100, clock=Clock())
    for i in range(10_000):
        limiter.check(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 100
    assert limiter.check("10.0.39.15") is not None  # among the last 100 seen: still limited
    assert limiter.check("10.0.0.0") is None  # forgotten: starts full again


def test_enforce_raises_the_429_with_retry_after():
    limiter = RateLimiter(per_minute=6, burst=1, clock=Clock())
    limiter.enforce("c")
    with pytest.raises(ApiError) as refused:
        limiter.enforce("c")
    assert (refused.value.status, refused.value.code, refused.value.details) == (429, "rate_limited",
                                                                               {"retry_after": 10})


def test_bad_settings_refused():
    for args in ((0, 1), (10, 0)):
        with pytest.raises(ValueError):
            RateLimiter(*args)
