"""`naskah demo --signer-backend bsre`: the whole SOP in one process with the Kabid and the Kadis signing
through the loopback BSrE Esign Client Service (TEST ONLY); poppler's pdfsig finds both SK signatures valid."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
NASKAH = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "naskah"


def test_naskah_demo_on_bsre_keys_leaves_an_sk_whose_two_signatures_pdfsig_finds_valid(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = subprocess.run([str(NASKAH), "demo", "--signer-backend", "bsre", "--port", str(port)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=400, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = tmp_path / "out" / "demo"
    verification = json.loads((out / "sk-tim-verification.json").read_text())
    assert verification["all_ok"] and [s["level"] for s in verification["signatures"]] == ["B-LT", "B-LT"]
    checked = subprocess.run(["pdfsig", "-no-ocsp", str(out / "sk-tim-signed.pdf")], capture_output=True,
                             text=True, timeout=60)
    assert checked.stdout.count("Signature Validation: Signature is Valid.") == 2, checked.stdout
    assert "Rahmi Suryantari" in checked.stdout and "Yohanes Rumbiak" in checked.stdout
    # the key is BSrE's: the signatures are in BSrE's own fields, issued by its (TEST-ONLY) CA
    assert checked.stdout.count("Signature Field Name: sig_") == 2
    assert (tmp_path / "var" / "bsre" / "pki" / "README-TEST-ONLY.txt").exists()
    letters = sorted((out / "surat-edaran").glob("*.pdf"))
    assert letters and all(p.read_bytes().count(b"/ETSI.CAdES.detached") == 1 for p in letters)


def test_the_signer_backend_flag_is_for_the_embedded_run_only():
    done = subprocess.run([str(NASKAH), "demo", "--signer-backend", "bsre", "--sk", "http://127.0.0.1:1/sk"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "NASKAH_SIGNERS_FILE" in done.stderr
