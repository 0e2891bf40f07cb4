"""What every service answers the same way: health, readiness with reasons, JSON errors, request ids, OpenAPI."""

from __future__ import annotations

import pytest

from naskah_shared.web.auth import key_hash
from report_service.app import create_app as report_app
from signature_service.app import create_app as signature_app
from sk_service.app import create_app as sk_app
from tests.conftest import TEST_API_KEY, TEST_SECRET


@pytest.fixture(params=["sk", "signature", "report"])
def app(request, tmp_path):
    factory = {"sk": sk_app, "signature": signature_app, "report": report_app}[request.param]
    extra = {"allow_test_pki": True, "pki_dir": str(tmp_path / "pki")} if request.param == "signature" else {}
    app = factory({"database_url": f"sqlite:///{tmp_path}/db.sqlite", "bus_url": "amqp://guest:guest@127.0.0.1:1/",
                   "store_url": "s3://127.0.0.1:1", "s3_access_key": "k", "s3_secret_key": "s",
                   "secret_key": TEST_SECRET, "api_keys": f"tests:{key_hash(TEST_API_KEY)}", "log_level": "ERROR",
                   **extra}, migrate=True)
    yield app
    app.extensions["naskah"].close()


def test_ready_says_which_dependency_is_down(app):
    c = app.test_client()
    assert c.get("/healthz").json == {"status": "ok"}
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json["error"]["code"] == "not_ready"
    assert set(r.json["error"]["details"]) == {"bus", "store"}, "the database is up"
    assert "BusUnavailable" in r.json["error"]["details"]["bus"]
    assert "StoreUnavailable" in r.json["error"]["details"]["store"]


def test_sk_service_is_not_ready_without_a_converter(tmp_path):
    app = sk_app({"database_url": f"sqlite:///{tmp_path}/db.sqlite", "store_url": f"file://{tmp_path}/store",
                  "log_level": "ERROR"}, migrate=True)
    c = app.test_client()
    assert c.get("/readyz").status_code == 200
    app.extensions["naskah"].converter.close()
    r = c.get("/readyz")
    assert r.status_code == 503 and set(r.json["error"]["details"]) == {"converter"}
    assert "ConverterUnavailable" in r.json["error"]["details"]["converter"]
    app.extensions["naskah"].close()


def test_the_api_needs_a_key_and_health_does_not(app):
    c = app.test_client()
    api_paths = sorted(r.rule for r in app.url_map.iter_rules()
                       if r.rule.startswith("/api/") and "GET" in r.methods and "<" not in r.rule)
    assert api_paths
    for path in api_paths:  # signature requests also let a signer in with a bearer token: not here
        for headers in ({}, {"X-API-Key": "wrong"}):
            r = c.get(path, headers=headers)
            assert r.status_code == 401 and r.json["error"]["code"] == "unauthenticated", path
        assert c.get(path, headers={"X-API-Key": TEST_API_KEY}).status_code not in (401, 403), path
    assert c.get("/healthz").status_code == 200 and c.get("/openapi.json").status_code == 200


def test_errors_are_json_with_the_request_id(app):
    c = app.test_client()
    r = c.get("/api/does-not-exist", headers={"X-Request-ID": "req-42", "X-API-Key": TEST_API_KEY})
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert r.headers["X-Request-ID"] == "req-42"
    r = c.delete("/openapi.json")
    assert r.status_code == 405 and r.is_json
    spec = c.get("/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["paths"]


def test_a_store_that_is_down_is_a_503_not_a_500(tmp_path):
    app = signature_app({"database_url": f"sqlite:///{tmp_path}/db.sqlite", "store_url": "s3://127.0.0.1:1",
                         "s3_access_key": "k", "s3_secret_key": "s", "pki_dir": str(tmp_path / "pki"),
                         "log_level": "ERROR"}, migrate=True)
    try:
        r = app.test_client().get("/api/archive")
        assert r.status_code == 503 and r.json["error"]["code"] == "store_unavailable"
    finally:
        app.extensions["naskah"].close()


def test_an_unexpected_error_is_a_json_500_without_a_trace(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    r = app.test_client().get("/boom")
    assert r.status_code == 500 and r.json["error"]["code"] == "internal_error"
    assert "secret internals" not in r.text and "Traceback" not in r.text
