"""/api/verify over HTTP on the real stack (PostgreSQL, S3): the answer's new shape beside the old fields,
passwords, the ETSI XML report, the rate limit, the OpenAPI, no 5xx for any corpus file, and the
verification of archived versions computed once."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET

import pytest

from naskah_shared.storage.ports import Buckets
from naskah_shared.web.ratelimit import RateLimiter
from signature_service.adapters.verification import VerificationLimits
from signature_service.adapters.verification_cache import SqlVerificationCache
from signature_service.app import create_app as signature_app
from signature_service.service_layer.verification import VerificationService
from tests.conftest import keyed
from tests.signature.conftest import two_seconds
from tests.verify_corpus.make_corpus import USER_PASSWORD

OLD_FIELDS = {"field", "signer_name", "signer_nip", "signer_subject", "signing_time", "timestamp_time", "intact",
              "valid", "trusted", "revoked", "level", "covers_whole_document", "modification_level",
              "modifications", "reasons", "ok"}
NEW_FIELDS = {"kind", "indication", "sub_indication", "detail", "changes"}


@pytest.fixture
def app(real_stack, dev_pki, animator):
    app = keyed(signature_app(real_stack(allow_test_pki=True, pki_dir=str(dev_pki.directory),
                                         pki_url=dev_pki.base_url, verify_rate_burst=1000,
                                         # verdicts, not the clock (the machine is shared); the 2 s test
                                         # below puts the production budget back
                                         verify_budget_seconds=30), migrate=True))
    app.extensions["naskah"].runtime.start()
    yield app
    app.extensions["naskah"].close()


def post(client, data: bytes, *, password: str | None = None, query: str = "", headers: dict | None = None):
    form = {"file": (io.BytesIO(data), "upload.pdf")}
    if password is not None:
        form["password"] = password
    return client.post(f"/api/verify{query}", data=form, headers=headers or {})


def test_answer_keeps_old_fields_and_adds_etsi_ones(app, verify_corpus):
    c = app.test_client()
    body = post(c, verify_corpus["naskah_b_lt"].read_bytes()).json
    assert body["all_ok"] is True and body["indication"] == "TOTAL_PASSED" and body["complete"] is True
    assert body["conclusion_id"].startswith("Semua tanda tangan sah") and body["timestamps"] == []
    for sig in body["signatures"]:
        assert set(sig) >= OLD_FIELDS | NEW_FIELDS, set(sig)
        assert (sig["kind"], sig["indication"], sig["sub_indication"], sig["ok"]) == \
            ("signature", "TOTAL_PASSED", None, True)
    kabid = body["signatures"][0]
    assert {"code": "signature_added", "description": "another signature added",
            "description_id": "tanda tangan lain ditambahkan", "allowed": True} in kabid["changes"]

    shadow = post(c, verify_corpus["shadow_swap_page"].read_bytes()).json
    (sig,) = shadow["signatures"]
    assert (shadow["indication"], sig["indication"], sig["sub_indication"]) == \
        ("INDETERMINATE", "INDETERMINATE", "SIG_CONSTRAINTS_FAILURE")
    assert "halaman 1 diganti dengan halaman lain" in [m["description_id"] for m in sig["changes"]]

    lta = post(c, verify_corpus["naskah_b_lta"].read_bytes()).json
    assert [t["kind"] for t in lta["timestamps"]] == ["document_timestamp"]
    assert lta["timestamps"][0]["indication"] == "TOTAL_PASSED" and lta["signatures"][0]["level"] == "B-LTA"


def test_passwords(app, verify_corpus):
    c = app.test_client()
    data = verify_corpus["encrypted_user_password"].read_bytes()
    needed = post(c, data)
    assert needed.status_code == 422 and needed.json["error"]["code"] == "password_required"
    assert "password" in needed.json["error"]["message"]
    wrong = post(c, data, password="salah")
    assert wrong.status_code == 422 and wrong.json["error"]["code"] == "wrong_password"
    opened = post(c, data, password=USER_PASSWORD)
    assert opened.status_code == 200 and opened.json["encrypted"] is True
    assert opened.json["indication"] == "TOTAL_PASSED"
    permissions_only = post(c, verify_corpus["encrypted_empty_user_password"].read_bytes()).json
    assert permissions_only["encrypted"] is True and permissions_only["indication"] == "TOTAL_PASSED"


def test_etsi_xml_report(app, verify_corpus):
    c = app.test_client()
    data = verify_corpus["byte_flipped"].read_bytes()
    for response in (post(c, data, query="?format=etsi"), post(c, data, headers={"Accept": "application/xml"})):
        assert response.status_code == 200 and response.mimetype == "application/xml"
        root = ET.fromstring(response.data)
        assert root.tag == "{http://uri.etsi.org/19102/v1.2.1#}ValidationReport"
        text = response.data.decode()
        assert text.count("urn:etsi:019102:mainindication:total-failed") == 2
        assert "urn:etsi:019102:subindication:HASH_FAILURE" in text
    assert post(c, data, query="?format=yaml").status_code == 422
    assert post(c, data, headers={"Accept": "application/json"}).mimetype == "application/json"


def test_every_corpus_file_answers_without_5xx_within_two_seconds(app, verify_corpus, service_heap):
    verifier = app.extensions["naskah"].signing.verifier
    verifier.limits = VerificationLimits()  # NASKAH_VERIFY_* defaults
    assert verifier.pool.ready(60)  # as a service's are by its first request
    c = app.test_client()
    for name, path in verify_corpus.items():
        started = time.monotonic()
        response = post(c, path.read_bytes())
        assert time.monotonic() - started < two_seconds(), name
        assert response.status_code in (200, 422), (name, response.status_code, response.data[:300])
        if response.status_code == 422:
            assert set(response.json["error"]) >= {"code", "message", "details"}, name
    assert post(c, b"not a pdf at all").json["error"]["code"] == "invalid_pdf"


def test_rate_limited_per_client_with_retry_after(app, verify_corpus):
    app.extensions["naskah"].verify_limiter = RateLimiter(per_minute=2, burst=2)
    c = app.test_client()
    data = verify_corpus["pyhanko_api"].read_bytes()
    assert [post(c, data).status_code for _ in range(2)] == [200, 200]
    refused = post(c, data)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert refused.json["error"]["details"]["retry_after"] == int(refused.headers["Retry-After"])
    other = c.post("/api/verify", data={"file": (io.BytesIO(data), "x.pdf")}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200  # another client has its own bucket


def test_openapi_documents_the_new_fields(app):
    spec = app.test_client().get("/openapi.json").json
    schemas = spec["components"]["schemas"]
    report = next(s for n, s in schemas.items() if n.startswith("SignatureReport"))["properties"]
    assert {"indication", "sub_indication", "changes", "kind", "detail"} <= set(report)
    assert "HASH_FAILURE" in report["sub_indication"]["enum"]
    verification = next(s for n, s in schemas.items() if n.startswith("Verification"))["properties"]
    assert {"timestamps", "indication", "conclusion", "conclusion_id", "notes", "complete"} <= set(verification)
    op = spec["paths"]["/api/verify"]["post"]
    assert {"429", "422"} <= set(op["responses"])
    assert "application/xml" in op["responses"]["200"]["content"]
    assert op["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].endswith("/VerifyUpload")
    assert set(schemas["VerifyUpload"]["properties"]) == {"file", "password"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Verification")


def test_archived_version_verified_once_and_kept(app, verify_corpus):
    container = app.extensions["naskah"]
    store, engine = container.runtime.store, container.runtime.engine
    obj = store.put(Buckets.SIGNED, "sk/verify-cache-test.pdf", verify_corpus["naskah_b_lt"].read_bytes(),
                    content_type="application/pdf")

    calls = []

    class Counting:
        def __init__(self, inner):
            self.inner = inner

        def verify_document(self, data, *, password=None):
            calls.append(len(data))
            return self.inner.verify_document(data, password=password)

    service = VerificationService(verifier=Counting(container.signing.verifier), store=store,
                                  cache=SqlVerificationCache(engine),
                                  signed_document=lambda doc: obj.ref() if doc == "sk-1" else None)
    first = service.archived("sk-1")
    second = service.archived("sk-1")
    assert calls == [obj.size] and first == second and first.indication.value == "TOTAL_PASSED"
    assert service.archived("unknown") is None
    # another process (a fresh service on the same database) reads the kept report too
    again = VerificationService(verifier=Counting(container.signing.verifier), store=store,
                                cache=SqlVerificationCache(engine), signed_document=lambda doc: obj.ref())
    assert again.archived("sk-1") == first and calls == [obj.size]
    assert container.verification is not None  # wired for the public page
