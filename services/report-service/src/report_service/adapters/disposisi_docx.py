"""The Lembar Disposisi as DOCX (docxtpl), from a `Disposisi`.

The template is `templates/lembar_disposisi.docx` (made by `scripts/make_disposisi_template.py`); it is
rendered like the Laporan, in naskah_shared.render's sandbox with autoescaping and strict undefined names,
with every person-typed text cleaned of the control characters XML or docxtpl would misread, so a hal such
as `{{ 7*7 }}` or `<w:t>` prints literally. The giver's paraf area carries the anchor `#ttd-{dari}#` where
signature-service draws the giver's signature, unless the office chose the invisible paraf (no anchor).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from naskah_shared.naming import signature_anchor
from naskah_shared.render import Anchor, Image
from report_service.adapters.laporan import DEFAULT_ZONE, RENDERER, ZONE_LABELS, _Formatter, _zone, clean, tanggal
from report_service.domain import sop
from report_service.domain.disposisi import INSTRUKSI, Disposisi, Sifat

CHECKED, UNCHECKED = "☒", "☐"
JABATAN = {"kadis": "Kepala Dinas", "kabid": "Kepala Bidang", "kasubid": "Kepala Sub Bidang"}


def render_disposisi(d: Disposisi, *, office: Mapping[str, Any], verify_url: str, visible_paraf: bool = True,
                     template: bytes | None = None) -> bytes:
    """office: pemerintah, nama_dinas, alamat, kontak, zona_waktu, logo (bytes), and per role (kadis, kabid,
    kasubid) an optional {jabatan, nama}."""
    zone = _zone(office.get("zona_waktu"))
    fmt = _Formatter(zone, ZONE_LABELS.get(str(office.get("zona_waktu") or DEFAULT_ZONE), ""))
    logo = office.get("logo")
    step = sop.step(d.step)
    context = {
        "kop": {"pemerintah": clean(office.get("pemerintah")).upper(), "dinas": clean(office.get("nama_dinas")).upper(),
                "alamat": clean(office.get("alamat")), "kontak": clean(office.get("kontak"))},
        "logo": Image(logo, height_mm=22) if logo else "",
        "id": d.id, "nomor": clean(d.nomor) or "—", "tanggal": _date(d.tanggal, zone) or "—",
        "hal": clean(d.hal) or "—",
        "langkah": f"{d.step}. {step.name}" if step else str(d.step),
        "dari": _person(office, d.dari), "kepada": _person(office, d.kepada),
        "sifat": [{"mark": CHECKED if s is d.sifat else UNCHECKED, "label": s.value.title()} for s in Sifat],
        "instruksi": [{"mark": CHECKED if i in d.instruksi else UNCHECKED, "label": i.capitalize()}
                      for i in INSTRUKSI],
        "catatan": clean(d.catatan) or "—",
        "batas_waktu": fmt.waktu(d.batas_waktu, sep=", "),
        "paraf": {"waktu": fmt.waktu(d.diberikan_at, sep=", "),
                  "anchor": Anchor(signature_anchor(d.dari)) if visible_paraf else ""},
        "verify_url": clean(verify_url),
    }
    return RENDERER.render(template or resources.files("report_service")
                           .joinpath("templates/lembar_disposisi.docx").read_bytes(), context)


def _person(office: Mapping[str, Any], role: str) -> dict[str, str]:
    who = office.get(role) or {}
    return {"jabatan": clean(who.get("jabatan")) or JABATAN.get(role, role), "nama": clean(who.get("nama"))}


def _date(value: str, zone: Any) -> str:
    try:
        parsed = datetime.fromisoformat(value)
        return tanggal(parsed.date() if parsed.tzinfo is None else parsed, zone)  # a plain date stays that day
    except ValueError:
        return clean(value)
