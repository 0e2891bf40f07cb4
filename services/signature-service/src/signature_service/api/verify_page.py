"""The public verification page the QR code opens: one verdict in Indonesian, the document as people know it,
each signer, and "Periksa berkas lain" (an upload form that works without JavaScript).

The archived version's verification is computed once and kept (the verification service caches it by the
document's SHA-256); a visit does not re-validate the PDF. Uploads are rate-limited per client (429 with
Retry-After). The archived copy's download (a short-lived presigned URL) is switched by
NASKAH_VERIFY_DOWNLOAD.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, redirect, render_template, request

from naskah_shared.web.ratelimit import client_key
from signature_service.api import words
from signature_service.api.container import container
from signature_service.api.site import not_found
from signature_service.service_layer.archive import ArchivedDocument
from signature_service.service_layer.ports import ReasonCode, SignatureReport, VerificationError

bp = Blueprint("verify_page", __name__, template_folder="../templates")


@dataclass(frozen=True)
class Verdict:
    tone: str  # ok | bad
    title: str
    detail: str


def verdict(reports: list[SignatureReport]) -> Verdict:
    sigs = [r for r in reports if getattr(r, "kind", "signature") == "signature"]
    if not sigs:
        return Verdict("bad", "Tidak ada tanda tangan elektronik di berkas ini.",
                       "Berkas ini tidak memuat tanda tangan elektronik yang dapat diperiksa.")
    changed = [r for r in sigs if not r.intact or ReasonCode.MODIFIED_AFTER_SIGNING in r.reasons
               or ReasonCode.DIGEST_MISMATCH in r.reasons
               or any(not c.allowed for c in getattr(r, "changes", []))]
    if changed:
        return Verdict("bad", "Dokumen telah diubah sesudah ditandatangani.",
                       "Isi berkas ini tidak sama dengan yang ditandatangani; jangan gunakan berkas ini.")
    if not all(r.ok for r in sigs):
        return Verdict("bad", "Ada tanda tangan yang tidak sah.",
                       "Dokumen tidak berubah, tetapi sedikitnya satu tanda tangan tidak dapat dipastikan sah.")
    return Verdict("ok", "Dokumen asli dan tidak berubah sejak ditandatangani.",
                   f"{len(sigs)} tanda tangan elektronik sah, dari sertifikat yang dipercaya.")


REASONS = {
    ReasonCode.DIGEST_MISMATCH: "isi yang ditandatangani telah berubah",
    ReasonCode.SIGNATURE_INVALID: "tanda tangan kriptografis tidak cocok",
    ReasonCode.UNTRUSTED: "sertifikat tidak berasal dari penerbit yang dipercaya",
    ReasonCode.REVOKED: "sertifikat penanda tangan sudah dicabut",
    ReasonCode.REVOCATION_UNKNOWN: "status pencabutan sertifikat tidak dapat dipastikan",
    ReasonCode.EXPIRED: "sertifikat sudah kedaluwarsa saat penandatanganan",
    ReasonCode.TIMESTAMP_INVALID: "cap waktu tidak sah",
    ReasonCode.NOT_WHOLE_DOCUMENT: "tanda tangan tidak mencakup seluruh berkas",
    ReasonCode.MODIFIED_AFTER_SIGNING: "berkas diubah sesudah ditandatangani",
    ReasonCode.UNSUPPORTED: "jenis tanda tangan tidak didukung",
}
MODIFICATION_LEVEL = {
    "lta_updates": "Sesudahnya hanya ditambahkan data validasi (sertifikat, OCSP/CRL atau cap waktu arsip); "
                   "hal ini wajar untuk tanda tangan jangka panjang.",
    "form_filling": "Sesudahnya ada kolom tanda tangan atau isian formulir yang diisi (misalnya tanda tangan "
                    "berikutnya).",
    "annotations": "Sesudahnya ada anotasi (catatan atau coretan) yang ditambahkan.",
    "other": "Sesudahnya isi berkas diubah.",
}


def signer_rows(reports: list[SignatureReport]) -> list[dict[str, Any]]:
    """Each signature as the page shows it: the signer's account (nama, jabatan, pangkat) matched by NIP."""
    by_nip = {a.nip: a for a in container().accounts.values() if a.nip}
    zone = _zone()
    rows = []
    for r in reports:
        account = by_nip.get(r.signer_nip or "")
        changes = [c.description_id for c in getattr(r, "changes", [])]
        if not changes and r.modification_level in MODIFICATION_LEVEL:
            changes = [MODIFICATION_LEVEL[r.modification_level]]
        rows.append({"kind": getattr(r, "kind", "signature"), "ok": r.ok,
                     "nama": account.nama if account else (r.signer_name or r.signer_subject),
                     "jabatan": account.jabatan if account else "", "pangkat": account.pangkat if account else "",
                     "nip": r.signer_nip or "", "signing_time": words.in_office_time(r.signing_time, zone),
                     "timestamp_time": words.in_office_time(r.timestamp_time, zone),
                     "level": words.level_word(r.level) if r.level else "-",
                     "reasons": [REASONS.get(c, str(c)) for c in r.reasons], "changes": changes})
    return rows


def _zone() -> str:
    from signature_service.api.site import office_zone

    return office_zone()


def archived(document_id: str) -> tuple[ArchivedDocument, list[SignatureReport]] | None:
    doc = container().archive.document(document_id, versions=False)
    if doc is None:
        return None
    result = container().verification.archived(document_id)  # computed once per archived version, then kept
    return doc, (list(result.signatures) + list(result.timestamps)) if result else []


def _page(document_id: str, *, upload: dict[str, Any] | None = None, status: int = 200, error: str | None = None,
          retry_after: int | None = None):
    found = archived(document_id)
    if found is None:
        return render_template("verify.html", doc=None, document_id=document_id), 404
    doc, reports = found
    body = render_template("verify.html", doc=doc, document_id=document_id, verdict=verdict(reports),
                           signers=signer_rows(reports), upload=upload, error=error,
                           download=container().settings.verify_download)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return body, status, headers


@bp.get("/verify/<document_id>")
def verify_page(document_id: str):
    return _page(document_id)


@bp.get("/verify/<document_id>/unduh")
def download(document_id: str):
    """The archived copy through a short-lived presigned URL, unless the office switched it off."""
    if not container().settings.verify_download:
        raise not_found() from None
    if container().archive.document(document_id, versions=False) is None:
        raise not_found() from None
    return redirect(container().archive.download_url(document_id), 303)


@bp.post("/verify/<document_id>")
def verify_upload(document_id: str):
    """Periksa berkas lain: verify any uploaded PDF and say whether it is the archived version, byte for byte."""
    wait = _upload_wait()
    if wait:
        return _page(document_id, status=429, retry_after=wait,
                     error=f"Terlalu banyak pemeriksaan dari perangkat ini. Coba lagi dalam {wait} detik.")
    file = request.files.get("berkas")
    data = file.read() if file else b""
    if not data:
        return _page(document_id, status=422, error="Pilih berkas PDF yang akan diperiksa.")
    if not data.startswith(b"%PDF-"):
        return _page(document_id, status=422, error="Berkas itu bukan PDF.")
    try:
        result = container().verification.verify_upload(data)
        reports = list(result.signatures) + list(result.timestamps)
    except VerificationError:
        return _page(document_id, status=422, error="Berkas PDF itu rusak atau tidak dapat dibaca.")
    found = archived(document_id)
    same = found is not None and hashlib.sha256(data).hexdigest() == found[0].ref["sha256"]
    upload = {"name": (file.filename or "berkas.pdf")[:200], "same": same, "verdict": verdict(list(reports)),
              "signers": signer_rows(list(reports))}
    return _page(document_id, upload=upload)


def _upload_wait() -> int:
    """Seconds this client must wait before another upload (0: go ahead); the same limiter as /api/verify."""
    limiter = container().verify_limiter
    wait = limiter.check(client_key()) if limiter is not None else None
    return max(1, math.ceil(wait)) if wait is not None else 0
