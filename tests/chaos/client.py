"""The chaos run's HTTP client: what an internal system and the signers' browser would do through faults.

Retries what may be retried: a 503 after its Retry-After (capped, the run is bounded), a connection the
fault cut, a 409 `idempotency_in_progress`; creating POSTs carry an Idempotency-Key, so a retry never
creates twice. Every other 5xx is counted (the run must answer none) and retried.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.conftest import TEST_API_KEY


@dataclass
class Stats:
    fivexx: list[tuple[str, str, int, str]] = field(default_factory=list)
    unavailable: int = 0  # 503s with Retry-After: allowed
    cut: int = 0  # connections a fault cut
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class Client:
    def __init__(self, stats: Stats, *, timeout: float = 120.0) -> None:
        self.stats, self.timeout = stats, timeout

    def call(self, method: str, url: str, *, idem: bool = False, headers: dict[str, str] | None = None,
             **kw: Any) -> requests.Response:
        hdrs = {"X-API-Key": TEST_API_KEY, **(headers or {})}
        if idem:
            hdrs["Idempotency-Key"] = str(uuid.uuid4())
        deadline = time.monotonic() + self.timeout
        while True:
            assert time.monotonic() < deadline, f"{method} {url}: no answer within {self.timeout:.0f} s"
            try:
                r = requests.request(method, url, headers=hdrs, timeout=30, **kw)
            except requests.RequestException:
                with self.stats.lock:
                    self.stats.cut += 1
                time.sleep(0.5)
                continue
            code = (r.json().get("error") or {}).get("code") if _is_json(r) and not r.ok else None
            if r.status_code == 503 or code == "idempotency_in_progress":
                with self.stats.lock:
                    self.stats.unavailable += r.status_code == 503
                assert r.status_code != 503 or r.headers.get("Retry-After"), f"503 without Retry-After: {url}"
                time.sleep(min(float(r.headers.get("Retry-After") or 1), 2.0))
                continue
            if r.status_code >= 500:
                with self.stats.lock:
                    self.stats.fivexx.append((method, url, r.status_code, r.text[:300]))
                time.sleep(1.0)
                continue
            return r

    def json(self, method: str, url: str, *, expect: tuple[int, ...] = (200,), **kw: Any) -> Any:
        r = self.call(method, url, **kw)
        assert r.status_code in expect, f"{method} {url}: {r.status_code} {r.text[:500]}"
        return r.json()

    def wait(self, what: str, probe: Any, timeout: float = 120.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := probe():
                return result
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}")


def _is_json(r: requests.Response) -> bool:
    return r.headers.get("Content-Type", "").startswith("application/json")
