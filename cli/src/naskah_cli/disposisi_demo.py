"""The demo's Lembar Disposisi (SOP steps 1, 2, 6, 7, 8, 12): each giver's paraf signed, each sheet archived in
`out/demo/disposisi/`, and the Kabid marking the Kadis's disposition of step 1 done from the inbox page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any


def sign_dispositions(rep: Any, sig: Any, aid: str, out: Path, *, auth: dict[str, dict[str, str]],
                      passphrases: dict[str, str], kabid: Any, wait: Callable[..., Any], progress: Any) -> None:
    folder = out / "disposisi"
    folder.mkdir(exist_ok=True)
    items = rep.call("GET", f"/api/activities/{aid}/disposisi")
    for d in items:
        giver = d["dari"]
        req = wait(f"the paraf request of step {d['step']}", lambda d=d, giver=giver: next(
            (r for r in sig.call("GET", f"/api/signature-requests?signer={giver}&status=pending")
             if r["document_id"] == d["id"]), None))
        sig.call("POST", f"/api/signature-requests/{req['id']}/sign", headers=auth[giver],
                 json={"passphrase": passphrases[giver]})
        wait(f"the signed sheet of step {d['step']}",
             lambda d=d: rep.call("GET", f"/api/disposisi/{d['id']}")["paraf"] == "signed")
        (folder / f"langkah-{d['step']:02d}-{giver}-ke-{d['kepada']}.pdf").write_bytes(
            rep.call("GET", f"/api/disposisi/{d['id']}/lembar.signed.pdf"))
    progress.step("   Lembar Disposisi diparaf (PAdES) dan diarsipkan", f"{len(items)} PDF di {folder}")
    first = next((d for d in items if d["kepada"] == "kabid" and d["status"] == "open"), None)
    if first is None:
        return
    wait("the disposition in the Kabid's inbox",
         lambda: f"/disposisi/{first['id']}/selesai" in kabid.http.get(f"{kabid.base}/inbox", timeout=30).text)
    page = kabid.http.get(f"{kabid.base}/inbox", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    r = kabid.http.post(f"{kabid.base}/disposisi/{first['id']}/selesai", timeout=60, data={
        "note": "Kegiatan disiapkan; penyusunan SK Tim didisposisikan kepada Kasubid",
        "csrf_token": token.group(1) if token else ""})
    done = rep.call("GET", f"/api/disposisi/{first['id']}")
    progress.step(f"   Kabid menandai disposisi langkah {first['step']} selesai di kotak masuknya",
                  f"{r.status_code}, status {done['status']}")
