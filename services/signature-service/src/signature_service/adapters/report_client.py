"""report-service's "disposition done" endpoint over HTTP, with the service's API key and the person's assertion."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import requests

from naskah_shared.web import person as assertion
from signature_service.service_layer.people import Person
from signature_service.service_layer.reviews import ReviewRefused, ReviewUnavailable

log = logging.getLogger(__name__)


class HttpReportDisposisi:
    def __init__(self, base_url: str, *, secret: str, api_key: str = "", timeout: float = 15.0) -> None:
        self.base_url, self.secret, self.api_key, self.timeout = base_url.rstrip("/"), secret, api_key, timeout
        self._http = requests.Session()

    def done(self, disposisi_id: str, person: Person, note: str, *, request_id: str = "") -> dict[str, Any]:
        try:
            token = assertion.issue(self.secret, assertion.PersonAssertion(id=person.id, role=person.role,
                                                                           nama=person.nama, nip=person.nip))
        except assertion.InvalidAssertion:
            log.error("no secret key to sign a person assertion with")
            raise ReviewUnavailable("this service has no NASKAH_SECRET_KEY") from None
        headers = {assertion.HEADER: token, "X-Actor": person.nama[:200],
                   # a retry of the same act gets the first answer; another note is another request
                   "Idempotency-Key": f"disposisi-done-{disposisi_id}-{person.id}-"
                                      f"{hashlib.sha256(note.encode()).hexdigest()[:16]}"[:200]}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        if request_id:
            headers["X-Request-ID"] = request_id
        url = f"{self.base_url}/api/disposisi/{requests.utils.quote(disposisi_id, safe='')}/done"
        try:
            r = self._http.post(url, json={"note": note}, headers=headers, timeout=(3.0, self.timeout))
        except requests.RequestException as exc:
            log.warning("report-service unreachable for a disposition", extra={"error_type": type(exc).__name__})
            raise ReviewUnavailable("report-service cannot be reached") from None
        if r.status_code >= 500 or r.status_code in (401, 429):
            log.warning("report-service refused a disposition", extra={"status": r.status_code})
            raise ReviewUnavailable(f"report-service answered {r.status_code}")
        try:
            body = r.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if r.status_code >= 400:
            error = body.get("error") or {}
            raise ReviewRefused(r.status_code, str(error.get("code") or "refused"), str(error.get("message") or ""))
        return body
