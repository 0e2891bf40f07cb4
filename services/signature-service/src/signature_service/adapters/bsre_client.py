"""HTTP client of BSrE's Esign Client Service (the national CA's signing gateway on the office's network).

Contract: BSrE's *Petunjuk Teknis Penggunaan API Esign Client Service* v2.0 (January 2024). HTTP Basic with
naskah's API credential (§5.1, §6.1); v1 ``POST /api/sign/pdf`` multipart answering the signed PDF with an
``id_dokumen`` header (§5.2); v2 ``POST /api/v2/sign/pdf`` JSON with base64 files and one
``signatureProperties`` entry per file (§6.2); ``POST /api/v2/sign/get/totp`` (§6.3);
``POST /api/v2/user/check/status`` (§6.7: only ``ISSUE`` may sign).

Failures are mapped once, here: ``2031`` (wrong passphrase or TOTP) is ``bad_passphrase`` and is never
retried (it counts toward naskah's lockout); ``2011`` (not registered) and a certificate that is not active
are ``signer_not_eligible``; 429, 502-504, a timeout or a refused connection are retried with a doubling
delay and then ``bsre_unavailable`` (HTTP 503 with Retry-After); anything else BSrE answers is
``bsre_bad_answer`` (HTTP 502) naming BSrE, its HTTP status and its code. The Basic credential and the
passphrase never appear in an error message or a log line.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from signature_service.service_layer.ports import SigningError, SigningErrorCode

log = logging.getLogger(__name__)

ELIGIBLE = "ISSUE"
RETRYABLE_HTTP = (429, 502, 503, 504)
MAX_ANSWER_BYTES = 64 * 1024 * 1024  # per file signed in the call
MAX_RETRY_AFTER = 30.0  # what we accept from BSrE's Retry-After before giving up on this call
# Indonesian reasons for the signing page and the API error, by BSrE status (§6.7)
STATUS_MESSAGES = {
    "ISSUE": "Sertifikat elektronik aktif; siap menandatangani.",
    "EXPIRED": "Masa berlaku sertifikat elektronik Anda di BSrE telah berakhir. Ajukan pembaruan ke BSrE.",
    "RENEW": "Sertifikat elektronik Anda sedang diperbarui oleh BSrE; tanda tangan belum dapat dilakukan.",
    "WAITING_FOR_VERIFICATION": "Sertifikat elektronik Anda masih diverifikasi oleh BSrE.",
    "NEW": "Sertifikat elektronik Anda belum diaktivasi. Aktivasi melalui e-mail dari BSrE terlebih dahulu.",
    "NO_CERTIFICATE": "Akun BSrE Anda belum memiliki sertifikat elektronik.",
    "NOT_REGISTERED": "NIK/e-mail Anda belum terdaftar di BSrE.",
    "SUSPEND": "Akun BSrE Anda sedang ditangguhkan (suspend). Hubungi BSrE.",
    "REVOKE": "Sertifikat elektronik Anda telah dicabut oleh BSrE.",
}


@dataclass(frozen=True)
class BsreConfig:
    url: str
    user: str
    password: str = field(repr=False)
    api: str = "v2"  # v1 | v2
    timeout: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    chunk: int = 10


@dataclass(frozen=True)
class BsreStatus:
    status: str
    message: str  # Indonesian

    @property
    def can_sign(self) -> bool:
        return self.status == ELIGIBLE


@dataclass(frozen=True)
class Specimen:
    """Where and how BSrE draws one signature (``signatureProperties`` / the v1 form fields)."""

    visible: bool
    page: int = 1  # 1-based, as BSrE counts
    x: float = 0.0  # lower-left corner, PDF points from the page's lower-left corner
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    image_png: bytes | None = field(default=None, repr=False)  # the office's stamp (imageTTD / imageBase64)
    tag: str | None = None  # tag_koordinat instead of page/x/y
    reason: str | None = None
    location: str | None = None


def ident(key: dict[str, Any]) -> dict[str, str]:
    """The signer's identity at BSrE from an account's key reference: NIK, else e-mail."""
    if key.get("nik"):
        return {"nik": str(key["nik"])}
    if key.get("email"):
        return {"email": str(key["email"])}
    raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "a BSrE key needs the signer's nik or email")


class BsreClient:
    def __init__(self, config: BsreConfig, *, session: requests.Session | None = None) -> None:
        if not config.url:
            raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "NASKAH_BSRE_URL is not set")
        self.config = config
        self.base = config.url.rstrip("/")
        self.http = session or requests.Session()
        self.http.auth = (config.user, config.password)
        self.http.trust_env = False  # the Esign Client is on the office's network: no proxy from the environment

    # -- endpoints ------------------------------------------------------------------------------------

    def status(self, who: dict[str, str], *, patient: bool = True) -> BsreStatus:
        """``patient=False`` (a page being drawn): one attempt within 5 s, no retries."""
        body = self._json(self._call("POST", "/api/v2/user/check/status", json=who, what="status check",
                                     patient=patient))
        status = body.get("status")
        if not isinstance(status, str) or status not in STATUS_MESSAGES:
            raise _bad_answer(f"a status check answered an unknown status {str(status)[:40]!r}")
        return BsreStatus(status, STATUS_MESSAGES[status])

    def request_totp(self, who: dict[str, str], count: int) -> None:
        """Ask BSrE to e-mail the signer a TOTP good for ``count`` files (§6.3)."""
        self._call("POST", "/api/v2/sign/get/totp", json={**who, "data": count}, what="TOTP request")

    def sign_v1(self, who: dict[str, str], passphrase: str, pdf: bytes, spec: Specimen) -> tuple[bytes, str]:
        if "nik" not in who:
            raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "BSrE's v1 API signs by NIK only; set nik")
        form: dict[str, str] = {"nik": who["nik"], "passphrase": passphrase,
                                "tampilan": "visible" if spec.visible else "invisible"}
        files: dict[str, Any] = {"file": ("dokumen.pdf", pdf, "application/pdf")}
        if spec.visible:
            form.update(image="true", width=_num(spec.width), height=_num(spec.height))
            if spec.tag:
                form["tag_koordinat"] = spec.tag
            else:
                form.update(page=str(spec.page), xAxis=_num(spec.x), yAxis=_num(spec.y))
            if spec.image_png:
                files["imageTTD"] = ("spesimen.png", spec.image_png, "image/png")
        for name, value in (("reason", spec.reason), ("location", spec.location)):
            if value:
                form[name] = value
        resp = self._call("POST", "/api/sign/pdf", data=form, files=files, what="signature")
        if not resp.content.startswith(b"%PDF-"):
            raise _bad_answer("a signature answer that is not a PDF")
        return resp.content, resp.headers.get("id_dokumen", "")

    def sign_v2(self, who: dict[str, str], secret: str, credential: str, pdfs: list[bytes],
                specs: list[Specimen]) -> tuple[list[bytes], list[str]]:
        """Several files in one call (§6.2): one ``signatureProperties`` entry per file, in order."""
        body: dict[str, Any] = {**who, credential: secret,
                                "signatureProperties": [_properties(s) for s in specs],
                                "file": [base64.b64encode(p).decode() for p in pdfs]}
        resp = self._call("POST", "/api/v2/sign/pdf", json=body, what="signature", file_count=len(pdfs))
        files = self._json(resp).get("file")
        if not isinstance(files, list) or len(files) != len(pdfs):
            raise _bad_answer(f"{len(files) if isinstance(files, list) else 'no'} file(s) back for {len(pdfs)} sent")
        try:
            signed = [base64.b64decode(f, validate=True) for f in files]
        except (binascii.Error, ValueError, TypeError):
            raise _bad_answer("a signed file that is not base64") from None
        if not all(s.startswith(b"%PDF-") for s in signed):
            raise _bad_answer("a signed file that is not a PDF")
        ids = [i for i in resp.headers.get("id_dokumen", "").split(",") if i]
        return signed, ids if len(ids) == len(signed) else [""] * len(signed)

    # -- one call, retried when BSrE is busy --------------------------------------------------------------

    def _call(self, method: str, path: str, *, what: str, file_count: int = 1, patient: bool = True,
              **kw: Any) -> requests.Response:
        """One call, retried when BSrE is busy; the answer may take ``timeout`` per file signed."""
        cfg = self.config
        wait_for = cfg.timeout * max(1, file_count) if patient else min(5.0, cfg.timeout)
        retries = cfg.retries if patient else 0
        delay, last = cfg.backoff, "no answer"
        for attempt in range(retries + 1):
            wait = delay
            try:
                resp = self.http.request(method, self.base + path, timeout=(min(5.0, cfg.timeout), wait_for),
                                         allow_redirects=False, stream=True, **kw)
                _read_bounded(resp, MAX_ANSWER_BYTES * max(1, file_count))
            except requests.Timeout:
                last = f"no answer within {wait_for:g} s"
            except requests.RequestException:  # refused, reset, cut mid-answer
                last = "the connection was refused or cut"
            else:
                if resp.status_code == 200:
                    return resp
                if resp.status_code not in RETRYABLE_HTTP:
                    raise _refusal(resp, what)
                last = f"HTTP {resp.status_code}"
                wait = max(delay, _retry_after(resp))
            if attempt < retries:
                if wait > MAX_RETRY_AFTER:
                    break
                log.warning("BSrE busy, retrying", extra={"bsre_call": what, "attempt": attempt + 1, "why": last,
                                                          "wait_s": round(wait, 2)})
                time.sleep(wait)
                delay *= 2
        raise SigningError(SigningErrorCode.BSRE_UNAVAILABLE,
                           f"BSrE's Esign Client Service is unavailable for the {what} ({last}, "
                           f"{retries + 1} attempt(s)); try again shortly",
                           details={"backend": "bsre", "retry_after": max(5, round(cfg.backoff * 2 ** cfg.retries))})

    @staticmethod
    def _json(resp: requests.Response) -> dict[str, Any]:
        try:
            body = resp.json()
        except ValueError:
            raise _bad_answer("an answer that is not JSON") from None
        if not isinstance(body, dict):
            raise _bad_answer("a JSON answer that is not an object")
        return body


def _read_bounded(resp: requests.Response, limit: int) -> None:
    """Read the body, refusing more than ``limit`` bytes (a signed PDF is the input plus a few hundred KiB)."""
    body = bytearray()
    for chunk in resp.iter_content(64 * 1024):
        body += chunk
        if len(body) > limit:
            resp.close()
            raise _bad_answer(f"more than {limit // (1024 * 1024)} MiB")
    resp._content = bytes(body)  # what .content, .json() read from now on


def _properties(s: Specimen) -> dict[str, Any]:
    p: dict[str, Any] = {"tampilan": "VISIBLE" if s.visible else "INVISIBLE"}
    if s.visible:
        p.update(width=s.width, height=s.height)
        if s.tag:
            p["tag_koordinat"] = s.tag
        else:
            p.update(page=s.page, originX=s.x, originY=s.y)
        if s.image_png:
            p["imageBase64"] = base64.b64encode(s.image_png).decode()
    if s.reason:
        p["reason"] = s.reason
    if s.location:
        p["location"] = s.location
    return p


def _refusal(resp: requests.Response, what: str) -> SigningError:
    """BSrE said no: which no (its ``status_code``), in naskah's terms."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    code = body.get("status_code") if isinstance(body, dict) else None
    text = str((body.get("error") or body.get("message") or "") if isinstance(body, dict) else "")[:200]
    if resp.status_code == 401:
        return _bad_answer("it refused naskah's API credential (check NASKAH_BSRE_USER and NASKAH_BSRE_PASSWORD)",
                           status=401)
    if code == 2031:
        return SigningError(SigningErrorCode.BAD_PASSPHRASE, "BSrE refused the passphrase (or TOTP)",
                            details={"backend": "bsre", "bsre_code": code})
    if code == 2011:
        return SigningError(SigningErrorCode.SIGNER_NOT_ELIGIBLE, STATUS_MESSAGES["NOT_REGISTERED"],
                            details={"backend": "bsre", "bsre_code": code, "status": "NOT_REGISTERED"})
    if code == 2021:
        return SigningError(SigningErrorCode.SIGNER_NOT_ELIGIBLE,
                            f"BSrE: sertifikat elektronik tidak aktif ({text})",
                            details={"backend": "bsre", "bsre_code": code})
    return _bad_answer(f"HTTP {resp.status_code}, code {code!r} to the {what}: {text!r}", status=resp.status_code,
                       code=code)


def _bad_answer(what: str, *, status: int | None = None, code: Any = None) -> SigningError:
    details: dict[str, Any] = {"backend": "bsre"}
    if status is not None:
        details["bsre_http_status"] = status
    if code is not None:
        details["bsre_code"] = code
    return SigningError(SigningErrorCode.BSRE_BAD_ANSWER, f"BSrE's Esign Client Service answered {what}",
                        details=details)


def _retry_after(resp: requests.Response) -> float:
    try:
        return max(0.0, float(resp.headers.get("Retry-After", "0")))
    except ValueError:
        return 0.0


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
