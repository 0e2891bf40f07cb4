"""The signer's pages: one document (`/sign/<request_id>`) and a batch of letters (`/sign/batch/<batch_id>`).

Only the logged-in person who signs as the request's signer sees it; anyone else gets a 404, so a request id
tells nothing. The passphrase goes straight from the form to the signing service: never logged or stored.
After a POST the page redirects (post/redirect/get), so reloading never signs or refuses twice.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from signature_service.api.auth import client
from signature_service.api.container import container
from signature_service.api.page_images import page_image, page_urls
from signature_service.api.session import current_person, require_person
from signature_service.api.sign_messages import failure_message
from signature_service.api.site import not_found
from signature_service.domain.requests import SignatureRequest, Status
from signature_service.service_layer import queries
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.batches import BatchNotFound
from signature_service.service_layer.commands import Reject, RejectBatch, Sign, SignBatch
from signature_service.service_layer.signing import RequestNotFound

bp = Blueprint("pages", __name__, template_folder="../templates")
SIGNERS = ("kabid", "kadis")
NOTE_MAX = 1000
PASSPHRASE_MAX = 1024
DONE = {"signed": "Dokumen berhasil ditandatangani. Halaman di bawah menunjukkan cap tanda tangan Anda.",
        "rejected": "Dokumen ditolak; catatan Anda dikirim kembali ke penyusunnya.",
        "batch": "Surat pertama sudah ditandatangani; sisanya ditandatangani sekarang.",
        "batch_rejected": "Surat-surat yang belum ditandatangani ditolak dengan catatan Anda."}


def _account() -> SignerAccount:
    """The signer account of the logged-in person; 404 for people who sign nothing."""
    person = current_person()
    account = container().accounts.get(person.signer_id) if person and person.signer_id else None
    if account is None:
        raise not_found() from None
    return account


def _own_request(request_id: str) -> tuple[SignatureRequest, SignerAccount]:
    account = _account()
    try:
        req = container().signing.request(request_id)
    except RequestNotFound:
        raise not_found() from None
    if req.signer != account.id:  # another signer's document: as if it did not exist
        raise not_found() from None
    return req, account


def _shown_ref(req: SignatureRequest) -> dict[str, Any]:
    return req.result if req.status is Status.SIGNED and req.result else req.source


# --- one document --------------------------------------------------------------------------
@bp.get("/sign/<request_id>")
@require_person(*SIGNERS)
def sign_page(request_id: str):
    req, _ = _own_request(request_id)
    return _sign_view(req, done=DONE.get(request.args.get("selesai", "")))


def _sign_view(req: SignatureRequest, *, error: str | None = None, done: str | None = None, status: int = 200):
    pages = page_urls(_shown_ref(req), "pages.sign_page_image", request_id=req.id)
    # asked before the passphrase: a BSrE signer whose certificate is not active is told why, not asked
    signer = container().signing.signer_status(req.signer) if req.status is Status.PENDING else None
    return render_template("sign.html", req=req, pages=pages, error=error, done=done, signer=signer), status


@bp.get("/sign/<request_id>/halaman/<int:number>.png")
@require_person(*SIGNERS)
def sign_page_image(request_id: str, number: int):
    req, _ = _own_request(request_id)
    return page_image(_shown_ref(req), number)


@bp.post("/sign/<request_id>")
@require_person(*SIGNERS)
def sign_submit(request_id: str):
    req, account = _own_request(request_id)
    action = request.form.get("action", "")
    signing = container().signing
    if action == "sign":
        passphrase = request.form.get("passphrase", "")
        if not passphrase or len(passphrase) > PASSPHRASE_MAX:
            return _sign_view(req, error="Isi passphrase kunci Anda untuk menandatangani.", status=422)
        if req.status is Status.SIGNED:
            return _sign_view(req, error="Dokumen ini sudah ditandatangani sebelumnya; tidak ditandatangani lagi.",
                              status=409)
        try:
            signing.sign(Sign(req.id, account, passphrase, client()))
        except Exception as exc:  # each known failure has its Indonesian sentence; the rest propagate
            message, status = failure_message(exc)
            if message is None:
                raise
            return _sign_view(signing.request(req.id), error=message, status=status)
        return redirect(url_for("pages.sign_page", request_id=req.id, selesai="signed"), 303)
    if action == "reject":
        note = request.form.get("note", "").strip()
        if not note or len(note) > NOTE_MAX:
            return _sign_view(req, error=f"Tulis catatan penolakan (paling banyak {NOTE_MAX} huruf).", status=422)
        try:
            signing.reject(Reject(req.id, account, note, client()))
        except Exception as exc:
            message, status = failure_message(exc)
            if message is None:
                raise
            return _sign_view(signing.request(req.id), error=message, status=status)
        return redirect(url_for("pages.sign_page", request_id=req.id, selesai="rejected"), 303)
    return _sign_view(req, error="Pilih Tandatangani atau Tolak.", status=422)


# --- a batch of letters --------------------------------------------------------------------
def _batch(batch_id: str) -> tuple[dict[str, Any], SignerAccount]:
    account = _account()
    try:
        return container().batches.progress(batch_id, account), account
    except BatchNotFound:
        raise not_found() from None


def _letters(batch_id: str, account: SignerAccount) -> list[SignatureRequest]:
    return queries.batch_letters(container().signing.uow, batch_id, account.id)


def _sample_ref(batch_id: str, account: SignerAccount) -> dict[str, Any]:
    letters = _letters(batch_id, account)
    return _shown_ref(letters[0])


@bp.get("/sign/batch/<batch_id>")
@require_person(*SIGNERS)
def sign_batch_page(batch_id: str):
    progress, account = _batch(batch_id)
    return _batch_view(batch_id, progress, account, done=DONE.get(request.args.get("selesai", "")))


def _batch_view(batch_id: str, progress: dict[str, Any], account: SignerAccount, *, error: str | None = None,
                done: str | None = None, status: int = 200):
    pages = page_urls(_sample_ref(batch_id, account), "pages.sign_batch_image", batch_id=batch_id)
    if done == DONE["batch"] and batch_state(progress) == "done":  # the reload once the job finished
        done = "Semua surat sudah ditandatangani."
    return render_template("sign_batch.html", batch=progress, letters=_letters(batch_id, account), pages=pages,
                           error=error, done=done, state=batch_state(progress)), status


def batch_state(progress: dict[str, Any]) -> str:
    """running | interrupted | done | open: what the page says of the batch's signing job."""
    state = progress.get("state")
    if state:
        return str(state)
    if progress.get("running"):
        return "running"
    if progress.get("error"):
        return "interrupted"
    return "done" if not progress.get("pending") else "open"


@bp.get("/sign/batch/<batch_id>/halaman/<int:number>.png")
@require_person(*SIGNERS)
def sign_batch_image(batch_id: str, number: int):
    _, account = _batch(batch_id)
    return page_image(_sample_ref(batch_id, account), number)


@bp.get("/sign/batch/<batch_id>/progress.json")
@require_person(*SIGNERS)
def sign_batch_progress(batch_id: str):
    """What the progress bar's script polls (same-origin, the session cookie)."""
    progress, _ = _batch(batch_id)
    return jsonify({"total": progress["total"], "signed": progress["signed"], "pending": progress["pending"],
                    "rejected": progress["rejected"] + progress["cancelled"], "state": batch_state(progress)})


@bp.post("/sign/batch/<batch_id>")
@require_person(*SIGNERS)
def sign_batch_submit(batch_id: str):
    progress, account = _batch(batch_id)
    action = request.form.get("action", "")
    batches = container().batches
    try:
        if action == "sign":
            passphrase = request.form.get("passphrase", "")
            if not passphrase or len(passphrase) > PASSPHRASE_MAX:
                return _batch_view(batch_id, progress, account, status=422,
                                   error="Isi passphrase kunci Anda untuk menandatangani.")
            batches.sign(SignBatch(batch_id, account, passphrase, client()))
            return redirect(url_for("pages.sign_batch_page", batch_id=batch_id, selesai="batch"), 303)
        if action == "reject":
            note = request.form.get("note", "").strip()
            if not note or len(note) > NOTE_MAX:
                return _batch_view(batch_id, progress, account, status=422,
                                   error=f"Tulis catatan penolakan (paling banyak {NOTE_MAX} huruf).")
            batches.reject(RejectBatch(batch_id, account, note, client()))
            return redirect(url_for("pages.sign_batch_page", batch_id=batch_id, selesai="batch_rejected"), 303)
    except Exception as exc:
        message, status = failure_message(exc)
        if message is None:
            raise
        return _batch_view(batch_id, batches.progress(batch_id, account), account, error=message, status=status)
    return _batch_view(batch_id, progress, account, error="Pilih Tandatangani semua atau Tolak.", status=422)
