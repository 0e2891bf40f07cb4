"""The whole SK flow on the embedded default, reviews automatic (DESIGN §9: ≤ 1.5 s median).

draft → submit → Kabid approves → Kadis approves (nomor, final PDF) → Kabid signs → Kadis signs →
archived, through the HTTP APIs (Flask test clients) of sk-service and signature-service sharing one
in-process bus, one filesystem store, SQLite and one warm converter pool. Rows: the flow at PAdES B-B
(the baseline) and at B-LT (the default, with OCSP/CRL fetched from the local PKI), side by side.
Also each service's idle RSS after the flows (LibreOffice apart: it runs in its own processes).

usage: .venv/bin/python benchmarks/bench_flow.py [-n RUNS]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.storage.filesystem import FilesystemObjectStore
from signature_service.app import create_app as signature_app
from signature_service.pki.devpki import SIGNER_PASSPHRASES, DevPki, free_loopback_port
from sk_service.app import create_app as sk_app
from tests.data import sk_payload
from tests.flow import as_person


def flow(sk, sig, bus: InProcessBus) -> float:
    c, s, tokens = sk.test_client(), sig.test_client(), sig.extensions["naskah"].dev_tokens
    started = time.perf_counter()
    sk_id = c.post("/api/sk", json=sk_payload(members=12)).json["id"]
    c.post(f"/api/sk/{sk_id}/submit")
    for role in ("kabid", "kadis"):  # as the logged-in Kabid and Kadis would (a signed person assertion)
        c.post(f"/api/sk/{sk_id}/reviews", json={"role": role, "decision": "approve"}, headers=as_person(sk, role))
    for who in ("kabid", "kadis"):
        while not (req := [r for r in s.get(f"/api/signature-requests?signer={who}&status=pending").json
                           if r["document_id"] == sk_id]):
            time.sleep(0.002)
        r = s.post(f"/api/signature-requests/{req[0]['id']}/sign", json={"passphrase": SIGNER_PASSPHRASES[who]},
                   headers={"Authorization": f"Bearer {tokens[who]}"})
        assert r.status_code == 200, r.json
    while c.get(f"/api/sk/{sk_id}").json["status"] != "archived":
        time.sleep(0.002)
    return time.perf_counter() - started


def stack(tmp: Path, level: str, pki: DevPki, converter: UnoserverPool):
    bus = InProcessBus(retry_delays=(0.05,))
    store = FilesystemObjectStore(tmp / level / "store", signing_key=b"bench", public_base_url="http://127.0.0.1")
    common = {"bus_url": "memory://", "secret_key": "naskah-bench-secret-0123456789",  # signs person assertions
              "store_url": f"file://{tmp / level / 'store'}", "log_level": "ERROR"}
    sk = sk_app({**common, "database_url": f"sqlite:///{tmp / level / 'sk.db'}"}, bus=bus, store=store,
                converter=converter, migrate=True)
    sig = signature_app({**common, "database_url": f"sqlite:///{tmp / level / 'sig.db'}", "signature_level": level,
                         "pki_dir": str(pki.directory), "pki_url": pki.base_url}, bus=bus, store=store, migrate=True)
    for app in (sk, sig):
        app.extensions["naskah"].runtime.start()
    return sk, sig, bus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        pki = DevPki.ensure(tmp / "pki", base_url=f"http://127.0.0.1:{free_loopback_port()}")
        animator = pki.serve_animator()
        converter = UnoserverPool(2, workdir=tmp / "uno")
        results: dict[str, list[float]] = {}
        stacks = {level: stack(tmp, level, pki, converter) for level in ("B-B", "B-LT")}
        for sk, sig, bus in stacks.values():
            flow(sk, sig, bus)  # warm-up: converters, templates, keys
        for _ in range(args.n):  # interleaved, so noise hits both rows alike
            for level, (sk, sig, bus) in stacks.items():
                results.setdefault(level, []).append(flow(sk, sig, bus))
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for sk, sig, _ in stacks.values():
            sk.extensions["naskah"].close()
            sig.extensions["naskah"].close()
        converter.close()
        animator.stop()
    base = statistics.median(results["B-B"])
    print(f"{'flow (12 members, 2 signatures)':40} {'median':>9} {'p95':>9} {'ratio':>7}   target")
    for level, xs in results.items():
        xs = sorted(xs)
        p95 = xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
        med = statistics.median(xs)
        print(f"{'draft → archived at ' + level:40} {med * 1000:7.0f}ms {p95 * 1000:7.0f}ms {med / base:6.2f}x"
              f"   ≤ 1500 ms")
    print(f"peak RSS of this process (sk + signature, both stacks, all flows): {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
