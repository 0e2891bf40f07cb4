"""The LibreOffice converter: a supervised pool of warm unoserver processes (each one a `worker._Worker`).

`UnoserverPool` follows Gotenberg's supervisor (pkg/gotenberg/supervisor.go): processes
start lazily, each has its own loopback ports and its own LibreOffice profile
(-env:UserInstallation; two instances on one profile fight over its lock), one job per
process, a bounded queue (full → `ConverterBusy`), a restart after N jobs, after a
crash and after a timeout, and a retry only for the failures known to be transient
(the process died or the UNO bridge went away), never for a timeout or a bad document.

`uno` exists only for Debian's /usr/bin/python3 (DESIGN §11), so unoserver runs in
its own venv (.venv-uno) and this module talks to it over XML-RPC with the standard
library. Every process runs in its own process group, so a kill takes LibreOffice
(soffice.bin, started by unoserver) with it; pools close at interpreter exit, and a
watchdog inside each unoserver kills its group if this process dies without closing.
"""

from __future__ import annotations

import collections
import logging
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path

from naskah_shared.convert.docx_safety import check_self_contained
from naskah_shared.convert.ports import ConversionError, ConverterBusy, ConverterUnavailable
from naskah_shared.convert.sample import tiny_docx
from naskah_shared.convert.worker import _Config, _TimedOut, _Transient, _Worker

log = logging.getLogger("naskah.convert")


class UnoserverPool:
    """`Converter` over `size` warm LibreOffice processes; thread-safe.

    `to_pdf` waits in a bounded FIFO queue (at most `queue_limit` callers, each up to
    `queue_timeout` seconds) for a free process, first come first served; a conversion longer than `timeout`
    kills that process (it restarts in the background) and raises ConversionError("timeout").
    """

    def __init__(self, size: int = 2, *, unoserver: str | os.PathLike[str] | None = None,
                 workdir: Path | None = None, timeout: float = 60.0, max_jobs_per_process: int = 200,
                 queue_limit: int | None = None, queue_timeout: float | None = None,
                 start_timeout: float = 60.0, soffice: str | None = None) -> None:
        if size < 1:
            raise ValueError("pool size must be at least 1")
        self.size = size
        own_workdir = workdir is None
        self.workdir = Path(workdir).resolve() if workdir else Path(tempfile.mkdtemp(prefix="naskah-uno-"))
        self.timeout = timeout
        self.max_jobs_per_process = max_jobs_per_process
        self.queue_limit = queue_limit if queue_limit is not None else 8 * size
        self.queue_timeout = queue_timeout if queue_timeout is not None else start_timeout + timeout
        self._config = _Config(unoserver, soffice, self.workdir, start_timeout)
        self._workers = [_Worker(i, self._config) for i in range(size)]
        self._idle = list(self._workers)
        self._waiters: collections.deque[_Slot] = collections.deque()
        self._lock = threading.Lock()
        # Runs on close(), when the pool is collected, or at interpreter exit, whichever comes first.
        self._finalizer = weakref.finalize(self, _shutdown, self._config, self._workers, own_workdir)

    @property
    def closed(self) -> bool:
        return self._config.closed

    @property
    def unoserver(self) -> str:
        return self._config.unoserver

    # -- Converter -----------------------------------------------------------------------------------
    def to_pdf(self, docx: bytes, *, pdfa: bool = False, timeout: float | None = None) -> bytes:
        if not docx:
            raise ConversionError("empty_input", "no document to convert")
        check_self_contained(docx)  # LibreOffice must read nothing outside the document (DESIGN §14)
        timeout = self.timeout if timeout is None else timeout
        last: _Transient | None = None
        for attempt in (1, 2):
            worker = self._acquire()
            restart = False
            try:
                worker.ensure_started()
                t0 = time.perf_counter()
                pdf = worker.convert(docx, pdfa, timeout)
                log.debug("converter %d: %d bytes in %.0f ms", worker.index, len(pdf),
                          (time.perf_counter() - t0) * 1000)
                restart = worker.jobs >= self.max_jobs_per_process
                return pdf
            except _TimedOut:
                restart = True
                raise ConversionError("timeout", f"conversion took longer than {timeout:g} s; "
                                                 "the converter was restarted") from None
            except _Transient as exc:
                restart, last = True, exc
                log.warning("converter %d failed (attempt %d): %s", worker.index, attempt, exc)
            finally:
                self._release(worker, restart)
        raise ConversionError("converter_crashed", f"the converter failed twice: {last}")

    def warm(self) -> None:
        """Start every process now (in parallel) instead of at first use."""
        threads = [threading.Thread(target=self._warm_one, daemon=True) for _ in self._workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def _warm_one(self) -> None:
        worker = self._acquire(prefer_started=False)
        try:
            worker.ensure_started()
            worker.convert(tiny_docx(), False, self.timeout)  # loads Writer and the PDF filter once
        except (ConversionError, _Transient, _TimedOut) as exc:
            log.warning("warming converter %d failed: %s", worker.index, exc)
        finally:
            self._release(worker, False)

    def ping(self) -> bool:
        """Ready to convert: not closed, unoserver present, every started idle process answers."""
        if self.closed:
            return False
        try:
            self.unoserver  # noqa: B018 - resolves or raises
        except ConverterUnavailable:
            return False
        with self._lock:
            idle = [w for w in self._idle if w.alive]
            self._idle = [w for w in self._idle if w not in idle]
        try:
            return all(w.ping() for w in idle)
        finally:
            for w in idle:
                self._hand_over(w)

    def pids(self) -> list[int | None]:
        """Process ids of the unoserver processes (None: not started); for operators and tests."""
        return [w.pid if w.alive else None for w in self._workers]

    def close(self) -> None:
        with self._lock:
            self._config.closed = True
            for slot in self._waiters:
                slot.ready.set()  # they wake with no worker and raise ConverterUnavailable
        self._finalizer()

    def __enter__(self) -> UnoserverPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queue: FIFO, a released process goes straight to the longest waiter ---------------------------
    def _acquire(self, prefer_started: bool = True) -> _Worker:
        with self._lock:
            if self.closed:
                raise ConverterUnavailable("converter pool is closed")
            self._restart_dead()
            if self._idle and not self._waiters:
                started = [w for w in self._idle if w.alive] if prefer_started else []
                worker = started[0] if started else self._idle[0]
                self._idle.remove(worker)
                return worker
            if len(self._waiters) >= self.queue_limit:
                raise ConverterBusy()
            slot = _Slot()
            self._waiters.append(slot)
        slot.ready.wait(self.queue_timeout)
        with self._lock:
            if slot.worker is not None:  # handed over, possibly just as the wait timed out
                return slot.worker
            if slot in self._waiters:
                self._waiters.remove(slot)
            if self.closed:
                raise ConverterUnavailable("converter pool is closed")
            raise ConverterBusy(f"no converter became free within {self.queue_timeout:g} s")

    def _hand_over(self, worker: _Worker) -> None:
        with self._lock:
            if self._waiters and not self.closed:
                slot = self._waiters.popleft()
                slot.worker = worker
                slot.ready.set()
            else:
                self._idle.append(worker)

    def _restart_dead(self) -> None:
        """Idle processes that died (killed, crashed) restart now, so no orphaned LibreOffice lingers."""
        for worker in [w for w in self._idle if w.proc is not None and not w.alive]:
            self._idle.remove(worker)
            self._restart_in_background(worker)

    def _restart_in_background(self, worker: _Worker) -> None:
        # Restart now rather than at the next request; the worker is handed on when ready.
        threading.Thread(target=self._restart, args=(worker,), daemon=True,
                         name=f"uno-restart-{worker.index}").start()

    def _release(self, worker: _Worker, restart: bool) -> None:
        if restart and not self.closed:
            worker.kill()
            self._restart_in_background(worker)
        else:
            self._hand_over(worker)

    def _restart(self, worker: _Worker) -> None:
        try:
            worker.ensure_started()
        except ConverterUnavailable as exc:
            log.error("converter %d did not restart: %s", worker.index, exc)
        finally:
            self._hand_over(worker)


class _Slot:
    """A caller waiting in the queue; `worker` is set when a process is handed to it."""

    __slots__ = ("ready", "worker")

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.worker: _Worker | None = None


def _shutdown(config: _Config, workers: list[_Worker], own_workdir: bool) -> None:
    """Kill every process group and remove the profiles."""
    config.closed = True  # a background restart now refuses to start a process
    for w in workers:
        w.kill()
    if own_workdir:
        shutil.rmtree(config.workdir, ignore_errors=True)


__all__: Sequence[str] = ["UnoserverPool"]
