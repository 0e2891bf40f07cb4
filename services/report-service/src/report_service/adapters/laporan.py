"""The Laporan Kegiatan as DOCX (docxtpl) with its charts (matplotlib), from an `Activity`.

The template is a user-replaceable DOCX (default `templates/laporan.docx`, made by
`scripts/make_laporan_template.py`); it is rendered by naskah_shared.render, the SK's
hardened sandbox (escaping no template can switch off, strict undefined names, bounded work),
so text typed by people (an outcome, a review note, a kampung name such as `{{ 7*7 }}` or `<w:t>`)
prints literally and can neither run code nor break the XML. Control characters that XML 1.0 forbids, or that
docxtpl would turn into paragraph/page breaks (\\a, \\f), are removed from that text.

Dates are written the Indonesian way ("25 November 2026", "08.30 WIT"), durations as
"2 jam 15 menit" / "1 hari 3 jam" (1 bulan = 30 hari, as in `sop.MONTH`).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from docxtpl import RichText

from naskah_shared.render import DocxtplRenderer, Image, Link
from report_service.adapters.laporan_wording import step_outcome
from report_service.domain.activity import Activity
from report_service.domain.calendar import Calendar
from report_service.domain.kampung import KampungFigures, KampungStatus
from report_service.domain.timeline import ReviewRound, StepLine

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
DEFAULT_ZONE = "Asia/Jakarta"
RED, GREY = "C00000", "7F7F7F"
CELL = 16  # half-points: the 8 pt of the template's table cells, for runs made here
CHART_WIDTH_MM = 160
# XML 1.0 forbids most C0 controls; docxtpl turns \a into a new paragraph and \f into a page break.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SMALL_WORDS = {"dan", "di", "ke", "dari", "untuk", "pada", "serta", "atau", "yang"}
RENDERER = DocxtplRenderer()  # one cache of compiled templates for the Laporan and the Lembar Disposisi


def render_laporan(activity: Activity, *, office: Mapping[str, Any], sk: Mapping[str, Any],
                   generated_at: datetime, signer: Mapping[str, Any] | None = None,
                   template: bytes | Path | None = None,
                   calendar: Calendar | None = None) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Render the report; returns the DOCX bytes and the chart PNGs as (file name, bytes).

    `calendar` is the office's working calendar, the one the live deadlines use, so a step
    "Terlambat" here is the step the overdue list flagged (around the clock when None).

    office: pemerintah, nama_dinas, alamat; optional kontak, tempat or kota (the city in the date line),
            zona_waktu (IANA name, default Asia/Jakarta), logo (PNG/JPEG bytes), kabid (the signer).
    sk:     nomor, tanggal (date, datetime or text), verify_url.
    signer: jabatan, nama, pangkat, nip; defaults to office["kabid"].
    """
    zone = _zone(office.get("zona_waktu"))
    fmt = _Formatter(zone, ZONE_LABELS.get(str(office.get("zona_waktu") or DEFAULT_ZONE), ""))
    lines = activity.timeline(now=generated_at, calendar=calendar)
    charts = [("grafik-langkah.png", _chart_steps(lines),
               "Waktu aktual dibandingkan dengan mutu baku setiap langkah")]
    figures = activity.kampung_figures()
    if figures:
        charts.append(("grafik-kampung.png", _chart_kampung(activity.figure_totals(), figures),
                       "Kampung/kelurahan menurut tahap pendataan yang dicapai dan status saat ini"))

    context = _context(activity, lines, figures, office, sk, generated_at, signer, fmt, charts)
    return RENDERER.render(_template_bytes(template), context), [(name, png) for name, png, _ in charts]


# --- Indonesian formatting ------------------------------------------------------


def tanggal(value: date | datetime, zone: tzinfo | None = None) -> str:
    """`25 November 2026` (a datetime is first moved to `zone`)."""
    if isinstance(value, datetime) and zone is not None:
        value = value.astimezone(zone)
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def durasi(delta: timedelta) -> str:
    """`2 jam 15 menit`, `1 hari 3 jam`, `1 bulan 2 hari`: at most three units, 1 bulan = 30 hari.

    Rounded up to the minute, so a step late by seconds never reads as exactly on the standard.
    """
    minutes = math.ceil(delta.total_seconds() / 60) if delta.total_seconds() > 0 else 0
    if minutes == 0:
        return "0 menit" if delta.total_seconds() <= 0 else "kurang dari 1 menit"
    parts = []
    for size, unit in ((30 * 24 * 60, "bulan"), (24 * 60, "hari"), (60, "jam"), (1, "menit")):
        n, minutes = divmod(minutes, size)
        if n:
            parts.append(f"{n} {unit}")
    return " ".join(parts[:3])


def clean(text: Any) -> str:
    """User text made safe for docxtpl: no XML-forbidden or break-making control characters."""
    s = "" if text is None else str(text)
    return _CONTROL.sub("", s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def nip(value: str) -> str:
    """An 18-digit NIP grouped the way it is printed: `19780312 200502 2 001`."""
    digits = value.replace(" ", "")
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return value


def daftar(items: Sequence[str]) -> str:
    """`1, 2 dan 3`."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " dan " + items[-1] if items else ""


class _Formatter:
    def __init__(self, zone: tzinfo, label: str) -> None:
        self.zone, self.label = zone, label or _offset_label(zone)

    def waktu(self, value: datetime | None, sep: str = "\n") -> str:
        if value is None:
            return "—"
        local = value.astimezone(self.zone)
        return f"{tanggal(local)}{sep}{local:%H.%M} {self.label}"


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(str(name or DEFAULT_ZONE))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"office zona_waktu {name!r} is not an IANA time zone") from None


def _offset_label(zone: tzinfo) -> str:
    offset = datetime.now(zone).utcoffset() or timedelta(0)
    hours = offset.total_seconds() / 3600
    return f"UTC{hours:+g}"


def _title_case(name: str) -> str:
    """DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG -> Dinas Pemberdayaan Masyarakat dan Kampung."""
    if not name.isupper():
        return name
    words = name.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


# --- the template context ---------------------------------------------------------


def _context(activity: Activity, lines: list[StepLine], figures: list[KampungFigures], office: Mapping[str, Any],
             sk: Mapping[str, Any], generated_at: datetime, signer: Mapping[str, Any] | None, fmt: _Formatter,
             charts: list[tuple[str, bytes, str]]) -> dict[str, Any]:
    nama_dinas = clean(office.get("nama_dinas"))
    signer = signer if signer is not None else office.get("kabid") or {}
    logo = office.get("logo")
    verify_url = clean(sk.get("verify_url"))
    link = Link(verify_url) if verify_url else RichText("(belum tersedia)")
    sk_tanggal = sk.get("tanggal")
    done = [line for line in lines if not line.missing]
    late = [line for line in lines if line.late]
    kegiatan = clean(activity.kegiatan) or "Pengembangan dan Pengelolaan Data Profil Kampung"
    return {
        "office": {
            "pemerintah": clean(office.get("pemerintah")).upper(),
            "nama_dinas": nama_dinas.upper(),
            "nama_dinas_title": _title_case(nama_dinas),
            "alamat": clean(office.get("alamat")),
            "kontak": clean(office.get("kontak")),
        },
        "logo": Image(logo, height_mm=24) if logo else "",
        "kegiatan": kegiatan,
        "kegiatan_upper": kegiatan.upper(),
        "tahun": activity.tahun or "",
        "sk": {
            "nomor": clean(sk.get("nomor")) or activity.sk_nomor or "—",
            "tanggal": tanggal(sk_tanggal, fmt.zone) if isinstance(sk_tanggal, date) else clean(sk_tanggal),
            "verify_link": link,
        },
        "zona": f"{fmt.label} ({fmt.zone})",
        "step_count": len(lines),
        "done_count": len(done),
        "late_count": len(late),
        "steps": [_step_row(line, step_outcome(line, activity), fmt) for line in lines],
        "review_summary": _review_summary(activity.review_rounds()),
        "reviews": [_review_row(r, fmt) for r in activity.review_rounds()],
        "kampung_summary": _kampung_summary(activity.figure_totals()),
        "kampung": [_kampung_row(i, k) for i, k in enumerate(figures, 1)],
        "totals": activity.figure_totals(),
        "charts": [{"no": i, "caption": caption, "image": Image(png, width_mm=CHART_WIDTH_MM)}
                   for i, (_, png, caption) in enumerate(charts, 1)],
        "missing": [{"no": line.number, "langkah": line.step.name, "pelaksana": line.step.actor_label,
                     "status": f", sedang berjalan sejak {fmt.waktu(line.start, ' pukul ')}"
                     if line.in_progress else ""} for line in lines if line.missing],
        "late": daftar([f"langkah {line.number}" for line in late]),
        "generated": tanggal(generated_at, fmt.zone),
        "tempat": clean(office.get("tempat") or office.get("kota")),
        "signer": {"jabatan": clean(signer.get("jabatan")), "nama": clean(signer.get("nama")),
                   "pangkat": clean(signer.get("pangkat")), "nip": nip(clean(signer.get("nip")))},
    }


def _step_row(line: StepLine, outcome: str, fmt: _Formatter) -> dict[str, Any]:
    actor = clean(line.actor)
    note = RichText()
    text = clean(outcome)
    if line.rounds > 1 and line.number in (9, 10):
        text = f"{text}\n({line.rounds} tahap)" if text else f"{line.rounds} tahap"
    if text:
        note.add(text, size=CELL)
    flags = []
    if line.late:
        if line.due is not None:
            flags.append((f"Batas waktu {fmt.waktu(line.due, ' ')}", {"color": GREY}))
        flags.append(("Terlambat", {"bold": True, "color": RED}))
    if line.missing:
        flags.append(("Sedang berjalan" if line.in_progress else "Belum dilaksanakan",
                      {"italic": True, "color": GREY}))
    for i, (flag, style) in enumerate(flags):
        note.add(("\n" if text or i else "") + flag, size=CELL, **style)
    return {
        "no": line.number,
        "langkah": line.step.name,
        "pelaksana": line.step.actor_label + (f"\n({actor})" if actor else ""),
        "mulai": fmt.waktu(line.start),
        "selesai": fmt.waktu(line.end),
        "aktual": RichText(durasi(line.actual) if line.actual is not None else "—", size=CELL,
                           bold=line.late, color=RED if line.late else None),
        "mutu_baku": line.step.standard_text,
        "keterangan": note,
    }


def _review_row(r: ReviewRound, fmt: _Formatter) -> dict[str, Any]:
    decision = RichText()
    if r.rejected:
        decision.add("Ditolak saat penandatanganan" if r.at_signing else "Ditolak", bold=True, color=RED,
                     size=CELL)
    else:
        decision.add("Disetujui", size=CELL)
    who = "Kabid" if r.role == "kabid" else "Kadis"
    reviewer = clean(r.reviewer)
    return {"no": r.number, "waktu": fmt.waktu(r.at), "pemeriksa": who + (f"\n({reviewer})" if reviewer else ""),
            "keputusan": decision, "revisi": r.revision if r.revision is not None else "—",
            "catatan": clean(r.note) or "—"}


def _review_summary(rounds: list[ReviewRound]) -> str:
    if not rounds:
        return "Konsep SK Tim belum diperiksa."
    kabid = sum(r.rejected and r.role == "kabid" for r in rounds)
    kadis = sum(r.rejected and r.role == "kadis" for r in rounds)
    if not kabid + kadis:
        return f"Konsep SK Tim diperiksa {len(rounds)} kali dan disetujui tanpa dikembalikan."
    by = daftar([f"{n} kali oleh {who}" for n, who in ((kabid, "Kabid"), (kadis, "Kadis")) if n])
    return (f"Konsep SK Tim diperiksa {len(rounds)} kali dan dikembalikan untuk diperbaiki {kabid + kadis} "
            f"kali ({by}), dengan catatan sebagaimana tabel berikut.")


def _kampung_row(i: int, k: KampungFigures) -> dict[str, Any]:
    status = {  # short: one table line each, even with 300 kampung
        KampungStatus.WITH_POKJA: "Diperbaiki Pokja" if k.sent_back else "Dalam pendataan",
        KampungStatus.WITH_TIM: "Menunggu verifikasi",
        KampungStatus.VERIFIED: "Belum dipublikasikan",
        KampungStatus.PUBLISHED: "Selesai",
    }[k.status]
    notes = "; ".join(clean(n) for n in k.notes)
    return {"no": i, "nama": clean(k.kampung), "ditugaskan": "Ya" if k.assigned else "—",
            "diserahkan": _kali(k.returned), "dikembalikan": _kali(k.sent_back),
            "terverifikasi": "Ya" if k.verified else "Belum", "dipublikasikan": "Ya" if k.published else "Belum",
            "keterangan": status + (f"\n{notes}" if notes else "")}


def _kali(n: int) -> str:
    return f"{n} kali" if n else "—"


def _kampung_summary(t: dict[str, int]) -> str:
    if not t["assigned"]:
        return "Belum ada kampung/kelurahan yang ditugaskan kepada Pokja Profil Kampung/Kelurahan."
    return (f"Pokja Profil Kampung/Kelurahan ditugaskan mendata {t['assigned']} kampung/kelurahan. Data "
            f"{t['returned']} kampung telah diserahkan kepada Tim, {t['verified']} kampung terverifikasi, "
            f"{t['sent_back']} kampung pernah dikembalikan kepada Pokja untuk diperbaiki, dan "
            f"{t['published']} kampung telah dipublikasikan pada website Prodeskel.")


def _template_bytes(template: bytes | Path | None) -> bytes:
    if isinstance(template, bytes):
        return template
    if template is not None:
        return Path(template).read_bytes()
    return resources.files("report_service").joinpath("templates/laporan.docx").read_bytes()


# --- charts (matplotlib, Agg; imported on first use to keep an idle service small) ---------------


def _figure(width_mm: float, height_mm: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    FigureCanvasAgg(fig)  # no pyplot: no global state, safe in threads
    return fig


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _chart_steps(lines: list[StepLine]) -> bytes:
    """Actual against standard hours per step, log scale (10 minutes to a month)."""
    fig = _figure(CHART_WIDTH_MM, 105)
    ax = fig.add_subplot()
    numbers = [line.number for line in lines]
    ys = list(range(len(lines)))[::-1]
    hours = [line.standard.total_seconds() / 3600 for line in lines]
    actual = [(line.actual.total_seconds() / 3600) if line.actual is not None else None for line in lines]
    h = 0.38
    ax.barh([y + h / 2 for y in ys], hours, height=h, color="#BFBFBF", label="Mutu baku")
    done = [(y, a, line.late) for y, a, line in zip(ys, actual, lines, strict=True) if a is not None]
    floor = 1 / 60  # a zero-length step still shows as a sliver on a log axis
    ax.barh([y - h / 2 for y, _, _ in done], [max(a, floor) for _, a, _ in done], height=h,
            color=["#C00000" if late else "#2F5597" for _, _, late in done], label="Waktu aktual")
    for y, a in zip(ys, actual, strict=True):
        if a is None:
            ax.text(floor * 1.2, y - h / 2, "belum dilaksanakan", va="center", fontsize=6, color="#7F7F7F")
    ax.set_xscale("log")
    ticks = [(1 / 6, "10 mnt"), (1, "1 jam"), (3, "3 jam"), (24, "1 hari"), (24 * 7, "1 mgg"), (720, "1 bln")]
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks])
    ax.set_xlim(floor, max([720.0, *(a for a in actual if a)]) * 1.6)
    ax.set_yticks(ys, [f"Langkah {n}" for n in numbers])
    ax.tick_params(labelsize=7)
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.5)
    ax.set_axisbelow(True)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="#BFBFBF", label="Mutu baku"), Patch(color="#2F5597", label="Waktu aktual"),
                       Patch(color="#C00000", label="Terlambat")], fontsize=7, loc="lower right")
    ax.set_xlabel("Waktu (skala logaritmik)", fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.subplots_adjust(left=0.12, right=0.98, top=0.98, bottom=0.11)  # fixed: tight_layout costs ~100 ms
    return _png(fig)


def _chart_kampung(totals: dict[str, int], figures: list[KampungFigures]) -> bytes:
    """Left: how many kampung reached each stage; right: where each kampung stands now."""
    fig = _figure(CHART_WIDTH_MM, 72)
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    reached = [("Ditugaskan", totals["assigned"], "#7F7F7F"), ("Data diserahkan", totals["returned"], "#2F5597"),
               ("Pernah dikembalikan", totals["sent_back"], "#C55A11"),
               ("Terverifikasi", totals["verified"], "#548235"), ("Dipublikasikan", totals["published"], "#1F6F5C")]
    for ax, rows, title in ((left, reached, "Tahap yang telah dicapai"),
                            (right, _status_counts(figures), "Status saat ini")):
        ys = list(range(len(rows)))[::-1]
        bars = ax.barh(ys, [n for _, n, _ in rows], color=[c for _, _, c in rows], height=0.6)
        ax.bar_label(bars, fontsize=6, padding=2)
        ax.set_yticks(ys, [label for label, _, _ in rows])
        ax.set_xlim(0, max([n for _, n, _ in rows] + [1]) * 1.15)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(title, fontsize=7)
        ax.set_xlabel("Jumlah kampung", fontsize=6)
        ax.tick_params(labelsize=6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.subplots_adjust(left=0.16, right=0.98, top=0.92, bottom=0.14, wspace=0.62)
    return _png(fig)


def _status_counts(figures: list[KampungFigures]) -> list[tuple[str, int, str]]:
    def count(status: KampungStatus, sent_back: bool | None = None) -> int:
        return sum(k.status is status and (sent_back is None or (k.sent_back > 0) == sent_back) for k in figures)

    return [("Dalam pendataan", count(KampungStatus.WITH_POKJA, False), "#7F7F7F"),
            ("Dikembalikan ke Pokja", count(KampungStatus.WITH_POKJA, True), "#C55A11"),
            ("Menunggu verifikasi", count(KampungStatus.WITH_TIM), "#2F5597"),
            ("Terverifikasi", count(KampungStatus.VERIFIED), "#548235"),
            ("Dipublikasikan", count(KampungStatus.PUBLISHED), "#1F6F5C")]
