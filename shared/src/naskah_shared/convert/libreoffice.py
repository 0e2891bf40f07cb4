"""LibreOffice converters: a supervised pool of warm unoserver processes, and cold soffice.

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
import contextlib
import http.client
import io
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
import xmlrpc.client
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from naskah_shared.convert.docx_safety import check_self_contained
from naskah_shared.convert.ports import ConversionError, ConverterBusy, ConverterUnavailable

log = logging.getLogger("naskah.convert")

DOCX_IMPORT_FILTER = "MS Word 2007 XML"  # refuse anything that is not a DOCX instead of importing it as text
PDF_EXPORT_FILTER = "writer_pdf_Export"
# PDF/A-2b (ISO 19005-2 level B): every font embedded, XMP with pdfaid:part=2, conformance=B.
PDFA_OPTIONS = ("SelectPdfVersion=2", "EmbedStandardFonts=true")

# LibreOffice's own settings, written into each converter's fresh profile: no linked content is loaded
# (BlockUntrustedRefererLinks: no document is a trusted location; Writer never updates links), every
# URL goes to a proxy on a closed loopback port, and macros never run. Behind the upload check and the
# check in `to_pdf` (docx_safety), this is the converter's own guard: LibreOffice reads nothing outside
# the document even when handed one that points elsewhere (tests/security/test_converter_isolation.py).
_NO_EXTERNAL_CONTENT = {
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): ("boolean", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): ("int", "3"),
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): ("boolean", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "SecureURL"): ("string-list", ""),
    ("org.openoffice.Office.Writer/Content/Update", "Link"): ("int", "2"),
    ("org.openoffice.Office.Calc/Content/Update", "Link"): ("int", "2"),
    ("org.openoffice.Inet/Settings", "ooInetProxyType"): ("int", "2"),
    ("org.openoffice.Inet/Settings", "ooInetNoProxy"): ("string", ""),
    **{("org.openoffice.Inet/Settings", f"ooInet{p}ProxyName"): ("string", "127.0.0.1")
       for p in ("HTTP", "HTTPS", "FTP")},
    **{("org.openoffice.Inet/Settings", f"ooInet{p}ProxyPort"): ("int", "9") for p in ("HTTP", "HTTPS", "FTP")},
}


def _write_profile_settings(profile: Path) -> None:
    """registrymodifications.xcu for a profile LibreOffice has not created yet (it keeps what it finds)."""
    from xml.sax.saxutils import quoteattr

    items = "".join(
        f'<item oor:path={quoteattr("/" + path)}><prop oor:name={quoteattr(name)} oor:op="fuse">'
        + ('<value xsi:nil="true"/>' if kind == "string-list" else f"<value>{value}</value>")
        + "</prop></item>\n"
        for (path, name), (kind, value) in _NO_EXTERNAL_CONTENT.items())
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n", encoding="utf-8")


# Runs inside unoserver's venv: a watchdog kills the process group when the pool's process
# disappears (no atexit then), and unoserver's fixed 5 s + 2 s start-up sleeps on the main
# thread are shortened because the pool polls for readiness itself. Then unoserver's main().
_BOOTSTRAP = r"""
import os, signal, sys, threading, time
parent = int(sys.argv[1])
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os.killpg(0, signal.SIGKILL)
threading.Thread(target=watch, daemon=True).start()
import unoserver.server as srv
_sleep = time.sleep
class _Time:
    def __getattr__(self, name):
        return getattr(time, name)
    def sleep(self, s):
        _sleep(min(s, 0.3) if threading.current_thread() is threading.main_thread() else s)
srv.time = _Time()
sys.argv = ["unoserver", *sys.argv[2:]]
sys.exit(srv.main())
"""


def find_unoserver(explicit: str | os.PathLike[str] | None = None) -> str:
    """The unoserver executable: argument, $NASKAH_UNOSERVER, a .venv-uno above this file or the cwd, PATH."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("NASKAH_UNOSERVER"):
        candidates.append(Path(os.environ["NASKAH_UNOSERVER"]))
    for base in (Path(__file__).resolve(), Path.cwd() / "x"):
        candidates += [parent / ".venv-uno" / "bin" / "unoserver" for parent in base.parents]
    on_path = shutil.which("unoserver")
    if on_path:
        candidates.append(Path(on_path))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c)
    raise ConverterUnavailable("unoserver not found: set NASKAH_UNOSERVER or create .venv-uno "
                               "(/usr/bin/python3 -m venv --system-site-packages .venv-uno; pip install unoserver)")


def _interpreter_of(script: str) -> str | None:
    """The Python that runs a console script (its shebang), to run the bootstrap with."""
    try:
        with open(script, "rb") as fh:
            first = fh.readline(512).decode("utf-8", "replace").strip()
    except OSError:
        return None
    if first.startswith("#!") and "python" in first:
        exe = first[2:].strip().split()[0]
        return exe if os.access(exe, os.X_OK) else None
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]  # (host, port) for AF_INET
        return port


def _kill_group(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGKILL) -> None:
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)  # start_new_session: the group id is the leader's pid


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class _Transport(xmlrpc.client.Transport):
    """xmlrpc.client with a socket timeout (the stock transport has none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: tuple[str, dict[str, str]] | str) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class _Transient(Exception):
    """The process died or its UNO bridge broke: restart it and retry once."""


class _TimedOut(Exception):
    pass


# A UNO exception (com.sun.star.*) means LibreOffice itself failed or went away mid-call; a document
# LibreOffice cannot read is a plain Python RuntimeError from unoserver ("Could not load document").
_TRANSIENT_FAULTS = ("com.sun.star", "DisposedException", "bridge", "Connection refused", "Broken pipe")


class _Config:
    """What the workers need from their pool (not the pool itself, so the pool can be collected)."""

    def __init__(self, unoserver: str | os.PathLike[str] | None, soffice: str | None, workdir: Path,
                 start_timeout: float) -> None:
        self._unoserver_arg = unoserver
        self._unoserver: str | None = None
        self.soffice = soffice
        self.workdir = workdir
        self.start_timeout = start_timeout
        self.closed = False

    @property
    def unoserver(self) -> str:
        if self._unoserver is None:
            self._unoserver = find_unoserver(self._unoserver_arg)
        return self._unoserver


class _Worker:
    """One unoserver + LibreOffice; used by one job at a time (the pool guarantees it)."""

    def __init__(self, index: int, config: _Config) -> None:
        self.index = index
        self._pool = config
        self._lock = threading.Lock()  # start/kill exclusion (close() vs a background restart)
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.jobs = 0
        self.generation = 0
        self.dir: Path | None = None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def ensure_started(self) -> None:
        with self._lock:
            if self.alive:
                return
            if self.proc is not None:
                log.warning("converter %d (pid %s) died (exit %s); restarting", self.index, self.proc.pid,
                            self.proc.returncode)
                self._kill_locked()
            last: Exception | None = None
            for _ in range(2):  # a second try with new ports if another process took one meanwhile
                try:
                    self._start_locked()
                    return
                except ConverterUnavailable as exc:
                    last = exc
                    self._kill_locked()
            raise last or ConverterUnavailable("converter did not start")

    def _start_locked(self) -> None:
        pool = self._pool
        if pool.closed:
            raise ConverterUnavailable("converter pool is closed")
        self.generation += 1
        self.dir = pool.workdir / f"uno-{self.index}-{self.generation}"
        profile, tmp = self.dir / "profile", self.dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        _write_profile_settings(profile)
        self.port, uno_port = _free_port(), _free_port()
        while uno_port == self.port:
            uno_port = _free_port()
        args = ["--interface", "127.0.0.1", "--port", str(self.port), "--uno-interface", "127.0.0.1",
                "--uno-port", str(uno_port), "--user-installation", str(profile), "--temp-dir", str(tmp)]
        if pool.soffice:
            args += ["--executable", pool.soffice]
        python = _interpreter_of(pool.unoserver)
        cmd = ([python, "-c", _BOOTSTRAP, str(os.getpid()), *args] if python else [pool.unoserver, *args])
        logfile = open(self.dir / "unoserver.log", "ab")  # noqa: SIM115 - owned by the child from here
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logfile, stderr=logfile,
                                         start_new_session=True, close_fds=True)
        except OSError as exc:
            raise ConverterUnavailable(f"cannot run unoserver ({pool.unoserver}): {exc}") from exc
        finally:
            logfile.close()
        self.jobs = 0
        deadline = time.monotonic() + pool.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ConverterUnavailable(f"unoserver exited with {self.proc.returncode} while starting: "
                                           f"{self.log_tail()}")
            try:
                self._proxy(min(5.0, pool.start_timeout)).system.listMethods()
                log.info("converter %d started (pid %d, port %d) in %.1f s", self.index, self.proc.pid,
                         self.port, pool.start_timeout - (deadline - time.monotonic()))
                return
            except (OSError, http.client.HTTPException, xmlrpc.client.Error):
                time.sleep(0.1)
        raise ConverterUnavailable(f"unoserver did not answer within {pool.start_timeout:.0f} s: {self.log_tail()}")

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", transport=_Transport(timeout),
                                         allow_none=True)

    def convert(self, docx: bytes, pdfa: bool, timeout: float) -> bytes:
        options = list(PDFA_OPTIONS) if pdfa else []
        try:
            # unoserver 3.7 convert(inpath, indata, outpath, convert_to, filtername, filter_options,
            #                       update_index, infiltername, password); XML-RPC has positional args only.
            result = self._proxy(timeout).convert(None, xmlrpc.client.Binary(docx), None, "pdf",
                                                  PDF_EXPORT_FILTER, options, False, DOCX_IMPORT_FILTER, None)
        except TimeoutError as exc:  # socket.timeout is TimeoutError since 3.10
            raise _TimedOut() from exc
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        except xmlrpc.client.Fault as exc:
            time.sleep(0.05)  # let a dying process finish dying so poll() sees it
            if not self.alive or any(t in exc.faultString for t in _TRANSIENT_FAULTS):
                raise _Transient(exc.faultString[-300:]) from exc
            raise ConversionError("conversion_failed", _fault_message(exc.faultString)) from exc
        self.jobs += 1
        data = result.data if isinstance(result, xmlrpc.client.Binary) else result
        if not isinstance(data, bytes) or not data.startswith(b"%PDF-"):
            raise ConversionError("conversion_failed", "LibreOffice returned no PDF")
        return data

    def ping(self, timeout: float = 3.0) -> bool:
        try:
            self._proxy(timeout).system.listMethods()
            return True
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False

    def kill(self) -> None:
        with self._lock:
            self._kill_locked()

    def _kill_locked(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            _kill_group(proc)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log.error("converter %d (pid %d) did not exit after SIGKILL", self.index, proc.pid)
            # LibreOffice is unoserver's child, not ours: wait until init has reaped the whole group.
            deadline = time.monotonic() + 5
            while _group_exists(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def log_tail(self, n: int = 600) -> str:
        try:
            return (self.dir / "unoserver.log").read_text(errors="replace")[-n:].strip() if self.dir else ""
        except OSError:
            return ""


def _fault_message(fault: str) -> str:
    lines = [ln for ln in fault.strip().splitlines() if ln.strip()]
    return (lines[-1] if lines else fault)[:300]


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


class SofficeConverter:
    """A cold `soffice --headless --convert-to pdf` per call in a fresh profile: the benchmark baseline."""

    def __init__(self, *, soffice: str | None = None, timeout: float = 120.0, workdir: Path | None = None) -> None:
        self.soffice = soffice or shutil.which("soffice") or shutil.which("libreoffice")
        self.timeout = timeout
        self.workdir = workdir

    def ping(self) -> bool:
        return self.soffice is not None

    def to_pdf(self, docx: bytes, *, pdfa: bool = False) -> bytes:
        if not self.soffice:
            raise ConverterUnavailable("soffice not found on PATH")
        if not docx:
            raise ConversionError("empty_input", "no document to convert")
        check_self_contained(docx)
        with tempfile.TemporaryDirectory(prefix="naskah-soffice-", dir=self.workdir) as tmp:
            src = Path(tmp) / "document.docx"
            src.write_bytes(docx)
            target = "pdf"
            if pdfa:  # JSON filter options on the command line (LibreOffice ≥ 7.4)
                target = "pdf:" + PDF_EXPORT_FILTER + ":" + json.dumps(
                    {"SelectPdfVersion": {"type": "long", "value": "2"},
                     "EmbedStandardFonts": {"type": "boolean", "value": "true"}})
            cmd = [self.soffice, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
                   f"--infilter={DOCX_IMPORT_FILTER}", "--convert-to", target, "--outdir", tmp, str(src)]
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait()
                raise ConversionError("timeout", f"soffice took longer than {self.timeout:g} s") from None
            finally:
                _kill_group(proc)  # soffice.bin may linger after the launcher exits
            pdf = Path(tmp) / "document.pdf"
            if proc.returncode != 0 or not pdf.exists():
                raise ConversionError("conversion_failed",
                                      f"soffice exited {proc.returncode}: {out.decode(errors='replace')[-300:]}")
            return pdf.read_bytes()


@lru_cache(maxsize=1)
def tiny_docx() -> bytes:
    """A one-line DOCX made with the standard library, for warming a converter up."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body><w:p><w:r>'
            "<w:t>naskah</w:t></w:r></w:p></w:body></w:document>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


__all__: Sequence[str] = ["SofficeConverter", "UnoserverPool", "find_unoserver", "tiny_docx"]
