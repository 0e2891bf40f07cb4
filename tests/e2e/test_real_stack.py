"""The whole SOP over HTTP only, each service its own process started with the production command.

RabbitMQ, PostgreSQL, the SeaweedFS S3 server, LibreOffice and the certomancer PKI are real; the three
services share nothing but HTTP, the bus and the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from naskah_cli.demo import run_demo
from tests.conftest import PLAIN_API_KEY, TEST_API_KEY, TEST_API_KEYS, TEST_SECRET

pytestmark = pytest.mark.slow


NASKAH = os.path.join(os.path.dirname(sys.executable), "naskah")


class Services(dict):
    """The services' base URLs by name, and each one's database URL in `databases`."""

    databases: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def services(pg_database, amqp_url, seaweed, dev_pki, animator, tmp_path) -> Iterator[dict[str, str]]:
    ports = {name: _free_port() for name in ("sk", "signature", "report")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    common = {"NASKAH_BUS_URL": amqp_url, "NASKAH_STORE_URL": f"s3://{seaweed.endpoint}",
              "NASKAH_S3_ACCESS_KEY": seaweed.access_key, "NASKAH_S3_SECRET_KEY": seaweed.secret_key,
              "NASKAH_SECRET_KEY": TEST_SECRET, "NASKAH_VERIFY_BASE_URL": urls["signature"],
              "NASKAH_API_KEYS": TEST_API_KEYS,
              "NASKAH_CONVERTERS": "1", "NASKAH_WORKERS": "1", "NASKAH_LOG_LEVEL": "INFO"}
    extra = {"signature": {"NASKAH_ALLOW_TEST_PKI": "true", "NASKAH_PKI_DIR": str(dev_pki.directory),
                           "NASKAH_PKI_URL": dev_pki.base_url,
                           # reviews go to sk-service with a plain key: the person assertion is what counts
                           "NASKAH_SK_URL": urls["sk"], "NASKAH_SK_API_KEY": PLAIN_API_KEY,
                           "NASKAH_REPORT_URL": urls["report"], "NASKAH_REPORT_API_KEY": PLAIN_API_KEY},
             # the demo's overdue step 1 is reminded within seconds, not at the next minute's tick
             "report": {"NASKAH_DEADLINE_TICK_SECONDS": "2"}}
    procs = {}
    databases = {name: pg_database() for name in ports}
    for name, port in ports.items():
        env = {**os.environ, **common, **extra.get(name, {}), "NASKAH_DATABASE_URL": databases[name],
               "NASKAH_SERVICE": f"{name}-service", "NASKAH_BIND": f"127.0.0.1:{port}"}
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        procs[name] = (subprocess.Popen([sys.executable, "-m", f"{name}_service", "serve"], env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True), log)
    try:
        for name, url in urls.items():
            deadline = time.monotonic() + 90
            while True:
                assert procs[name][0].poll() is None, (tmp_path / f"{name}.log").read_text()[-3000:]
                try:
                    if requests.get(url + "/readyz", timeout=10).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or busy starting
                    pass
                assert time.monotonic() < deadline, f"{name} not ready"
                time.sleep(0.3)
        found = Services(urls)
        found.databases = databases
        yield found
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, log in procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
            log.close()
        for name in urls:  # no secret ever reaches a log
            text = (tmp_path / f"{name}.log").read_text()
            assert TEST_SECRET not in text and seaweed.secret_key not in text
            assert "kabid-test-passphrase" not in text and "kadis-test-passphrase" not in text
            assert TEST_API_KEY not in text and PLAIN_API_KEY not in text
            assert "kata-sandi-kabid-uji" not in text and "kata-sandi-kadis-uji" not in text


def _add_person(services: Services, dev_pki, username: str, password: str, *extra: str) -> None:
    """`naskah user add` on signature-service's database, the password on stdin (never in argv)."""
    env = {**os.environ, "NASKAH_DATABASE_URL": services.databases["signature"], "NASKAH_PKI_DIR":
           str(dev_pki.directory), "NASKAH_PKI_URL": dev_pki.base_url, "NASKAH_LOG_LEVEL": "WARNING"}
    done = subprocess.run([NASKAH, "user", "add", username, *extra], input=password + "\n", env=env, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert password not in done.stdout + done.stderr


def test_the_sop_end_to_end_over_http(services, dev_pki, tmp_path):
    tokens = json.loads((dev_pki.directory / "signer-tokens.json").read_text())
    people = {}
    for role in ("kabid", "kadis"):
        password = f"kata-sandi-{role}-uji"
        _add_person(services, dev_pki, role, password, "--role", role, "--nama", f"{role.title()} Uji",
                    "--signer", role)
        people[role] = {"login": role, "password": password, "role": role, "nama": f"{role.title()} Uji"}
    out = tmp_path / "demo"
    assert run_demo(services["sk"], services["signature"], services["report"], out, tokens=tokens,
                    people=people, api_key=TEST_API_KEY) == 0
    sk = requests.get(services["sk"] + "/api/sk", timeout=10, headers={"X-API-Key": TEST_API_KEY}).json()[0]
    reviews = requests.get(f"{services['sk']}/api/sk/{sk['id']}", timeout=10,
                           headers={"X-API-Key": TEST_API_KEY}).json()["reviews"]
    assert [(r["role"], r["decision"], r["vouched_by"]) for r in reviews] == [
        ("kabid", "reject", None), ("kabid", "approve", None), ("kadis", "approve", None)]
    assert {r["reviewer_nama"] for r in reviews} == {"Kabid Uji", "Kadis Uji"}
    verification = json.loads((out / "sk-tim-verification.json").read_text())
    assert verification["all_ok"] and [s["level"] for s in verification["signatures"]] == ["B-LT", "B-LT"]
    assert [s["signer_name"] for s in verification["signatures"]] == ["Rahmi Suryantari, ST, M.Si",
                                                                      "Drs. Yohanes Rumbiak, M.Si"]
    for name in ("sk-tim-signed.pdf", "laporan-kegiatan-signed.pdf"):
        data = (out / name).read_bytes()
        assert data.startswith(b"%PDF") and b"/ByteRange" in data
    text = subprocess.run(["pdftotext", str(out / "laporan-kegiatan-signed.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "LAPORAN KEGIATAN" in text.upper() and "Kampung Doyo Baru" in text
    assert requests.get(services["signature"] + "/api/archive", timeout=10).status_code == 401
    archive = requests.get(services["signature"] + "/api/archive", params={"prefix": "sk/"}, timeout=10,
                           headers={"X-API-Key": TEST_API_KEY}).json()
    # The session's S3 server also holds other tests' SKs: ours is the one with the demo's bytes.
    signed_sha = hashlib.sha256((out / "sk-tim-signed.pdf").read_bytes()).hexdigest()
    ours = [o for o in archive if o["sha256"] == signed_sha]
    assert len(ours) == 1 and ours[0]["metadata"]["status"] == "signed" and ours[0]["retain_until"]
    page = requests.get(services["signature"] + "/verify/" + ours[0]["metadata"]["document-id"], timeout=30)
    assert page.status_code == 200 and "Rahmi Suryantari" in page.text
