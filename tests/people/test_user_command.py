"""`naskah user add|reset|list` on the embedded run's signature-service database, passwords on stdin."""

from __future__ import annotations

import subprocess
from pathlib import Path

from signature_service.app import people_admin

NASKAH = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "naskah"


def _naskah(tmp_path: Path, *args: str, password: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(NASKAH), "user", "--var", str(tmp_path / "var"), *args], input=password + "\n",
                          capture_output=True, text=True, timeout=180, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})


def test_add_reset_list_with_the_password_on_stdin(tmp_path):
    done = _naskah(tmp_path, "add", "kabid", "--role", "kabid", "--nama", "Kabid Uji", "--signer", "kabid",
                   password="kata-sandi-pertama")
    assert done.returncode == 0, done.stderr
    assert "kata-sandi-pertama" not in done.stdout + done.stderr
    refused = _naskah(tmp_path, "add", "xx", "--role", "kadis", "--nama", "X", "--signer", "bupati",
                      password="kata-sandi-pertama")
    assert refused.returncode == 2 and "no signer account 'bupati'" in refused.stderr
    short = _naskah(tmp_path, "add", "yy", "--role", "arsiparis", "--nama", "Y", password="pendek")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    listing = _naskah(tmp_path, "list")
    assert listing.returncode == 0 and "kabid" in listing.stdout and "Kabid Uji" in listing.stdout
    assert "yy" not in listing.stdout and "xx" not in listing.stdout

    people = people_admin({"database_url": f"sqlite:///{tmp_path / 'var' / 'signature.db'}",
                           "pki_dir": str(tmp_path / "var" / "pki"), "log_level": "ERROR"})
    assert people.authenticate("kabid", "kata-sandi-pertama").signer_id == "kabid"
    assert _naskah(tmp_path, "reset", "kabid", password="kata-sandi-kedua").returncode == 0
    assert people.authenticate("kabid", "kata-sandi-kedua").role == "kabid"
