"""A per-client rate limit for public endpoints: an in-process token bucket keyed by client address.

Each key has a bucket of ``burst`` tokens refilled at ``per_minute / 60`` tokens a second; a request takes
one token or is refused with how long to wait until the next one. Memory is bounded: at most ``max_keys``
buckets are kept, the least recently used one is forgotten first (a forgotten client starts full again,
which errs on the side of answering).

The buckets live in the process: with several workers (gunicorn ``-w N``) each worker keeps its own, so a
client may get up to N times the rate. That is the intended trade (no shared store on the hot path of a
public page); put a limit at the reverse proxy when an exact global one is needed.

Use::

    limiter = RateLimiter(per_minute=30, burst=10)
    wait = limiter.check(client_key())       # None, or seconds until a token is there
    limiter.enforce()                        # raises ApiError(429, "rate_limited", …, {"retry_after": s})

    @rate_limited(lambda: current_app.extensions["naskah"].verify_limiter)
    def view(): ...

The 429 goes through the shared error handler, so it has the JSON error shape and a ``Retry-After`` header.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from naskah_shared.web.errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0 or burst < 1 or max_keys < 1:
            raise ValueError("per_minute must be positive, burst and max_keys at least 1")
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """Take a token for ``key``: None if there was one, else the seconds until there is one."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            wait = None
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)  # most recently used last
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def enforce(self, key: str | None = None) -> None:
        """Raise the 429 ApiError when ``key`` (by default the requesting client) is over its rate."""
        wait = self.check(key if key is not None else client_key())
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, "rate_limited", f"Too many requests from this client; try again in {seconds} s.",
                           {"retry_after": seconds})

    def __len__(self) -> int:
        return len(self._buckets)


def client_key() -> str:
    """The client's address as the app sees it (behind trusted proxies, ProxyFix has already set it)."""
    from flask import request

    return request.remote_addr or "unknown"


def rate_limited(limiter: Callable[[], RateLimiter | None]) -> Callable[[F], F]:
    """A view decorator; ``limiter`` is called per request (so it can come from the app's container) and
    may return None to switch the limit off."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            current = limiter()
            if current is not None:
                current.enforce()
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
