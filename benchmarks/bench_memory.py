"""Each service's idle memory with its production command (DESIGN §9: ≤ 150 MB RSS, LibreOffice apart).

Starts `python -m <service> serve` (one gunicorn worker) on SQLite, the in-process bus and a filesystem
store, waits for /readyz, lets it idle, and reads the RSS of the master and the worker from /proc.
LibreOffice runs in its own processes and is not counted. The baseline row is a bare Python
interpreter with Flask imported, measured the same way in the same run.

usage: .venv/bin/python benchmarks/bench_memory.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(service: str, tmp: Path) -> tuple[float, float]:
    port = free_port()
    env = {**os.environ, "NASKAH_DATABASE_URL": f"sqlite:///{tmp}/{service}.db",
           "NASKAH_STORE_URL": f"file://{tmp}/store", "NASKAH_BIND": f"127.0.0.1:{port}", "NASKAH_WORKERS": "1",
           "NASKAH_PKI_DIR": f"{tmp}/pki", "NASKAH_PKI_URL": f"http://127.0.0.1:{free_port()}",
           "NASKAH_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", f"{service}_service", "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2).status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        time.sleep(3)  # idle
        workers = [p for p in children(proc.pid) if "gunicorn" in Path(f"/proc/{p}/cmdline").read_text()
                   or "python" in Path(f"/proc/{p}/cmdline").read_text()]
        return rss_mb(proc.pid), max((rss_mb(w) for w in workers), default=0.0)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)


def main() -> None:
    base = subprocess.Popen([sys.executable, "-c", "import flask, time; time.sleep(30)"])
    time.sleep(2)
    baseline = rss_mb(base.pid)
    base.kill()
    print(f"{'process (idle)':36} {'master MB':>10} {'worker MB':>10} {'worker ÷ baseline':>18}   target")
    print(f"{'baseline: python + flask':36} {baseline:10.0f} {'':>10} {1.0:17.1f}x")
    with tempfile.TemporaryDirectory() as tmp:
        for service in ("sk", "signature", "report"):
            master, worker = measure(service, Path(tmp))
            print(f"{service + '-service':36} {master:10.0f} {worker:10.0f} {worker / baseline:17.1f}x   ≤ 150 MB")


if __name__ == "__main__":
    main()
