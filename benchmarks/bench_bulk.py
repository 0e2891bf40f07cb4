"""SOP step 8 in bulk: a Surat Edaran to N kampung, generated, converted and signed (DESIGN §9: 300 ≤ 3 min).

On the embedded default (in-process bus, filesystem store, SQLite) through the HTTP APIs (Flask test
clients): an SK is taken through the whole loop to the archive, then `POST /api/sk/{id}/surat-edaran`
for N kampung; sk-service produces the letters in the background (docxtpl → LibreOffice → store), then
the Kadis signs the batch with one `POST /api/signature-batches/{id}/sign` at B-LT with the visible stamp.
Per-letter figures are throughput: the time per letter over each run of 10 consecutive letters finished.
The baseline row is the same production with one converter instead of the pool of two, in this run.

usage: .venv/bin/python benchmarks/bench_bulk.py [-n 300] [-b 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from benchmarks.stats import p95
from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.storage.filesystem import FilesystemObjectStore
from signature_service.app import create_app as signature_app
from signature_service.pki.devpki import SIGNER_PASSPHRASES, DevPki, free_loopback_port
from sk_service.adapters.tables import surat_edaran_letters as letters
from sk_service.app import create_app as sk_app
from tests.flow import archived_sk, wait_for


def stack(tmp: Path, name: str, pki: DevPki, converters: int):
    bus = InProcessBus(retry_delays=(0.05,))
    root = tmp / name
    store = FilesystemObjectStore(root / "store", signing_key=b"bench", public_base_url="http://127.0.0.1")
    common = {"bus_url": "memory://", "secret_key": "naskah-bench-secret-0123456789",  # signs person assertions
              "store_url": f"file://{root / 'store'}", "log_level": "ERROR"}
    converter = UnoserverPool(converters, workdir=root / "uno")
    sk = sk_app({**common, "database_url": f"sqlite:///{root / 'sk.db'}", "converters": converters}, bus=bus,
                store=store, converter=converter, migrate=True)
    sig = signature_app({**common, "database_url": f"sqlite:///{root / 'sig.db'}", "signature_level": "B-LT",
                         "pki_dir": str(pki.directory), "pki_url": pki.base_url}, bus=bus, store=store, migrate=True)
    for app in (sk, sig):
        app.extensions["naskah"].runtime.start()
    converter.warm()
    return sk, sig, converter


def kampung(n: int) -> list[dict[str, str]]:
    distrik = ["Sentani", "Sentani Timur", "Waibu", "Ebungfauw", "Depapre", "Nimboran", "Kemtuk", "Unurum Guay"]
    return [{"nama": f"Kampung Uji {i:03d}", "distrik": distrik[i % len(distrik)]} for i in range(1, n + 1)]


def intervals(times: list, window: int = 10) -> list[float]:
    """Seconds per letter over each run of `window` consecutive finishes: with two converters letters
    finish in pairs, so single intervals would alternate near zero and double."""
    times = sorted(times)
    window = min(window, len(times) - 1)
    return [(times[i + window] - times[i]) / timedelta(seconds=1) / window for i in range(len(times) - window)]


def run(sk, sig, n: int, *, sign: bool) -> dict[str, float | list[float]]:
    c, s = sk.test_client(), sig.test_client()
    sk_id = archived_sk(sk, sig)
    started = time.perf_counter()
    se = c.post(f"/api/sk/{sk_id}/surat-edaran", json={"kampung": kampung(n), "batas_waktu": "2026-12-24"}).json
    wait_for(lambda: c.get(f"/api/surat-edaran/{se['id']}?letters=false").json["status"] == "signing", 900)
    produced_at = time.perf_counter()
    with sk.extensions["naskah"].uow() as uow:  # when each letter was produced
        stamps = uow.session.scalars(select(letters.c.updated_at)
                                           .where(letters.c.surat_edaran_id == se["id"])).all()
    assert len(stamps) == n
    out: dict[str, float | list[float]] = {"produce": produced_at - started, "produce_each": intervals(stamps)}
    if not sign:
        return out
    kadis = {"Authorization": f"Bearer {sig.extensions['naskah'].dev_tokens['kadis']}"}
    wait_for(lambda: s.get(f"/api/signature-batches/{se['id']}", headers=kadis).status_code == 200, 900)
    signing = time.perf_counter()
    r = s.post(f"/api/signature-batches/{se['id']}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]},
               headers=kadis)
    assert r.status_code == 202, r.json
    wait_for(lambda: c.get(f"/api/surat-edaran/{se['id']}?letters=false").json["status"] == "signed", 900)
    done = time.perf_counter()
    with sig.extensions["naskah"].signing.uow() as uow:
        ok = [a["at"] for a in uow.requests.audit_trail(limit=10 * n) if a["result"] == "ok"
              and a["signer"] == "kadis" and a["action"] == "sign"][:n]
    out.update({"sign": done - signing, "sign_each": intervals(ok), "total": done - started})
    return out


def row(label: str, n: int, total: float, each: list[float], base: float | None, target: str) -> str:
    med = statistics.median(each)
    ratio = f"{base / med:6.2f}x" if base else "      -"
    return f"{label:44} {n:>5} {total:8.1f}s {med * 1000:8.0f}ms {p95(each) * 1000:8.0f}ms {ratio}   {target}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300, help="kampung in the measured batch")
    parser.add_argument("-b", type=int, default=40, help="kampung in the one-converter baseline batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        pki = DevPki.ensure(tmp / "pki", base_url=f"http://127.0.0.1:{free_loopback_port()}")
        animator = pki.serve_animator()
        one = stack(tmp, "one", pki, 1)
        two = stack(tmp, "two", pki, 2)
        run(*one[:2], 4, sign=False)  # warm-up: templates, keys, converters
        run(*two[:2], 4, sign=True)
        baseline = run(*one[:2], args.b, sign=False)
        measured = run(*two[:2], args.n, sign=True)
        for sk, sig, converter in (one, two):
            sk.extensions["naskah"].close()
            sig.extensions["naskah"].close()
            converter.close()
        animator.stop()
    base = statistics.median(baseline["produce_each"])
    print(f"{'Surat Edaran per kampung (embedded run)':44} {'n':>5} {'total':>9} {'median':>10} {'p95':>10} "
          f"{'ratio':>7}   target")
    print(row("produce: render+convert+store, 1 converter", args.b, baseline["produce"],
              baseline["produce_each"], base, "baseline"))
    print(row("produce: render+convert+store, pool of 2", args.n, measured["produce"], measured["produce_each"],
              base, ""))
    print(row("sign: Kadis, PAdES B-LT with stamp, archive", args.n, measured["sign"], measured["sign_each"],
              None, ""))
    print(f"{'all: request → every letter signed+archived':44} {args.n:>5} {measured['total']:8.1f}s"
          f"{'':>38}   ≤ 180 s for 300")


if __name__ == "__main__":
    main()
