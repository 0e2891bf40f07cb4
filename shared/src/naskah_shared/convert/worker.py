"""One warm LibreOffice process for `UnoserverPool` (libreoffice.py): unoserver in its own process group,
with its own loopback ports and LibreOffice profile, spoken to over XML-RPC with the standard library.

`uno` exists only for Debian's /usr/bin/python3 (DESIGN §11), so unoserver runs in its own venv (.venv-uno);
a watchdog inside each unoserver kills its group if the parent process dies without closing it.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import xmlrpc.client
from pathlib import Path

from naskah_shared.convert.ports import ConversionError, ConverterUnavailable

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
