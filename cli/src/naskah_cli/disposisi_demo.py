"""The demo's Lembar Disposisi (SOP steps 1, 2, 6, 7, 8, 12): each giver's paraf signed, each sheet archived in
`out/demo/disposisi/`; step 1 left open past its mutu baku, flagged and reminded, until the Kabid marks the
Kadis's disposition done from the inbox page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any


def sign_dispositions(rep: Any, sig: Any, aid: str, out: Path, *, auth: dict[str, dict[str, str]],
                      passphrases: dict[str, str], wait: Callable[..., Any], progress: Any) -> None:
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


def flag_overdue(rep: Any, aid: str, *, wait: Callable[..., Any], progress: Any, timeout: float = 20.0) -> None:
    """The deadlines at work: the open step past its mutu baku, and the reminder report-service's ticker sent
    for it (`activity.step_overdue`, and e-mail where SMTP is configured). Bounded: a ticker slower than
    `timeout` (a real stack's default 60 s) leaves the reminder to come, and the demo says so."""
    overdue = [i for i in rep.call("GET", f"/api/activities/{aid}/overdue") if i["overdue"]]
    if not overdue:
        progress.step("   Batas waktu", "tidak ada langkah yang terlambat")
        return
    item = overdue[0]
    progress.step(f"   TERLAMBAT: langkah {item['step']} ({item['standard']})",
                  f"{_late(item['overdue_seconds'])} melewati batas {item['deadline'][:16].replace('T', ' ')}")
    try:
        reminded = wait("the overdue reminder", lambda: next(
            (i for i in rep.call("GET", f"/api/activities/{aid}/overdue")
             if i["step"] == item["step"] and i["reminders"]), None), timeout=timeout)
    except RuntimeError:  # the demo's wait times out with its DemoFailed: a late ticker is no failure
        progress.step("   Pengingat", f"belum terkirim dalam {timeout:g} detik (ticker report-service)")
        return
    progress.step(f"   Pengingat langkah {item['step']} terkirim",
                  f"{reminded['reminders']}x activity.step_overdue, {reminded['last_reminded_at'][:19]}")


def _late(seconds: int) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    days, hours = divmod(hours, 24)
    return f"{days} hari {hours} jam" if days else f"{hours} jam {minutes} menit"


def mark_done_from_inbox(rep: Any, kabid: Any, d: dict[str, Any], note: str, *, wait: Callable[..., Any],
                         progress: Any) -> None:
    """The Kabid marks the Kadis's disposition done from the inbox page; that closes its open step."""
    wait("the disposition in the Kabid's inbox",
         lambda: f"/disposisi/{d['id']}/selesai" in kabid.http.get(f"{kabid.base}/inbox", timeout=30).text)
    page = kabid.http.get(f"{kabid.base}/inbox", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    r = kabid.http.post(f"{kabid.base}/disposisi/{d['id']}/selesai", timeout=60, data={
        "note": note, "csrf_token": token.group(1) if token else ""})
    done = rep.call("GET", f"/api/disposisi/{d['id']}")
    progress.step(f"   Kabid menandai disposisi langkah {d['step']} selesai di kotak masuknya",
                  f"{r.status_code}, status {done['status']}")
