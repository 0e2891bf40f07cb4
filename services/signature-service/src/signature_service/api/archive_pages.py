"""The archive pages for the arsiparis (and admin): search, versions, legal hold, downloads, ZIP, CSV.

The queries live in the service layer (`ArchiveService`); this module parses the form and renders.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from signature_service.api import words
from signature_service.api.auth import client
from signature_service.api.container import container
from signature_service.api.session import current_person, require_person
from signature_service.api.site import not_found, office_zone
from signature_service.service_layer.archive import KINDS, ArchiveError, ArchiveQuery, search_csv

bp = Blueprint("archive_pages", __name__, template_folder="../templates")
ROLES = ("arsiparis", "admin")


def _archive() -> Any:
    return container().archive


def _query() -> tuple[ArchiveQuery, str | None]:
    args = request.args
    year_text = args.get("tahun", "").strip()
    error = None
    year = None
    if year_text:
        if year_text.isdigit() and 2000 <= int(year_text) <= 2100:
            year = int(year_text)
        else:
            error = "Tahun harus empat angka, misalnya 2026."
    kind = args.get("jenis", "")
    if kind and kind not in KINDS:
        kind, error = "", "Jenis dokumen tidak dikenal."
    signer = args.get("penanda", "")
    if signer and signer not in container().accounts:
        signer, error = "", "Penanda tangan tidak dikenal."
    return ArchiveQuery(text=args.get("q", "")[:200], nomor=args.get("nomor", "")[:100], kind=kind, year=year,
                        signer=signer), error


def _searched() -> bool:
    return any(request.args.get(k) for k in ("q", "nomor", "jenis", "tahun", "penanda", "cari"))


@bp.get("/arsip")
@require_person(*ROLES)
def search():
    query, error = _query()
    results = _archive().search(query) if _searched() and not error else []
    holds = {d.document_id: _archive().holds(d.document_id)[:5] for d in results}
    return render_template("archive.html", query=query, results=results, error=error, searched=_searched(),
                           kinds=KINDS, signers=container().accounts, holds=holds,
                           message=request.args.get("pesan", "")[:200], csv_args=request.args.to_dict())


@bp.get("/arsip/hasil.csv")
@require_person(*ROLES)
def search_as_csv():
    query, error = _query()
    if error:
        abort(422)
    docs = _archive().search(query)
    body = search_csv(docs, when=lambda v: words.in_office_time(v, office_zone()))
    return Response("\ufeff" + body, mimetype="text/csv",  # the BOM makes spreadsheets read UTF-8
                    headers={"Content-Disposition": 'attachment; filename="arsip-naskah.csv"'})


@bp.get("/arsip/<document_id>/unduh")
@require_person(*ROLES)
def download(document_id: str):
    try:
        return redirect(_archive().download_url(document_id, request.args.get("versi", "")), 303)
    except ArchiveError:
        raise not_found() from None


@bp.post("/arsip/<document_id>/legal-hold")
@require_person(*ROLES)
def legal_hold(document_id: str):
    person = current_person()
    assert person is not None  # require_person
    on = request.form.get("aksi") == "pasang"
    back = request.form.get("kembali", "")
    try:
        _archive().set_legal_hold(document_id, request.form.get("versi", ""), on, request.form.get("alasan", ""),
                                  actor=person.username, client=client())
    except ArchiveError as exc:
        message = ("Tulis alasan (3 sampai 500 huruf) untuk memasang atau melepas legal hold."
                   if "reason" in str(exc) else "Versi dokumen itu tidak ditemukan.")
        return _redirect_back(back, message)
    return _redirect_back(back, "Legal hold dipasang." if on else "Legal hold dilepas.")


def _redirect_back(back: str, message: str):
    from signature_service.api.session import safe_next

    target = safe_next(back, default=url_for("archive_pages.search"))
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{urlencode({'pesan': message})}", 303)


@bp.get("/arsip/batch/<batch_id>.zip")
@require_person(*ROLES)
def batch_zip(batch_id: str):
    try:
        letters = _archive().batch_letters(batch_id)
        if not letters:
            raise not_found() from None
        chunks = _archive().batch_zip(letters)
        first = next(chunks)  # the size check runs before the answer starts
    except ArchiveError as exc:
        return render_template("archive.html", query=ArchiveQuery(), results=[], error=str(exc), searched=False,
                               kinds=KINDS, signers=container().accounts, holds={},
                               message="", csv_args={}), 422

    def body():
        yield first
        yield from chunks

    return Response(stream_with_context(body()), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="surat-{batch_id[:8]}.zip"'})
