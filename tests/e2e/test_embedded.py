"""The README's first command: everything in one process, then the SOP demo, and its output files."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
NASKAH = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "naskah"


def test_naskah_run_leaves_the_signed_sk_its_verification_and_the_signed_report(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Safe to run twice: the second run continues in the same ./var and register (SK, Surat Edaran, SK, ...).
    for sk_nomor, se_nomor in (("001", "002"), ("003", "004")):
        done = subprocess.run([str(NASKAH), "run", "--exit", "--port", str(port)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert f"Nomor SK: 800/{sk_nomor}/DPMK/" in done.stdout and f"nomor 800/{se_nomor}/DPMK/" in done.stdout
    out = tmp_path / "out" / "demo"
    verification = json.loads((out / "sk-tim-verification.json").read_text())
    assert verification["all_ok"] and len(verification["signatures"]) == 2
    for name in ("sk-tim-signed.pdf", "laporan-kegiatan-signed.pdf"):
        assert (out / name).read_bytes().startswith(b"%PDF")
    letters = sorted((out / "surat-edaran").glob("*.pdf"))
    assert len(letters) == 12 and all(p.read_bytes().count(b"/ETSI.CAdES.detached") == 1 for p in letters)
    assert "TERLAMBAT" in done.stdout and "Rapat Penutupan" in done.stdout
    # step 1 left open three days: flagged live and reminded by the ticker before the Kabid closes it
    assert "TERLAMBAT: langkah 1 (15 menit)" in done.stdout, done.stdout
    assert "Pengingat langkah 1 terkirim: 1x activity.step_overdue" in done.stdout, done.stdout
    sheets = sorted(p.name.split("-")[1] for p in (out / "disposisi").glob("langkah-*.pdf"))
    assert sheets == ["01", "02", "06", "07", "08", "12"], sheets  # SOP steps 1, 2, 6, 7, 8 and 12
    assert (tmp_path / "var" / "pki" / "README-TEST-ONLY.txt").exists()
