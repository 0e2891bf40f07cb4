"""Issue 13 #13: `naskah run --no-demo` keeps serving with no terminal (nohup, systemd, a container),
until SIGTERM; before the fix it exited as soon as it had started."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
NASKAH = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "naskah"


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sk/healthz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_no_demo_serves_without_a_terminal_until_sigterm(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "naskah.log").open("wb")
    proc = subprocess.Popen([str(NASKAH), "run", "--no-demo", "--port", str(port)], cwd=tmp_path,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while not _healthy(port):
            assert proc.poll() is None, (tmp_path / "naskah.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "did not start serving"
            time.sleep(0.5)
        time.sleep(3)
        assert proc.poll() is None and _healthy(port), "stopped serving without being asked"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert not _healthy(port)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        log.close()
