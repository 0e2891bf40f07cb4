"""A loopback BSrE Esign Client Service: TEST ONLY, loopback only, never a real BSrE.

It follows BSrE's *Petunjuk Teknis Penggunaan API Esign Client Service* v2.0 (January 2024) field by field
(HTTP Basic; v1 ``POST /api/sign/pdf`` multipart, ``GET /api/sign/download/{idDokumen}`` once,
``POST /api/sign/verify``; v2 ``POST /api/v2/sign/pdf`` JSON with base64 files, ``/api/v2/sign/get/totp``,
``/api/v2/user/check/status``, ``/api/v2/verify/pdf``) and signs for real: each file gets an incremental
PAdES signature (pyHanko, SubFilter ETSI.CAdES.detached) made with the user's key from the TEST-ONLY BSrE CA
(``bsrepki``) and an RFC 3161 timestamp from its TSA, in a new signature field ``sig_<millis>`` as BSrE's
own output names them. Like BSrE's output it carries no DSS (PAdES B-T); B-LT and B-LTA are naskah's job.

What the guide leaves open is chosen as BSrE's clients see it: errors are HTTP 400 (401 for the Basic
credential) with ``{"status_code": <code>, "error": <Indonesian message>}`` (2011 user not registered, 2031
wrong passphrase or TOTP, 2021 certificate not active, 2041 bad request, 2051 tag not found); the status
check answers ``{"status_code": 1111, "status": "ISSUE", "message": …}``; v2's sign answer is
``{"file": [base64…], "time": ms}`` with the ``id_dokumen`` header (comma-separated, one per file); placement
``xAxis``/``originX``, ``yAxis``/``originY`` is the specimen's lower-left corner and ``width``/``height`` its
size, in PDF points from the page's lower-left corner; ``page`` counts from 1.

Test knobs: ``delay`` (seconds before each sign answers), ``fail_next`` (HTTP statuses the next sign calls
answer instead, e.g. ``[429, 503]``, with ``Retry-After: 1``), ``sign_calls``/``files_signed`` counters, the
``outbox`` of TOTP codes "e-mailed" to users, and ``users`` whose ``status`` a test may change.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import io
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signature_service.pki.bsrepki import P12_PASSWORD, SIGNERS, BsrePki
from signature_service.pki.loopback_http import serve, shut

STATUSES = ("ISSUE", "EXPIRED", "RENEW", "WAITING_FOR_VERIFICATION", "NEW", "NO_CERTIFICATE", "NOT_REGISTERED",
            "SUSPEND", "REVOKE")
# TEST ONLY users: NIK, e-mail and passphrase of the two signers of the SOP (the dev PKI's passphrases, so the
# demo types the same ones whichever backend signs).
DEFAULT_USERS = {
    "kabid": ("9171015203780001", "rahmi.suryantari@dpmk.test", "kabid-test-passphrase"),
    "kadis": ("9171011405690002", "yohanes.rumbiak@dpmk.test", "kadis-test-passphrase"),
}
TOTP_SECONDS = 300
KEEP_DOCUMENTS = 200  # signed files kept for their one download, oldest dropped first


@dataclass
class BsreUser:
    nik: str
    email: str
    passphrase: str = field(repr=False)
    key_label: str | None  # which TEST-ONLY BSrE certificate signs for this user
    status: str = "ISSUE"


@dataclass
class _Totp:
    code: str
    uses: int
    expires: float


class _Refused(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class LoopbackBsre:
    """The Esign Client Service for tests and the demo (werkzeug, threaded, 127.0.0.1 only)."""

    def __init__(self, pki: BsrePki, *, username: str, password: str) -> None:
        self.pki, self.username, self._password = pki, username, password
        self.users: dict[str, BsreUser] = {}
        for label, (nik, email, passphrase) in DEFAULT_USERS.items():
            self.users[nik] = BsreUser(nik, email, passphrase, label)
        self.delay = 0.0
        self.fail_next: list[int] = []
        self.sign_calls = 0
        self.files_signed = 0
        self.outbox: dict[str, list[str]] = {}  # e-mail -> TOTP codes sent, newest last
        self.url = ""
        self._totp: dict[str, _Totp] = {}
        self._documents: dict[str, bytes] = {}  # id_dokumen -> signed PDF, until downloaded once
        self._signers: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # -- life -------------------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackBsre:
        if host != "127.0.0.1":
            raise ValueError("the loopback BSrE listens on 127.0.0.1 only")
        self._server, self._thread, self.url = serve(self._app, host, port, name="loopback-bsre")
        return self

    def stop(self) -> None:
        shut(self._server)
        self._server = None

    def user(self, label: str) -> BsreUser:
        nik = DEFAULT_USERS[label][0]
        return self.users[nik]

    def add_user(self, nik: str, email: str, passphrase: str, *, key_label: str | None = "kabid",
                 status: str = "ISSUE") -> BsreUser:
        if status not in STATUSES:
            raise ValueError(f"unknown BSrE status {status}")
        self.users[nik] = user = BsreUser(nik, email, passphrase, key_label, status)
        return user

    # -- HTTP -------------------------------------------------------------------------------------------

    def _app(self, environ: dict, start_response: Any) -> Any:
        from werkzeug.wrappers import Request, Response

        req = Request(environ)
        req.max_content_length = 200 * 1024 * 1024
        try:
            self._authorize(req)
            status, body, headers = self._route(req)
        except _Refused as e:
            status, body = e.status, {"status_code": e.code, "error": e.message}
            headers = {"Retry-After": "1"} if e.status in (429, 503) else {}
        if isinstance(body, bytes):
            resp = Response(body, status=status, mimetype="application/pdf", headers=headers)
        else:
            resp = Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)
        return resp(environ, start_response)

    def _authorize(self, req: Any) -> None:
        auth = req.authorization
        ok = auth is not None and auth.type == "basic" and hmac.compare_digest(
            f"{auth.username}:{auth.password}".encode(), f"{self.username}:{self._password}".encode())
        if not ok:
            raise _Refused(401, 401, "Unauthorized")

    def _route(self, req: Any) -> tuple[int, Any, dict[str, str]]:
        path, method = req.path.rstrip("/"), req.method
        if method == "POST" and path == "/api/sign/pdf":
            return self._sign_v1(req)
        if method == "GET" and path.startswith("/api/sign/download/"):
            doc = self._documents.pop(path.rsplit("/", 1)[1], None)
            if doc is None:
                raise _Refused(404, 2071, "Dokumen tidak ditemukan atau sudah diunduh")
            return 200, doc, {}
        if method == "POST" and path == "/api/sign/verify":
            upload = req.files.get("signed_file")
            if upload is None:
                raise _Refused(400, 2041, "Parameter signed_file wajib diisi")
            return 200, self._verify_v1(upload.read(), upload.filename or "dokumen.pdf"), {}
        if method == "POST" and path.startswith("/api/v2/"):
            body = req.get_json(silent=True)
            if not isinstance(body, dict):
                raise _Refused(400, 2041, "Body harus JSON")
            if path == "/api/v2/sign/pdf":
                return self._sign_v2(body)
            if path == "/api/v2/sign/get/totp":
                return self._send_totp(body)
            if path == "/api/v2/user/check/status":
                return 200, self._status(body), {}
            if path == "/api/v2/verify/pdf":
                return 200, self._verify_v2(_b64(body.get("file"))), {}
        raise _Refused(404, 404, f"{method} {path} tidak dikenal")

    # -- the endpoints ----------------------------------------------------------------------------------

    def _status(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._find(body, must_exist=False)
        status = user.status if user else "NOT_REGISTERED"
        return {"status_code": 1111 if status == "ISSUE" else 2021, "status": status,
                "message": _STATUS_MESSAGES[status]}

    def _send_totp(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        user = self._find(body)
        count = body.get("data", 1)
        if not isinstance(count, int) or not 1 <= count <= 100:
            raise _Refused(400, 2041, "Parameter data harus angka 1-100")
        code = f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self._totp[user.nik] = _Totp(code, count, time.monotonic() + TOTP_SECONDS)
            self.outbox.setdefault(user.email, []).append(code)
        return 200, {"time": 0, "message": f"TOTP berhasil dikirim ke {user.email}", "result": True}, {}

    def _sign_v1(self, req: Any) -> tuple[int, Any, dict[str, str]]:
        form = req.form
        upload = req.files.get("file")
        if upload is None:
            raise _Refused(400, 2041, "Parameter file wajib diisi")
        user = self._before_signing({"nik": form.get("nik", "")}, form.get("passphrase"), None, files=1)
        props: dict[str, Any] = {"tampilan": form.get("tampilan", "invisible"), "reason": form.get("reason"),
                                 "location": form.get("location"), "tag_koordinat": form.get("tag_koordinat")}
        if props["tampilan"].lower() == "visible":
            image = str(form.get("image", "false")).lower() == "true"
            if image:
                picture = req.files.get("imageTTD")
                if picture is None:
                    raise _Refused(400, 2041, "Parameter imageTTD wajib diisi jika image=true")
                props["image"] = picture.read()
            else:
                props["linkQR"] = form.get("linkQR") or ""
            props.update(page=form.get("page") or form.get("halaman"), x=form.get("xAxis"), y=form.get("yAxis"),
                         width=form.get("width"), height=form.get("height"))
        signed = self._sign_file(user, upload.read(), props)
        doc_id = self._keep(signed)
        return 200, signed, {"id_dokumen": doc_id}

    def _sign_v2(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        files = body.get("file")
        props = body.get("signatureProperties")
        if not isinstance(files, list) or not files or not isinstance(props, list) or not props:
            raise _Refused(400, 2041, "Parameter file dan signatureProperties wajib diisi (array)")
        if len(props) not in (1, len(files)):
            raise _Refused(400, 2041, "signatureProperties harus satu atau sebanyak file")
        user = self._before_signing(body, body.get("passphrase"), body.get("totp") or body.get("otp"),
                                    files=len(files))
        started = time.monotonic()
        out, ids = [], []
        for i, encoded in enumerate(files):
            p = props[i if len(props) > 1 else 0]
            if not isinstance(p, dict):
                raise _Refused(400, 2041, "signatureProperties berisi objek")
            visible = str(p.get("tampilan", "INVISIBLE")).upper() == "VISIBLE"
            spec: dict[str, Any] = {"tampilan": "visible" if visible else "invisible", "reason": p.get("reason"),
                                    "location": p.get("location"), "tag_koordinat": p.get("tag_koordinat")}
            if visible:
                spec.update(image=_b64(p.get("imageBase64")) if p.get("imageBase64") else None, page=p.get("page"),
                            x=p.get("originX"), y=p.get("originY"), width=p.get("width"), height=p.get("height"))
            signed = self._sign_file(user, _b64(encoded), spec)
            ids.append(self._keep(signed))
            out.append(base64.b64encode(signed).decode())
        return 200, {"file": out, "time": round((time.monotonic() - started) * 1000)}, {"id_dokumen": ",".join(ids)}

    # -- the checks BSrE makes --------------------------------------------------------------------------

    def _before_signing(self, ident: dict[str, Any], passphrase: Any, totp: Any, *, files: int) -> BsreUser:
        with self._lock:
            self.sign_calls += 1
            failure = self.fail_next.pop(0) if self.fail_next else None
        if self.delay:
            time.sleep(self.delay)
        if failure is not None:
            raise _Refused(failure, failure, "Too Many Requests" if failure == 429 else "Service Unavailable")
        user = self._find(ident)
        if user.status != "ISSUE" or user.key_label is None:
            raise _Refused(400, 2021, f"Sertifikat pengguna tidak aktif ({user.status}): "
                                      f"{_STATUS_MESSAGES[user.status]}")
        if passphrase:
            if not hmac.compare_digest(str(passphrase).encode(), user.passphrase.encode()):
                raise _Refused(400, 2031, "Passphrase anda salah")
        elif totp:
            with self._lock:
                held = self._totp.get(user.nik)
                good = held is not None and held.expires > time.monotonic() and held.uses >= files and \
                    hmac.compare_digest(str(totp).encode(), held.code.encode())
                if good:
                    held.uses -= files
                    if held.uses <= 0:
                        del self._totp[user.nik]
            if not good:
                raise _Refused(400, 2031, "TOTP salah atau sudah tidak berlaku")
        else:
            raise _Refused(400, 2041, "Parameter passphrase atau totp wajib diisi")
        return user

    def _find(self, ident: dict[str, Any], *, must_exist: bool = True) -> BsreUser | None:
        nik, email = str(ident.get("nik") or ""), str(ident.get("email") or "")
        if not nik and not email:
            raise _Refused(400, 2041, "Parameter nik atau email wajib diisi")
        if nik and (len(nik) != 16 or not nik.isdigit()):
            raise _Refused(400, 2041, "NIK harus 16 digit")
        user = self.users.get(nik) if nik else next((u for u in self.users.values() if u.email == email), None)
        if user is None and must_exist:
            raise _Refused(400, 2011, "Pengguna tidak terdaftar")
        return user

    def _keep(self, signed: bytes) -> str:
        doc_id = uuid.uuid4().hex
        with self._lock:
            self._documents[doc_id] = signed
            while len(self._documents) > KEEP_DOCUMENTS:  # a long demo run must not grow without bound
                del self._documents[next(iter(self._documents))]
            self.files_signed += 1
        return doc_id

    # -- signing for real -------------------------------------------------------------------------------

    def _signer(self, label: str) -> Any:
        with self._lock:
            if label not in self._signers:
                from pyhanko.sign import signers

                if label not in SIGNERS:
                    raise _Refused(400, 2021, "Sertifikat pengguna tidak tersedia")
                self._signers[label] = signers.SimpleSigner.load_pkcs12(str(self.pki.p12(label)),
                                                                        passphrase=P12_PASSWORD)
            return self._signers[label]

    def _sign_file(self, user: BsreUser, pdf: bytes, props: dict[str, Any]) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign import fields, signers
        from pyhanko.sign.timestamps import HTTPTimeStamper

        if not pdf.startswith(b"%PDF-"):
            raise _Refused(400, 2041, "File harus PDF")
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        except (PdfError, ValueError, KeyError, TypeError):
            raise _Refused(400, 2041, "File PDF tidak dapat dibaca") from None
        name = f"sig_{time.time_ns() // 1_000_000}{secrets.randbelow(1000):03d}"
        spec, style, params = fields.SigFieldSpec(name), None, None
        if props["tampilan"] == "visible":
            page, box = self._placement(pdf, props)
            spec = fields.SigFieldSpec(name, on_page=page, box=box)
            style, params = _style(props)
        meta = signers.PdfSignatureMetadata(field_name=name, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES,
                                            reason=props.get("reason") or None, location=props.get("location") or None)
        out = io.BytesIO()
        try:
            signers.PdfSigner(meta, self._signer(user.key_label or ""), timestamper=HTTPTimeStamper(
                self.pki.tsa_url, timeout=10), stamp_style=style, new_field_spec=spec).sign_pdf(
                writer, appearance_text_params=params, output=out)
        except _Refused:
            raise
        except Exception as e:  # a PDF pyHanko cannot sign: BSrE answers a 400 too
            raise _Refused(400, 2041, f"Dokumen gagal ditandatangani: {type(e).__name__}") from None
        return out.getvalue()

    def _placement(self, pdf: bytes, props: dict[str, Any]) -> tuple[int, tuple[int, int, int, int]]:
        width, height = _number(props.get("width"), "width"), _number(props.get("height"), "height")
        if props.get("tag_koordinat"):
            from signature_service.adapters.anchors import find_anchor

            found = find_anchor(pdf, str(props["tag_koordinat"]), width=width, height=height)
            if found is None:
                raise _Refused(400, 2051, "Tag koordinat tidak ditemukan di dokumen")
            x1, y1, x2, y2 = found.box
            return found.page, (round(x1), round(y1), round(x2), round(y2))
        page = int(_number(props.get("page"), "page"))
        x, y = _number(props.get("x"), "xAxis"), _number(props.get("y"), "yAxis")
        if page < 1:
            raise _Refused(400, 2041, "Parameter page dimulai dari 1")
        return page - 1, (round(x), round(y), round(x + width), round(y + height))

    # -- verification (the JSON shapes of the guide, from pyHanko's validation) --------------------------

    def _validate(self, pdf: bytes) -> list[dict[str, Any]]:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        from signature_service.adapters.pades import load_certs

        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            embedded = [e for e in reader.embedded_signatures if e.sig_object_type == "/Sig"]
        except Exception:
            raise _Refused(400, 2041, "File PDF tidak dapat dibaca") from None
        out = []
        for emb in embedded:
            vc = ValidationContext(trust_roots=load_certs([self.pki.root_cert_pem]), allow_fetching=True)
            status = validate_pdf_signature(emb, vc)
            out.append({"field": emb.field_name, "status": status, "cert": emb.signer_cert,
                        "reason": emb.sig_object.get("/Reason"), "location": emb.sig_object.get("/Location")})
        return out

    def _verify_v1(self, pdf: bytes, name: str) -> dict[str, Any]:
        checked = self._validate(pdf)
        details = []
        for c in checked:
            st, cert = c["status"], c["cert"]
            ts = st.timestamp_validity
            details.append({
                "info_tsa": {"name": ts.signing_cert.subject.human_friendly if ts else None,
                             "tsa_cert_validity": None},
                "signature_field": c["field"],
                "info_signer": {"issuer_dn": cert.issuer.human_friendly,
                                "signer_name": cert.subject.native.get("common_name"),
                                "signer_cert_validity": f"{cert.not_valid_before} to {cert.not_valid_after}",
                                "signer_dn": cert.subject.human_friendly, "cert_user_certified": bool(st.trusted)},
                "signature_document": {"signed_using_tsa": ts is not None, "reason": c["reason"],
                                       "document_integrity": bool(st.intact), "signature_value": None,
                                       "signed_in": str(st.signer_reported_dt), "location": c["location"],
                                       "hash_value": None}})
        ok = bool(checked) and all(c["status"].bottom_line for c in checked)
        return {"nama_dokumen": name, "jumlah_signature": len(checked), "notes": "TEST ONLY loopback BSrE",
                "details": details, "summary": "VALID" if ok else ("NO_SIGNATURE" if not checked else "INVALID")}

    def _verify_v2(self, pdf: bytes) -> dict[str, Any]:
        checked = self._validate(pdf)
        infos = []
        for c in checked:
            st, cert = c["status"], c["cert"]
            ts = st.timestamp_validity
            infos.append({"id": f"S-{cert.sha256.hex().upper()[:40]}", "signatureFormat": "PAdES-BASELINE-T"
                          if ts else "PAdES-BASELINE-B", "signerName": cert.subject.native.get("common_name"),
                          "signatureDate": str(st.signer_reported_dt), "fieldName": c["field"],
                          "reason": c["reason"], "location": c["location"], "certLevelCode": 0,
                          "timestampInfomation": {"signerName": ts.signing_cert.subject.human_friendly,
                                                  "timestampDate": str(ts.timestamp)} if ts else None,
                          "integrityValid": bool(st.intact), "certificateTrusted": bool(st.trusted),
                          "lastSignature": c is checked[-1]})
        if not checked:
            conclusion, text = "NO_SIGNATURE", "Dokumen tidak memiliki tandatangan elektronik"
        elif all(c["status"].bottom_line for c in checked):
            conclusion, text = "VALID", "Tanda tangan elektronik valid"
        else:
            conclusion, text = "INVALID", "Tanda tangan elektronik tidak valid"
        return {"conclusion": conclusion, "description": text, "signatureInformations": infos,
                "signatureCount": len(checked)}


_STATUS_MESSAGES = {
    "ISSUE": "Pengguna memiliki Sertifikat Elektronik aktif dan bisa melakukan tanda tangan elektronik",
    "EXPIRED": "Masa berlaku Sertifikat Elektronik pengguna telah berakhir",
    "RENEW": "Sertifikat Elektronik milik pengguna sedang dalam proses pembaruan",
    "WAITING_FOR_VERIFICATION": "Sertifikat Elektronik milik pengguna sedang dalam verifikasi",
    "NEW": "Pengguna memiliki Sertifikat Elektronik namun belum melakukan aktivasi",
    "NO_CERTIFICATE": "Pengguna sudah terdaftar namun belum memiliki Sertifikat Elektronik",
    "NOT_REGISTERED": "Pengguna belum terdaftar dan belum memiliki Sertifikat Elektronik",
    "SUSPEND": "Pengguna terdaftar namun dalam kondisi suspend",
    "REVOKE": "Sertifikat Elektronik milik pengguna sudah dicabut",
}


def _style(props: dict[str, Any]) -> tuple[Any, dict[str, str] | None]:
    """The specimen: the office's picture (image=true / imageBase64) or BSrE's QR code of linkQR."""
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import QRStampStyle, StaticStampStyle

    if props.get("image"):
        from PIL import Image
        from pyhanko.pdf_utils.images import PdfImage

        try:
            picture = Image.open(io.BytesIO(props["image"]))
            picture.load()
        except Exception:
            raise _Refused(400, 2041, "imageTTD harus gambar JPG atau PNG") from None
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                          y_align=layout.AxisAlignment.ALIGN_MID,
                                          inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT)
        return StaticStampStyle(background=PdfImage(picture), background_opacity=1.0, border_width=0,
                                background_layout=rule), None
    return QRStampStyle(stamp_text="Ditandatangani secara elektronik\n%(signer)s", border_width=0), {
        "url": props.get("linkQR") or "https://tte.kominfo.go.id/verifyPDF"}


def _number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _Refused(400, 2041, f"Parameter {name} wajib diisi dengan angka") from None
    if not 0 <= number <= 14400:
        raise _Refused(400, 2041, f"Parameter {name} di luar halaman")
    return number


def _b64(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value or ""), validate=True)
    except (binascii.Error, ValueError):
        raise _Refused(400, 2041, "File harus base64") from None


def dev_signers_file(directory: Path, *, totp: tuple[str, ...] = ()) -> tuple[Path, dict[str, str]]:
    """A TEST-ONLY ``NASKAH_SIGNERS_FILE`` whose Kabid and Kadis sign through BSrE (by NIK; the labels in
    ``totp`` with a TOTP instead of a passphrase), and the signers' API tokens, kept beside it."""
    from signature_service.pki.accounts import DEV_IDENTITIES
    from signature_service.service_layer.accounts import token_hash

    directory.mkdir(parents=True, exist_ok=True)
    tokens_file = directory / "signer-tokens.json"
    tokens = json.loads(tokens_file.read_text()) if tokens_file.exists() else {}
    signers = []
    for label, (nik, _email, _passphrase) in DEFAULT_USERS.items():
        tokens.setdefault(label, secrets.token_urlsafe(32))
        role, jabatan, nama, pangkat = DEV_IDENTITIES[label]
        key: dict[str, Any] = {"type": "bsre", "nik": nik}
        if label in totp:
            key["credential"] = "totp"
        nip = {"kabid": "197803122005022001", "kadis": "196905141994031005"}[label]
        signers.append({"id": label, "role": role, "jabatan": jabatan, "nama": nama, "pangkat": pangkat,
                        "nip": nip, "token_sha256": token_hash(tokens[label]), "key": key})
    tokens_file.write_text(json.dumps(tokens, indent=2))
    tokens_file.chmod(0o600)
    path = directory / "signers.json"
    path.write_text(json.dumps({"signers": signers}, indent=2, ensure_ascii=False))
    return path, tokens
