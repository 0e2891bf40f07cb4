"""A background ticker: runs one function every `interval` seconds until stopped.

Started and stopped with the service's `Runtime` (its `on_start` and `on_stop`
hooks). One run at a time; a failing run is logged and retried after a growing
pause (at most `max_backoff`), so a database outage does not spin. `stop()`
wakes the thread and waits at most `join_timeout` for the run in progress.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Ticker:
    def __init__(self, name: str, interval: float, run: Callable[[], object], *, max_backoff: float = 300.0,
                 join_timeout: float = 30.0) -> None:
        if interval <= 0:
            raise ValueError("a ticker's interval must be positive")
        self.name, self.interval, self.run = name, interval, run
        self.max_backoff, self.join_timeout = max_backoff, join_timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def _loop(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            try:
                self.run()
                pause = self.interval
            except Exception:
                log.exception("ticker run failed", extra={"ticker": self.name})
                pause = min(max(pause, self.interval) * 2, self.max_backoff)
            self.runs += 1

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=f"ticker-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=self.join_timeout)
            self._thread = None
