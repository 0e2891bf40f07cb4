"""Settles the archive intents crashes left behind: once when the process starts, then now and then.

A worker killed between the archive write and the commit leaves an intent; the next process to start (or
the next pass here, in any worker) adopts the version it wrote, with its audit entry, or forgets the intent
when nothing was written, so the signer can sign again.
"""

from __future__ import annotations

import logging
import threading

from signature_service.service_layer.signing import SigningService

log = logging.getLogger(__name__)


class Reconciler:
    def __init__(self, signing: SigningService, *, interval: float = 10.0) -> None:
        self.signing, self.interval = signing, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="archive-reconciler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _loop(self) -> None:
        while True:
            try:
                counts = self.signing.reconcile()
                if counts["adopted"] or counts["forgotten"]:
                    log.warning("archive intents settled", extra=counts)
            except Exception as exc:  # the database or the store is away: the next pass tries again
                log.warning("archive reconciliation failed", extra={"error": type(exc).__name__})
            if self._stop.wait(self.interval):
                return
