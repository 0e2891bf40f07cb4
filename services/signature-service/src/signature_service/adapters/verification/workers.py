"""Warm worker processes for verification, so that a budget is a hard bound.

A verification past its budget is SIGKILLed with its process, which frees its CPU at once. The threads this
replaces were stopped by raising an exception into them, which lands wherever the thread happens to be: CI
saw it land in a GC callback, where it is printed and dropped, and a 3 000-field file answered after 2.2 s
instead of 1.5. A hostile PDF parsed in a worker also never holds the web process's GIL.

Workers fork from a forkserver that imported pyHanko once (``forkserver`` because forking a threaded web
process is unsafe), so a replacement is ready in milliseconds. A job is a module-level function
``fn(send, *args)`` that may ``send((kind, value))`` partial results before it returns.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

_CTX = multiprocessing.get_context("forkserver")
_CTX.set_forkserver_preload(["signature_service.adapters.verification.verifier",
                             "signature_service.adapters.verification.etsi"])

Send = Callable[[tuple[str, Any]], None]
_JOBS_PER_WORKER = 500  # then replaced: what a hostile PDF fragmented in its heap is given back


class _ToCaller(logging.Handler):
    """A worker's log records go to the caller's logging (its JSON lines and labels), not to stderr."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(logging.WARNING)
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: v if isinstance(v, str | int | float | bool | type(None)) else str(v)
                  for k, v in record.__dict__.items() if k not in ("args", "exc_info", "exc_text", "stack_info")}
        fields["msg"] = record.getMessage()  # tracebacks stay behind: one line per record, as in the caller
        with contextlib.suppress(OSError, ValueError):  # the caller is gone: nobody to tell
            self.conn.send(("log", fields))


def _serve(conn: Connection) -> None:
    logging.getLogger().addHandler(_ToCaller(conn))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return  # the pool is gone
        try:
            fn(conn.send, *args)
            conn.send(("end", None))
        except BaseException as e:  # the job's own errors are its business; this one ends the job only
            conn.send(("crash", f"{type(e).__name__}: {e}"[:300]))


class _Process:
    def __init__(self) -> None:
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(target=_serve, args=(child,), name="naskah-verify", daemon=True)
        self.process.start()
        child.close()
        self.jobs = 0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(2)
        self.conn.close()


class WorkerPool:
    """At most ``size`` verifications at once; a caller waits for a free worker within its own deadline."""

    def __init__(self, size: int = 2) -> None:
        self.size = max(1, size)
        self._idle: list[_Process] = []
        self._live = 0
        self._cond = threading.Condition()

    def warm(self) -> None:
        """Start the workers now, in the background, so the first request does not wait for pyHanko's import."""
        threading.Thread(target=self._fill, name="verify-warm", daemon=True).start()

    def ready(self, timeout: float) -> bool:
        """Whether every worker is started and idle within ``timeout``."""
        end = time.monotonic() + timeout
        with self._cond:
            while len(self._idle) < self.size:
                if not self._cond.wait(max(0.0, end - time.monotonic())) and time.monotonic() >= end:
                    return False
        return True

    def run(self, fn: Callable[..., None], args: tuple[Any, ...], deadline: float,
            on_message: Callable[[str, Any], None]) -> bool:
        """Run ``fn`` in a worker until it ends or ``deadline``; True if it ended (a crash is logged)."""
        worker = self._acquire(deadline)
        if worker is None:
            return False
        ended = False
        try:
            worker.conn.send((fn, args))
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not worker.conn.poll(remaining):
                    break
                kind, value = worker.conn.recv()
                if kind == "end":
                    ended = True
                    break
                if kind == "log":
                    record = logging.makeLogRecord(value)
                    logging.getLogger(record.name).handle(record)
                    continue
                if kind == "crash":
                    log.warning("verification worker job failed", extra={"error": value})
                    ended = True
                    break
                on_message(kind, value)
        except (EOFError, OSError):
            log.warning("verification worker died")  # killed by the OS (memory), say: replaced below
        finally:
            self._release(worker, healthy=ended)
        return ended

    # --- the pool ---------------------------------------------------------------------------------------
    def _fill(self) -> None:
        while True:
            with self._cond:
                if self._live >= self.size:
                    return
                self._live += 1
            self._add()

    def _add(self) -> None:
        """Start one worker for a slot already counted in ``_live``."""
        try:
            worker = _Process()
        except Exception:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            raise
        with self._cond:
            self._idle.append(worker)
            self._cond.notify()

    def _acquire(self, deadline: float) -> _Process | None:
        with self._cond:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._live < self.size:
                    self._live += 1
                    break
                if not self._cond.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                    return None
        try:
            return _Process()
        except Exception:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Process, *, healthy: bool) -> None:
        worker.jobs += 1
        if healthy and worker.jobs < _JOBS_PER_WORKER:
            with self._cond:
                self._idle.append(worker)
                self._cond.notify()
            return
        worker.kill()  # past its deadline or worn: its CPU is freed now, a fresh one forks in the background
        threading.Thread(target=self._add, name="verify-replace", daemon=True).start()


_pools: dict[int, WorkerPool] = {}
_pools_lock = threading.Lock()


def default_pool(size: int = 2) -> WorkerPool:
    """The process's pool of ``size`` workers, shared by every verifier of this process (an app factory
    called again, as tests do, reuses it); the workers end with the process, or when it dies, with their
    pipe."""
    with _pools_lock:
        pool = _pools.get(size)
        if pool is None:
            pool = _pools[size] = WorkerPool(size)
            pool.warm()
        return pool
