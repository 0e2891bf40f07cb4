"""The real stack for the chaos run: its own SeaweedFS (so stopping it harms no other test), three
databases, the session's RabbitMQ vhost, and the three services as `python -m X serve` processes (two
gunicorn workers each for sk-service and signature-service), with the faults the run injects."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import requests
from sqlalchemy.engine import make_url

from naskah_shared.storage.ports import Buckets
from naskah_shared.storage.s3 import S3ObjectStore
from naskah_shared.testing.postgres import ADMIN_DSN, fresh_database
from naskah_shared.testing.rabbitmq import rabbitmqctl
from naskah_shared.testing.seaweedfs import SeaweedS3
from tests.conftest import PLAIN_API_KEY, TEST_API_KEYS, TEST_SECRET

NAMES = ("sk", "signature", "report")
WORKERS = {"sk": 2, "signature": 2, "report": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers of its master), from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry))
    return sorted(out)


class ChaosStack:
    def __init__(self, workdir: Path, amqp_url: str, pki: Any) -> None:
        self.workdir, self.amqp_url, self.pki = workdir, amqp_url, pki
        self.vhost = unquote(urlsplit(amqp_url).path.lstrip("/"))
        self.s3 = SeaweedS3(workdir / "seaweedfs")
        self.urls = {name: f"http://127.0.0.1:{_free_port()}" for name in NAMES}
        self._exit = ExitStack()
        self.databases = {name: self._exit.enter_context(fresh_database(f"naskah_chaos_{name}")) for name in NAMES}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        # Held while the S3 server is restarted, and while the stores are reconciled: a listing never
        # meets a server stopping under it (nor one starting, answering before its volumes are loaded).
        self.s3_lock = threading.Lock()

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        self.s3.start()
        common = {"NASKAH_BUS_URL": self.amqp_url, "NASKAH_STORE_URL": f"s3://{self.s3.endpoint}",
                  "NASKAH_S3_ACCESS_KEY": self.s3.access_key, "NASKAH_S3_SECRET_KEY": self.s3.secret_key,
                  "NASKAH_SECRET_KEY": TEST_SECRET, "NASKAH_VERIFY_BASE_URL": self.urls["signature"],
                  "NASKAH_API_KEYS": TEST_API_KEYS, "NASKAH_CONVERTERS": "1", "NASKAH_LOG_LEVEL": "INFO",
                  "NASKAH_THREADS": "4"}
        extra = {"signature": {"NASKAH_ALLOW_TEST_PKI": "true", "NASKAH_PKI_DIR": str(self.pki.directory),
                               "NASKAH_PKI_URL": self.pki.base_url, "NASKAH_SIGNATURE_LEVEL": "B-LT",
                               "NASKAH_SK_URL": self.urls["sk"], "NASKAH_SK_API_KEY": PLAIN_API_KEY}}
        for name in NAMES:
            env = {**os.environ, **common, **extra.get(name, {}), "NASKAH_DATABASE_URL": self.databases[name],
                   "NASKAH_SERVICE": f"{name}-service", "NASKAH_WORKERS": str(WORKERS[name]),
                   "NASKAH_BIND": self.urls[name].removeprefix("http://")}
            log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - kept open with the process
            self.procs[name] = subprocess.Popen([sys.executable, "-m", f"{name}_service", "serve"], env=env,
                                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
        for name in NAMES:
            self.wait_ready(name, 120)

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.s3.stop()
        self._exit.close()

    def ready(self, name: str) -> bool:
        try:
            return requests.get(self.urls[name] + "/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready(name):
            proc = self.procs[name]
            assert proc.poll() is None, self.log_tail(name)
            assert time.monotonic() < deadline, f"{name} not ready:\n{self.log_tail(name)}"
            time.sleep(0.3)

    def log_tail(self, name: str, chars: int = 4000) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")[-chars:]

    def workers(self, name: str) -> list[int]:
        return children(self.procs[name].pid)

    # --- faults -----------------------------------------------------------------------------------
    def close_broker_connections(self) -> int:
        """Close every client connection of this run's vhost from RabbitMQ's side (no other vhost's)."""
        listed = rabbitmqctl("list_connections", "--no-table-headers", "vhost", "name")
        names = [line.split("\t", 1)[1] for line in listed.splitlines()
                 if "\t" in line and line.split("\t", 1)[0] == self.vhost]
        for conn in names:
            with contextlib.suppress(subprocess.CalledProcessError):
                rabbitmqctl("close_connection", conn, "chaos: broker connection closed")
        return len(names)

    def restart_s3(self, down_s: float = 2.0) -> None:
        """Stop the S3 server (SIGTERM, then SIGKILL), leave it down `down_s`, start it on the same ports."""
        with self.s3_lock:
            self.s3.stop()
            time.sleep(down_s)
            for attempt in range(3):  # a port of the old process may linger a moment on a loaded machine
                try:
                    self.s3.start(timeout=60)
                    return
                except RuntimeError:
                    if attempt == 2:
                        raise
                    time.sleep(2)

    def kill_database_backends(self) -> int:
        """pg_terminate_backend on every backend of this run's three databases (and only those)."""
        names = [make_url(url).database for url in self.databases.values()]
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY(%s) "
                                 "AND pid <> pg_backend_pid()", (names,)).fetchall()
        return len(rows)

    def kill_worker(self, name: str, pid: int | None = None) -> int:
        """SIGKILL one worker of `name` (the one given, else the first); gunicorn starts another."""
        pids = self.workers(name)
        victim = pid if pid in pids else pids[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    # --- back after the faults ------------------------------------------------------------------
    def unhealthy(self) -> list[str]:
        """What is not (yet) back of every server a fault stopped: the S3 server running and listing the
        archive, each database accepting connections, each service ready (its checks reach the database, the
        broker and the store) with all its gunicorn workers (a SIGKILLed one respawned). Empty: all back."""
        problems: list[str] = []
        if not self.s3.running:
            problems.append("s3: not running")
        else:
            try:
                store = S3ObjectStore(self.s3.endpoint, self.s3.access_key, self.s3.secret_key)
                store.ping()
                store.list_objects(Buckets.SIGNED, "health/")
            except Exception as exc:  # a server still loading its volumes answers errors of many kinds
                problems.append(f"s3: {exc!r}"[:300])
        for name in NAMES:
            try:
                self.query(name, "SELECT 1")
            except psycopg.Error as exc:
                problems.append(f"{name} database: {exc!r}"[:300])
            if self.procs[name].poll() is not None:
                problems.append(f"{name}: exited {self.procs[name].returncode}")
            elif len(self.workers(name)) < WORKERS[name]:
                problems.append(f"{name}: {len(self.workers(name))} of {WORKERS[name]} workers")
            elif not self.ready(name):
                problems.append(f"{name}: not ready")
        return problems

    # --- what the stores hold --------------------------------------------------------------------
    def connect(self, name: str) -> psycopg.Connection[Any]:
        """An autocommit connection to `name`'s database (each statement sees the latest commits)."""
        url = make_url(self.databases[name])
        return psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                               connect_timeout=5, autocommit=True)

    def query(self, name: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect(name) as conn:
            return conn.execute(sql, params).fetchall()

    def parked(self) -> int:
        listed = rabbitmqctl("list_queues", "-p", self.vhost, "--no-table-headers", "name", "messages")
        return sum(int(line.split("\t")[1]) for line in listed.splitlines()
                   if "\t" in line and line.split("\t")[0].endswith(".parked"))
