"""The Laporan Kegiatan's words for what a step produced: the outcomes people recorded, then what the
SK's events say of steps 3-6 and 11 (the domain keeps the facts; these are the sentences the office reads).

The activity's timeline in the API shows the same sentences (bootstrap hands `step_outcome` to the
service layer as its `StepWording` port).
"""

from __future__ import annotations

from report_service.domain.activity import Activity
from report_service.domain.timeline import StepLine


def step_outcome(line: StepLine, activity: Activity) -> str:
    """`line`'s outcome as one text: its recorded notes and the sentences of the SK's steps, "; "-joined."""
    parts = list(line.notes)
    rejected = activity.rejections()
    nomor = activity.sk_nomor
    number, done = line.number, line.end is not None
    if number == 3 and activity.sk_revisions:
        parts.append(f"Konsep SK direvisi {activity.sk_revisions} kali")
    if number == 4 and done:
        n = sum(r.role == "kabid" for r in rejected)
        parts.append("Disetujui Kabid" + (f" setelah {n} kali dikembalikan" if n else ""))
    if number == 5:
        n = sum(r.role == "kadis" for r in rejected)
        if n:
            parts.append(f"Dikembalikan Kadis {n} kali")
        if done:
            parts.append("SK ditandatangani Kadis" + (f", nomor {nomor}" if nomor else ""))
    if number == 6 and done:
        parts.append("SK diarsipkan" + (f" (nomor {nomor})" if nomor else ""))
    if number == 11 and done:
        parts.append("Laporan Kegiatan disusun")
    return "; ".join(x for x in parts if x)
