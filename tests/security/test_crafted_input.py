"""Issue 13 #11: crafted input is a clear 4xx, never a 500 (PostgreSQL, every service).

100 000-deep JSON (Python's parser would recurse past its limit), integers past 2^63-1 in query
parameters, a NUL character (PostgreSQL refuses it in text), absurd names.
"""

from __future__ import annotations

import pytest

from naskah_shared.web.guards import MAX_JSON_DEPTH, json_depth
from tests.data import sk_payload

DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE = str(2**63 + 1)


def test_json_depth_is_counted_without_parsing() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[[[ in a string ]]"}]}') == 3
    assert json_depth(b'"\\"[[[["') == 0 and json_depth(b"[]") == 1
    assert json_depth(DEEP) == 100_000


@pytest.mark.parametrize("service,path", [
    ("sk", "/api/sk"), ("report", "/api/activities"),
    ("signature", "/api/signature-requests/any/sign"), ("signature", "/api/signature-batches/any/sign"),
])
def test_deep_json_is_a_400_before_parsing(services, service, path) -> None:
    r = services[service].test_client().post(path, data=DEEP, content_type="application/json")
    assert r.status_code == 400 and r.json["error"]["code"] == "too_deep"
    assert r.json["error"]["details"]["max_depth"] == MAX_JSON_DEPTH


@pytest.mark.parametrize("service,path,params", [
    ("sk", "/api/sk", {"limit": HUGE}), ("sk", "/api/sk", {"offset": HUGE}),
    ("sk", "/api/sk/x/diff", {"from": HUGE, "to": "1"}), ("sk", "/api/sk/x/diff", {"from": "1", "to": HUGE}),
    ("report", "/api/activities", {"offset": HUGE}), ("signature", "/api/signature-requests", {"offset": HUGE}),
    ("signature", "/api/signature-requests", {"limit": "-" + HUGE}),
])
def test_integers_past_a_sql_bigint_are_a_422(services, service, path, params) -> None:
    r = services[service].test_client().get(path, query_string=params)
    assert r.status_code == 422, r.get_data(as_text=True)[:300]


def test_a_nul_character_anywhere_is_a_422(services) -> None:
    sk = services["sk"].test_client()
    r = sk.post("/api/sk", json=sk_payload(members=2, kegiatan="Pendataan\x00Kampung"))
    assert r.status_code == 422 and r.json["error"]["details"] == {"where": "json"}
    r = sk.post("/api/sk", json={**sk_payload(members=2), "ke\x00y": 1})
    assert r.status_code == 422
    assert sk.get("/api/sk", query_string={"status": "draft\x00"}).status_code == 422
    report = services["report"].test_client()
    activity = report.post("/api/activities", json={"kegiatan": "Pendataan", "tahun": 2026}).json["id"]
    r = report.post(f"/api/activities/{activity}/steps", json={"step": 1, "actor": "Kadis", "outcome": "ok\x00",
                                                               "started_at": "2026-01-05T08:00:00+09:00",
                                                               "ended_at": "2026-01-05T08:10:00+09:00"})
    assert r.status_code == 422
    sig = services["signature"].test_client()
    r = sig.post("/api/signature-requests/any/reject", json={"note": "Perbaiki\x00"})
    assert r.status_code == 422


def test_absurd_names_and_ids_are_4xx(services) -> None:
    sk = services["sk"].test_client()
    for path in ("/api/sk/" + "x" * 5000, "/api/surat-edaran/" + "x" * 5000, "/api/templates/" + "x" * 5000 + ".docx"):
        assert sk.get(path).status_code in (404, 422), path
    assert services["report"].test_client().get("/api/activities/" + "x" * 5000).status_code in (404, 422)
    assert services["signature"].test_client().get("/api/signature-requests/" + "x" * 5000).status_code in (404, 422)
