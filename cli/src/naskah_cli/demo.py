"""The SOP demo: the whole *Profil Kampung* flow over HTTP, against the embedded run or the real stack.

It speaks only HTTP to the three services, as another internal system would,
shows progress as it goes, and leaves the signed SK, its verification result,
the signed Surat Edaran to every kampung and the signed Laporan Kegiatan in
`out/demo/`. The field work of steps 7-13 (weeks in real life) is recorded with
simulated times after today.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from naskah_cli.disposisi_demo import flag_overdue, mark_done_from_inbox, sign_dispositions
from naskah_cli.formulir_demo import return_formulir
from naskah_cli.sample import DISTRIK, KAMPUNG, sk_tim

PASSPHRASES = {"kabid": "kabid-test-passphrase", "kadis": "kadis-test-passphrase"}  # the TEST-ONLY PKI's


class DemoFailed(RuntimeError):
    pass


class Api:
    def __init__(self, base: str, api_key: str = "") -> None:
        self.base, self.http = base.rstrip("/"), requests.Session()
        if api_key:
            self.http.headers["X-API-Key"] = api_key

    def call(self, method: str, path: str, *, expect: int = 200, **kw: Any) -> Any:
        r = self.http.request(method, self.base + path, timeout=120, **kw)
        if r.status_code != expect:
            raise DemoFailed(f"{method} {path} answered {r.status_code}: {r.text[:500]}")
        return r.json() if r.headers.get("Content-Type", "").startswith("application/json") else r.content


class Person:
    """One of the office's people in a browser: logs in through the login form, then reviews from the inbox."""

    def __init__(self, base: str, login: dict[str, str]) -> None:
        self.base, self.login, self.http = base.rstrip("/"), login, requests.Session()

    def _csrf(self, html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if not found:
            raise DemoFailed("the page carries no CSRF token")
        return found.group(1)

    def sign_in(self) -> None:
        page = self.http.get(f"{self.base}/login", timeout=30)
        r = self.http.post(f"{self.base}/login", timeout=30, data={
            "login": self.login["login"], "password": self.login["password"], "csrf_token": self._csrf(page.text),
            "next": "/inbox"})
        if r.status_code != 200 or not r.url.split("?")[0].endswith("/inbox"):
            raise DemoFailed(f"{self.login['login']} could not log in: {r.status_code}")

    def review(self, sk_id: str, decision: str, note: str = "") -> None:
        """Wait for the draft in the inbox, open it, approve or reject it there."""
        wait(f"the draft in the {self.login['role']}'s inbox",
             lambda: f"/review/{sk_id}" in self.http.get(f"{self.base}/inbox", timeout=30).text)
        page = self.http.get(f"{self.base}/review/{sk_id}", timeout=60)
        if page.status_code != 200:
            raise DemoFailed(f"the review page answered {page.status_code}")
        r = self.http.post(f"{self.base}/review/{sk_id}", timeout=120, data={
            "decision": decision, "note": note, "csrf_token": self._csrf(page.text)})
        if r.status_code != 200 or "/inbox" not in r.url:
            raise DemoFailed(f"the {self.login['role']}'s review answered {r.status_code}: "
                             f"{re.sub(r'<[^>]+>', ' ', r.text)[:300]}")


def wait(what: str, probe: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.05)
    raise DemoFailed(f"timed out waiting for {what}")


class Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.rows: list[tuple[str, str, float]] = []

    def step(self, label: str, detail: str = "") -> None:
        elapsed = time.monotonic() - self.started
        self.rows.append((label, detail, elapsed))
        print(f"  [{elapsed:6.2f}s] {label}{': ' + detail if detail else ''}", flush=True)


def run_demo(sk_url: str, sig_url: str, report_url: str, out: Path, *, tokens: dict[str, str],
             people: dict[str, dict[str, str]], api_key: str = "") -> int:
    out.mkdir(parents=True, exist_ok=True)
    sk, sig, rep, p = Api(sk_url, api_key), Api(sig_url, api_key), Api(report_url, api_key), Progress()
    auth = {who: {"Authorization": f"Bearer {tokens[who]}"} for who in ("kabid", "kadis")}
    by_role = {entry["role"]: entry for entry in people.values()}
    print("\nSOP demo: Pengembangan dan Pengelolaan Data Profil Kampung")
    try:
        kabid, kadis = Person(sig_url, by_role["kabid"]), Person(sig_url, by_role["kadis"])
        kabid.sign_in()
        kadis.sign_in()
        now = datetime.now(UTC)
        at = lambda minutes: (now + timedelta(minutes=minutes)).isoformat()  # noqa: E731
        activity = rep.call("POST", "/api/activities", expect=201, json={
            "kegiatan": "Pengembangan dan Pengelolaan Data Profil Kampung/Desa dan Kelurahan", "tahun": now.year,
            "unit_kerja": "Bidang Layanan Komunikasi dan Informatika"})
        aid = activity["id"]
        step = lambda n, actor, start, end, outcome="", figures=None: rep.call(  # noqa: E731
            "POST", f"/api/activities/{aid}/steps", expect=201, json={
                "step": n, "actor": actor, "started_at": at(start), "ended_at": at(end), "outcome": outcome,
                "figures": figures or {}})
        # Step 1 stays open until the Kabid acts on the Kadis's disposition. Given three days ago, it is past
        # its 15 menit in any working calendar: the live deadlines flag it and the ticker reminds.
        rep.call("POST", f"/api/activities/{aid}/steps", expect=201, json={
            "step": 1, "actor": "Kadis", "started_at": (now - timedelta(days=3)).isoformat(),
            "outcome": "Disposisi kepada Kabid untuk menyiapkan kegiatan"})
        p.step("1. Kadis memerintahkan kegiatan", "disposisi ke Kabid, menunggu Kabid")
        flag_overdue(rep, aid, wait=wait, progress=p)
        first = rep.call("GET", f"/api/activities/{aid}/disposisi")[0]
        mark_done_from_inbox(rep, kabid, first, "Kegiatan disiapkan; penyusunan SK Tim didisposisikan kepada "
                             "Kasubid", wait=wait, progress=p)
        step(2, "Kabid", -27, -15, "Disposisi penyusunan konsep SK Tim kepada Kasubid")
        p.step("2. Kabid menugaskan Kasubid")

        content = sk_tim(members=12)
        draft = sk.call("POST", "/api/sk", expect=201, json=content, headers={"X-Actor": "Kasubid Pengelolaan Data"})
        sid = draft["id"]
        rep.call("PUT", f"/api/activities/{aid}/sk", json={"sk_id": sid})
        p.step("3. Kasubid menyusun konsep SK Tim", f"SK {sid[:8]}, revisi 1, DOCX+PDF tersimpan")
        sk.call("POST", f"/api/sk/{sid}/submit")
        note = "Tambahkan Permendagri Nomor 1 Tahun 2023 tentang Tata Naskah Dinas pada bagian Mengingat."
        kabid.review(sid, "reject", note)
        p.step("4. Kabid memeriksa di kotak masuknya: DITOLAK", note)
        content["mengingat"].append("Peraturan Menteri Dalam Negeri Nomor 1 Tahun 2023 tentang Tata Naskah Dinas "
                                    "di Lingkungan Pemerintah Daerah;")
        revised = sk.call("PUT", f"/api/sk/{sid}", json=content)
        sk.call("POST", f"/api/sk/{sid}/submit")
        p.step("   Kasubid merevisi", f"revisi {revised['revision']}, berubah: {', '.join(revised['changed_fields'])}")
        kabid.review(sid, "approve")
        p.step("4. Kabid menyetujui", "diteruskan ke Kadis")
        kadis.review(sid, "approve")
        approved = wait("the nomor", lambda: (s := sk.call("GET", f"/api/sk/{sid}"))["nomor"] and s)
        nomor = approved["nomor"]
        reviewers = ", ".join(f"{r['role']}: {r['reviewer_nama']}" for r in approved["reviews"][-2:])
        p.step("5. Kadis menyetujui", f"nomor {nomor} (ditelaah oleh {reviewers})")

        for who in ("kabid", "kadis"):
            req = wait(f"the {who}'s signature request", lambda who=who: next(
                (r for r in sig.call("GET", f"/api/signature-requests?signer={who}&status=pending")
                 if r["document_id"] == sid), None))
            sig.call("POST", f"/api/signature-requests/{req['id']}/sign", headers=auth[who],
                     json={"passphrase": PASSPHRASES[who]})
            p.step(f"5. {who.capitalize()} menandatangani (PAdES)", f"permintaan {req['id'][:8]}")
        archived = wait("the SK to be archived", lambda: (s := sk.call("GET", f"/api/sk/{sid}"))["status"] ==
                        "archived" and s)
        ref = archived["signed_document"]
        p.step("6. SK diarsipkan (object lock)", f"{ref['bucket']}/{ref['key']}")

        link = sig.call("GET", "/api/archive/download", params={"key": ref["key"], "version_id": ref["version_id"]})
        signed_sk = requests.get(link["url"], timeout=60).content
        (out / "sk-tim-signed.pdf").write_bytes(signed_sk)
        verification = sig.call("POST", "/api/verify", files={"file": ("sk.pdf", signed_sk, "application/pdf")})
        (out / "sk-tim-verification.json").write_text(json.dumps(verification, indent=2, ensure_ascii=False))
        levels = ", ".join(f"{s['signer_name']} {s['level']} {'sah' if s['ok'] else 'TIDAK SAH'}"
                           for s in verification["signatures"])
        p.step("   Verifikasi tanda tangan", levels)

        step(7, "Kasubid/Tim", 5, 180, "SK didokumentasikan; rapat persiapan menetapkan proses pendataan")
        p.step("7. Dokumentasi, arsip dan rapat persiapan")
        se = sk.call("POST", f"/api/sk/{sid}/surat-edaran", expect=202, json={
            "kampung": [{"nama": k, "distrik": d} for k, d in DISTRIK.items()],
            "batas_waktu": (now + timedelta(days=25)).date().isoformat(), "tembusan": ["Bupati Jayapura"]})
        wait("the letters to be produced", lambda: sk.call("GET", f"/api/surat-edaran/{se['id']}?letters=false")
             ["status"] != "producing", timeout=300)
        p.step("8. Surat Edaran dan Formulir Instrumen dibuat", f"nomor {se['nomor']}, {len(DISTRIK)} kampung")
        wait("the Kadis's batch", lambda: sig.http.get(f"{sig.base}/api/signature-batches/{se['id']}",
                                                       timeout=60).ok)
        sig.call("POST", f"/api/signature-batches/{se['id']}/sign", expect=202, headers=auth["kadis"],
                 json={"passphrase": PASSPHRASES["kadis"]})
        wait("the Kadis's signatures", lambda: (x := sk.call("GET", f"/api/surat-edaran/{se['id']}"))["status"]
             == "signed" and x, timeout=300)
        letters = out / "surat-edaran"
        letters.mkdir(exist_ok=True)
        batch_letters = sk.call("GET", f"/api/surat-edaran/{se['id']}")["letters"]
        for letter in batch_letters:
            (letters / f"{letter['slug']}.pdf").write_bytes(
                sk.call("GET", f"/api/surat-edaran/{se['id']}/letters/{letter['slug']}.pdf"))
        p.step("8. Kadis menandatangani semua surat sekaligus", f"{len(DISTRIK)} PDF di {letters}")
        # 40 days against the 1 bulan: late in any working calendar (the summary's TERLAMBAT step)
        step(8, "Tim → Pokja", 200, 200 + 60 * 24 * 40, "Surat edaran dan formulir instrumen dikirim",
             {"assigned": KAMPUNG})
        p.step("8. Pokja ditugaskan mendata", f"{len(KAMPUNG)} kampung")
        # Steps 9-10 from the Formulir themselves (filled PDFs, one sent back and corrected; paper typed in)
        return_formulir(rep, p, aid, batch_letters, letters, out, at, wait)
        step(10, "Tim", 60 * 24 * 43, 60 * 24 * 43 + 120, "Data terverifikasi dimasukkan ke website Prodeskel",
             {"published": KAMPUNG})
        p.step("10. Data dipublikasikan di Prodeskel", f"{len(KAMPUNG)} kampung")

        report = rep.call("POST", f"/api/activities/{aid}/report", expect=201, json={"written_at": at(60 * 24 * 44)})
        p.step("11. Laporan Kegiatan disusun", f"DOCX+PDF, {len(report['charts'])} grafik")
        req = wait("the report's signature request", lambda: next(
            (r for r in sig.call("GET", "/api/signature-requests?signer=kabid&status=pending")
             if r["document_id"] == report["id"]), None))
        sig.call("POST", f"/api/signature-requests/{req['id']}/sign", headers=auth["kabid"],
                 json={"passphrase": PASSPHRASES["kabid"]})
        wait("the signed report", lambda: rep.call("GET", f"/api/reports/{report['id']}")["status"] == "signed")
        (out / "laporan-kegiatan-signed.pdf").write_bytes(
            rep.call("GET", f"/api/reports/{report['id']}/laporan.signed.pdf"))
        p.step("11. Laporan ditandatangani Kabid", "diarsipkan")
        step(12, "Kabid → Kadis", 60 * 24 * 45, 60 * 24 * 45 + 15,
             "Laporan disampaikan kepada Kadis")
        step(13, "Semua", 60 * 24 * 46, 60 * 24 * 46 + 170, "Pemaparan hasil kegiatan")
        p.step("12-13. Laporan ke Kadis, rapat penutupan")
        sign_dispositions(rep, sig, aid, out, auth=auth, passphrases=PASSPHRASES, wait=wait, progress=p)
        final = rep.call("GET", f"/api/activities/{aid}")
    except (DemoFailed, requests.RequestException, KeyError) as exc:
        print(f"\nThe demo failed: {type(exc).__name__}: {exc}")
        return 1
    _summary(final, nomor, out)
    from naskah_cli.people import print_logins

    print_logins(people, sig_url)
    return 0


def _summary(activity: dict[str, Any], nomor: str, out: Path) -> None:
    print("\nLangkah SOP                                               Waktu aktual     Mutu baku   Keterangan")
    for line in activity["timeline"]:
        actual = _duration(line["actual_seconds"]) if line["actual_seconds"] is not None else "-"
        flag = "TERLAMBAT" if line["late"] else ("belum" if line["missing"] else "")
        print(f"{line['step']:>2}. {line['name'][:52]:52} {actual:>14}  {_duration(line['standard_seconds']):>10}"
              f"   {flag}")
    k = activity["kampung"]
    print(f"\nNomor SK: {nomor}   Kampung: {k.get('assigned', 0)} ditugaskan, {k.get('returned', 0)} menyerahkan "
          f"data, {k.get('sent_back', 0)} dikembalikan, {k.get('verified', 0)} terverifikasi, "
          f"{k.get('published', 0)} dipublikasikan")
    for name in ("sk-tim-signed.pdf", "sk-tim-verification.json", "laporan-kegiatan-signed.pdf", "prodeskel.csv",
                 "prodeskel.xlsx"):
        print(f"  {out / name}")
    print(f"  {out / 'surat-edaran'}/ ({len(list((out / 'surat-edaran').glob('*.pdf')))} PDF)")
    print(f"  {out / 'disposisi'}/ ({len(list((out / 'disposisi').glob('*.pdf')))} PDF)")


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} hari {hours} jam" if hours else f"{days} hari"
    if hours:
        return f"{hours} jam {mins} menit" if mins else f"{hours} jam"
    return f"{mins} menit" if mins else f"{int(seconds)} detik"
