"""One SOP flow over HTTP for the chaos run: an SK drafted, reviewed, signed by the Kabid and the Kadis and
archived; a Surat Edaran to a few kampung produced and signed by the Kadis as one batch. `at(phase)` is
called as the flow enters each phase, so a fault can be injected exactly there."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from naskah_shared.bus.topology import RETRY_DELAYS_MS
from naskah_shared.web.person import HEADER, PersonAssertion, issue
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.chaos.client import Client
from tests.chaos.stack import ChaosStack
from tests.conftest import TEST_SECRET
from tests.data import sk_payload

KAMPUNG = 3
# Every wait here crosses the bus. An event whose handler met an outage comes back on the bus's schedule
# (1, 5, 30, then every 120 s: RETRY_DELAYS_MS), and another lane's S3 restart (down 20-40 s on this
# machine, five of them within minutes) may meet that retry again: seen, an approval's signature request
# retried at 30 s and 120 s into two further outages, past the 120 s the wait allowed. So: four of the
# longest retries and a minute. (A letter whose converting worker was SIGKILLed is taken over at once;
# this also covers the 180 s lease, the fallback for an owner on another host.)
BUS_S = 4 * max(RETRY_DELAYS_MS) / 1000 + 60


def _person(role: str) -> dict[str, str]:
    return {HEADER: issue(TEST_SECRET, PersonAssertion(id=f"chaos-{role}", role=role, nama=f"{role.title()} (chaos)"))}


def run_flow(stack: ChaosStack, client: Client, n: int, at: Callable[[str], None],
             flow: dict[str, Any]) -> dict[str, Any]:
    """Drive one flow to its end; `flow` gets the ids as they are known (the fault threads read them)."""
    sk, sig = stack.urls["sk"], stack.urls["signature"]
    tokens = json.loads((stack.pki.directory / "signer-tokens.json").read_text())
    bearer = {who: {"Authorization": f"Bearer {tokens[who]}"} for who in ("kabid", "kadis")}
    started = time.monotonic()
    sk_id = flow["sk_id"] = client.json("POST", f"{sk}/api/sk", idem=True, expect=(201,),
                                        json=sk_payload(members=3))["id"]
    at("drafted")
    client.json("POST", f"{sk}/api/sk/{sk_id}/submit", idem=True)
    for role in ("kabid", "kadis"):
        client.json("POST", f"{sk}/api/sk/{sk_id}/reviews", idem=True, headers=_person(role),
                    json={"role": role, "decision": "approve"})
    at("approved")
    for who in ("kabid", "kadis"):
        req = client.wait(f"the {who}'s request", lambda who=who: next(
            (r for r in client.json("GET", f"{sig}/api/signature-requests", params={"signer": who, "limit": 200})
             if r["document_id"] == sk_id and r["status"] in ("pending", "signed")), None), BUS_S)
        r = client.json("POST", f"{sig}/api/signature-requests/{req['id']}/sign", headers=bearer[who],
                        json={"passphrase": SIGNER_PASSPHRASES[who]})
        assert r["status"] == "signed", r
    client.wait("the SK archived", lambda: client.json("GET", f"{sk}/api/sk/{sk_id}")["status"] == "archived", BUS_S)
    at("archived")
    se = client.json("POST", f"{sk}/api/sk/{sk_id}/surat-edaran", idem=True, expect=(202,), json={
        "kampung": [{"nama": f"Kampung Uji {n}-{i}", "distrik": "Sentani"} for i in range(KAMPUNG)],
        "batas_waktu": (date.today() + timedelta(days=30)).isoformat()})
    flow["se_id"], flow["nomor"] = se["id"], se["nomor"]
    at("converting")
    client.wait("the letters", lambda: client.json("GET", f"{sk}/api/surat-edaran/{se['id']}",
                                                   params={"letters": "false"})["status"] != "producing", BUS_S)
    batch = f"{sig}/api/signature-batches/{se['id']}"
    client.wait("the batch", lambda: client.call("GET", batch, headers=bearer["kadis"]).status_code == 200, BUS_S)

    def sign_batch() -> None:
        r = client.call("POST", f"{batch}/sign", headers=bearer["kadis"],
                        json={"passphrase": SIGNER_PASSPHRASES["kadis"]})
        assert r.status_code in (202, 409), r.text[:500]  # 409: a job (a retried POST's) is at it already

    sign_batch()
    at("signing")

    def signed() -> bool:
        p = client.json("GET", batch, headers=bearer["kadis"])
        if p["state"] == "interrupted":  # its worker died: the signer signs again and it resumes
            sign_batch()
        return p["signed"] == KAMPUNG and \
            client.json("GET", f"{sk}/api/surat-edaran/{se['id']}", params={"letters": "false"})["status"] == "signed"

    client.wait("the letters signed", signed, BUS_S)
    return {"sk_id": sk_id, "se_id": se["id"], "nomor": se["nomor"], "seconds": time.monotonic() - started}
