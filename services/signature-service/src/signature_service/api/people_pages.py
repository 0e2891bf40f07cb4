"""The people's pages: login and logout, the inbox, and the review page of a draft SK.

The review page shows the draft as page images from the inbox's read model (fed by sk-service's events)
and hands the decision to sk-service over HTTP with the person's signed assertion (`X-Naskah-Person`):
sk-service owns the SK and checks that the person's role matches the step. After a POST the page
redirects (post/redirect/get), so a reload never reviews twice.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request

from naskah_shared.web.ratelimit import client_key
from signature_service.api.container import container
from signature_service.api.page_images import page_image, page_urls
from signature_service.api.session import (
    current_person,
    end_session,
    forbidden,
    require_person,
    safe_next,
    start_session,
)
from signature_service.service_layer.people import LoginFailed, LoginLocked
from signature_service.service_layer.reviews import ReviewRefused, ReviewUnavailable

bp = Blueprint("people", __name__, template_folder="../templates")
REVIEWERS = ("kabid", "kadis")
NOTE_MAX = 4000
ROLE_WORDS = {"kabid": "Kepala Bidang", "kadis": "Kepala Dinas", "kasubid": "Kepala Sub Bidang",
              "arsiparis": "Arsiparis", "admin": "Admin"}
DONE = {"disetujui": "Draf disetujui dan diteruskan.", "ditolak": "Draf dikembalikan dengan catatan Anda.",
        "keluar": "Anda sudah keluar.", "disposisi": "Disposisi ditandai selesai dengan catatan Anda."}
DISPOSISI_NOTE_MAX = 2000


def _here(path: str) -> str:
    return (request.script_root or "") + path


@bp.record_once
def _on_register(state: Any) -> None:
    from signature_service.api.session import init_people

    init_people(state.app)
    state.app.jinja_env.filters.setdefault("role_word", lambda r: ROLE_WORDS.get(str(r), str(r)))


# --- login and logout -----------------------------------------------------------------
@bp.get("/login")
def login():
    if current_person() is not None:
        return redirect(_here(safe_next(request.args.get("next"))))
    return render_template("login.html", next=safe_next(request.args.get("next")), login_name="",
                           done=DONE.get(request.args.get("selesai", "")))


@bp.post("/login")
def login_post():
    login_name = request.form.get("login", "")[:100]
    password = request.form.get("password", "")[:1000]
    target = safe_next(request.form.get("next"))
    limiter = container().login_limiter
    wait = limiter.check(client_key()) if limiter is not None else None
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        page, status = _login_error(f"Terlalu banyak percobaan masuk dari alamat ini. Coba lagi dalam {seconds} "
                                    "detik.", login_name, target, 429)
        return page, status, {"Retry-After": str(seconds)}
    if not login_name.strip() or not password:
        return _login_error("Isi NIP atau nama pengguna dan kata sandi.", login_name, target, 422)
    try:
        person = container().people.authenticate(login_name, password)
    except LoginLocked as exc:
        wait = max(1, int((exc.until - datetime.now(UTC)).total_seconds()))
        page, status = _login_error(
            f"Terlalu banyak kata sandi yang salah. Login dikunci sampai {_words_time(exc.until)}; "
            "coba lagi nanti atau minta admin mengatur ulang kata sandi Anda.", login_name, target, 429)
        return page, status, {"Retry-After": str(wait)}
    except LoginFailed:
        return _login_error("NIP/nama pengguna atau kata sandi salah.", login_name, target, 401)
    old = request.cookies.get("naskah_session", "")
    if old:  # a new id at every login: a session id planted before login is worth nothing after it
        container().people.close_session(old)
    session_id, session = container().people.open_session(person)
    g.person_session = session
    response = redirect(_here(target))
    start_session(response, session_id)
    return response


def _login_error(message: str, login_name: str, target: str, status: int) -> tuple[str, int]:
    return render_template("login.html", error=message, login_name=login_name, next=target), status


def _words_time(value: datetime) -> str:
    fmt = current_app.jinja_env.filters.get("waktu")
    return fmt(value) if fmt else value.isoformat(timespec="minutes")


@bp.post("/logout")
def logout():
    response = redirect(_here("/login?selesai=keluar"))
    end_session(response)
    return response


# --- the inbox ------------------------------------------------------------------------------
@bp.get("/inbox")
@require_person()
def inbox():
    person = current_person()
    box = container().inbox.for_person(person)
    dispositions = container().disposisi.for_person(person) if container().disposisi is not None else []
    return render_template("inbox.html", box=box, done=DONE.get(request.args.get("selesai", "")), error=None,
                           dispositions=dispositions, now=datetime.now(UTC))


# --- a disposition addressed to me: marked done with a note -----------------------------------
@bp.post("/disposisi/<disposisi_id>/selesai")
@require_person("kadis", "kabid", "kasubid")
def disposisi_done(disposisi_id: str):
    person = current_person()
    row = container().disposisi.get(disposisi_id) if len(disposisi_id) <= 36 else None
    if row is None:
        abort(404)
    if row["kepada"] != person.role:
        return forbidden("Disposisi ini bukan untuk Anda.")
    note = request.form.get("note", "").strip()
    if len(note) > DISPOSISI_NOTE_MAX:
        return _inbox_error(f"Catatan paling panjang {DISPOSISI_NOTE_MAX} karakter.", 422)
    try:
        container().disposisi.done(row, person, note, request_id=g.get("request_id", ""))
    except ReviewUnavailable:
        return _inbox_error("Layanan laporan sedang tidak dapat dihubungi. Disposisi belum tercatat selesai; "
                            "coba lagi sebentar lagi.", 503)
    except ReviewRefused as exc:
        if exc.status == 403:
            return forbidden("Disposisi ini bukan untuk Anda.")
        if exc.status == 404:
            abort(404)
        if exc.status != 409:  # 409: already done, the row is right as it is
            return _inbox_error("Disposisi tidak dapat ditandai selesai; periksa catatan Anda.", 422)
    return redirect(_here("/inbox?selesai=disposisi"))


def _inbox_error(message: str, status: int):
    person = current_person()
    return render_template("inbox.html", box=container().inbox.for_person(person), error=message, done=None,
                           dispositions=container().disposisi.for_person(person), now=datetime.now(UTC)), status


# --- reviewing a draft SK -------------------------------------------------------------------
def _draft(sk_id: str) -> dict[str, Any]:
    if len(sk_id) > 36:
        abort(404)
    row = container().inbox.awaiting_review(sk_id)
    if row is None:
        abort(404)
    return row


@bp.get("/review/<sk_id>")
@require_person(*REVIEWERS, "kasubid")
def review(sk_id: str):
    row = _draft(sk_id)
    if row["awaiting"] != current_person().role:
        return _not_your_step(row)
    if current_person().role == "kasubid":  # sent back to its drafter: read the note and the pages, revise
        note = container().inbox.last_note(sk_id)  # through the drafting system (sk-service's API)
        return render_template("review.html", sk=row, pages=_pages_of(row), error=None, note="", readonly=True,
                               sent_back_note=note)
    return _review_view(row)


def _not_your_step(row: dict[str, Any]) -> tuple[str, int]:
    if row["awaiting"]:
        return forbidden(f"Draf ini menunggu telaah {ROLE_WORDS.get(row['awaiting'], row['awaiting'])}, "
                         "bukan telaah Anda.")
    return forbidden("Draf ini tidak sedang menunggu telaah.")


def _pages_of(row: dict[str, Any]) -> list[str]:
    return page_urls(row["document"], "people.review_image", sk_id=row["sk_id"]) if row.get("document") else []


def _review_view(row: dict[str, Any], *, error: str | None = None, note: str = "", status: int = 200):
    return render_template("review.html", sk=row, pages=_pages_of(row), error=error, note=note), status


@bp.get("/review/<sk_id>/halaman/<int:number>.png")
@require_person(*REVIEWERS, "kasubid")
def review_image(sk_id: str, number: int):
    row = _draft(sk_id)
    if not row.get("document"):
        abort(404)
    return page_image(row["document"], number)


@bp.post("/review/<sk_id>")
@require_person(*REVIEWERS)
def review_post(sk_id: str):
    person = current_person()
    row = _draft(sk_id)
    if row["awaiting"] != person.role:
        return _not_your_step(row)
    decision = request.form.get("decision", "")
    note = request.form.get("note", "").strip()
    if decision not in ("approve", "reject"):
        return _review_view(row, error="Pilih setujui atau tolak.", note=note[:NOTE_MAX], status=422)
    if len(note) > NOTE_MAX:
        return _review_view(row, error=f"Catatan paling panjang {NOTE_MAX} karakter.", note=note[:NOTE_MAX],
                            status=422)
    if decision == "reject" and not note:
        return _review_view(row, error="Penolakan perlu catatan: tuliskan apa yang harus diperbaiki.", status=422)
    try:
        answer = container().sk_reviews.review(sk_id, person, decision, note, request_id=g.get("request_id", ""))
    except ReviewUnavailable:
        return _review_view(row, error="Layanan SK sedang tidak dapat dihubungi. Keputusan Anda belum tercatat; "
                                       "coba lagi sebentar lagi.", note=note, status=503)
    except ReviewRefused as exc:
        if exc.status == 403:
            return forbidden("Anda tidak dapat menelaah draf ini pada tahap ini.")
        if exc.status == 404:
            abort(404)
        if exc.status == 409:
            return _review_view(row, error="Draf ini sudah ditelaah atau berubah sementara itu. Muat ulang kotak "
                                           "masuk Anda.", status=409)
        return _review_view(row, error="Keputusan tidak dapat diterima; periksa catatan Anda.", note=note,
                            status=422)
    container().inbox.note_review(sk_id, answer, by=person.nama)
    return redirect(_here("/inbox?selesai=" + ("disetujui" if decision == "approve" else "ditolak")))
