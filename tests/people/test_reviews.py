"""Reviews bound to persons: sk-service accepts a review only from a signed person assertion whose role
matches the step, or from an API key granted the review scope; the review page in signature-service, the
inbox's read model fed by sk-service's events."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from itsdangerous import URLSafeTimedSerializer

from naskah_shared.messages import Envelope
from naskah_shared.web.person import HEADER, SALT, PersonAssertion, issue
from sk_service.app import create_app as sk_app
from tests.conftest import PLAIN_API_KEY, TEST_SECRET
from tests.data import sk_payload
from tests.flow import as_person, requests_of, wait_for
from tests.people.conftest import add_people, csrf_of, log_in


def _submitted(sk) -> str:
    c = sk.test_client()
    sk_id = c.post("/api/sk", json=sk_payload(members=3)).json["id"]
    assert c.post(f"/api/sk/{sk_id}/submit").status_code == 200
    return sk_id


def _review(sk, sk_id: str, role: str, headers: dict | None = None, **body):
    return sk.test_client().post(f"/api/sk/{sk_id}/reviews", json={"role": role, "decision": "approve", **body},
                                 headers=headers or {})


class _Past(URLSafeTimedSerializer):
    """Makes assertions stamped two minutes ago (older than the 60 s they live)."""

    def make_signer(self, salt=None):
        signer = super().make_signer(salt)
        signer.get_timestamp = lambda: int(time.time()) - 120
        return signer


def test_sk_service_trusts_only_a_valid_assertion_of_the_right_role(pair):
    sk, _, _ = pair
    sk_id = _submitted(sk)
    good = {"id": "p-kabid", "role": "kabid", "nama": "Kabid Uji", "nip": ""}
    other_secret = issue("another-secret-0123456789abcdef", PersonAssertion(**good))
    _, stamp, signature = issue(TEST_SECRET, PersonAssertion(**good)).rsplit(".", 2)
    kadis_payload = URLSafeTimedSerializer("x").dumps(dict(good, role="kadis")).rsplit(".", 2)[0]
    forged = f"{kadis_payload}.{stamp}.{signature}"  # another payload under a genuine signature
    expired = _Past(TEST_SECRET, salt=SALT).dumps(good)
    wrong_salt = URLSafeTimedSerializer(TEST_SECRET, salt="naskah.download").dumps(good)
    for token in (other_secret, forged, expired, wrong_salt, "garbage"):
        r = _review(sk, sk_id, "kabid", {HEADER: token})
        assert r.status_code == 403 and r.json["error"]["code"] == "invalid_person", token

    r = _review(sk, sk_id, "kadis", as_person(sk, "kabid"))  # a Kabid claiming the Kadis's role
    assert r.status_code == 403 and r.json["error"]["code"] == "wrong_reviewer"
    r = _review(sk, sk_id, "kadis", as_person(sk, "kadis"))  # the Kadis, at the Kabid's step
    assert r.status_code == 403 and r.json["error"]["code"] == "wrong_reviewer"

    r = _review(sk, sk_id, "kabid", {"X-API-Key": PLAIN_API_KEY})  # a system without the review scope
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = _review(sk, sk_id, "kabid")  # the tests' key has the scope but must name the reviewer
    assert r.status_code == 422 and "reviewer" in r.json["error"]["details"]["fields"]
    assert sk.test_client().get(f"/api/sk/{sk_id}").json["status"] == "submitted", "nothing was recorded"

    r = _review(sk, sk_id, "kabid", as_person(sk, "kabid", person_id="p-kabid"))
    assert r.status_code == 200 and r.json["status"] == "with_kadis"
    mine = r.json["reviews"][-1]
    assert mine["reviewer"] == "p-kabid" and mine["reviewer_nama"] == "Kabid (test)" and mine["vouched_by"] is None
    r = _review(sk, sk_id, "kadis", reviewer="Drs. Kadis (e-office)")
    assert r.status_code == 200 and r.json["reviews"][-1]["vouched_by"] == "tests"
    r = _review(sk, sk_id, "kadis", as_person(sk, "kadis"))
    assert r.status_code == 409, "an SK in signing awaits no review"


def test_anonymous_callers_cannot_review_in_the_open_embedded_run(tmp_path, uno_pool):
    from naskah_shared.bus.inprocess import InProcessBus

    bus = InProcessBus()
    sk = sk_app({"database_url": f"sqlite:///{tmp_path / 'sk.db'}", "store_url": f"file://{tmp_path / 'store'}",
                 "secret_key": TEST_SECRET, "log_level": "WARNING"}, bus=bus, converter=uno_pool, migrate=True)
    sk.extensions["naskah"].runtime.start()
    try:
        sk_id = _submitted(sk)  # no API keys: the API is open, as in `naskah run`
        for body in ({}, {"reviewer": "siapa saja"}):
            r = _review(sk, sk_id, "kabid", **body)
            assert r.status_code == 401 and r.json["error"]["code"] == "unauthenticated"
        assert _review(sk, sk_id, "kabid", {HEADER: issue("not-the-secret-0123456789", PersonAssertion(
            id="x", role="kabid", nama="x"))}).status_code == 403
        assert _review(sk, sk_id, "kabid", as_person(sk, "kabid")).status_code == 200
    finally:
        sk.extensions["naskah"].close()


def _event(type_: str, sk_id: str, at: datetime, **payload) -> Envelope:
    return Envelope(type=type_, producer="sk-service", occurred_at=at,
                    payload={"sk_id": sk_id, "revision": 1, "title": "SK Tim Uji", **payload})


def test_the_inbox_read_model_follows_events_once_and_in_order(sig):
    people = add_people(sig)
    inbox = sig.extensions["naskah"].inbox
    sk_id, now = str(uuid.uuid4()), datetime.now(UTC)
    submitted = _event("sk.submitted", sk_id, now - timedelta(minutes=5), status="submitted", awaiting="kabid",
                       by="Kasubid Uji")
    reviewed = _event("sk.reviewed", sk_id, now - timedelta(minutes=1), status="submitted", status_after="with_kadis",
                      awaiting="kadis", role="kabid", decision="approve", note="", reviewer=people["kabid"].id,
                      reviewer_id=people["kabid"].id, reviewer_nama=people["kabid"].nama)
    bus = sig.extensions["naskah"].runtime.bus
    bus.publish(submitted)
    wait_for(lambda: (inbox.awaiting_review(sk_id) or {}).get("awaiting") == "kabid")
    kabid = inbox.for_person(people["kabid"])
    assert [(i.id, i.before_by) for i in kabid.reviews] == [(sk_id, "Kasubid Uji")]
    assert inbox.for_person(people["kadis"]).reviews == []

    for _ in range(2):  # redelivered: one activity row, one state
        bus.publish(reviewed)
    wait_for(lambda: inbox.awaiting_review(sk_id)["awaiting"] == "kadis")
    bus.publish(submitted)  # a copy of the older event arriving late changes nothing (its id is claimed)
    late = _event("sk.submitted", sk_id, now - timedelta(minutes=3), status="submitted", awaiting="kabid",
                  by="Kasubid Uji")
    bus.publish(late)  # an older event with a new id: older than the row, ignored
    probe = _event("sk.drafted", str(uuid.uuid4()), now, status="draft", drafter="Kasubid Uji")
    bus.publish(probe)  # published after them on the same queue: once it is seen, the others were handled
    wait_for(lambda: inbox.awaiting_review(probe.payload["sk_id"]) is not None)
    assert inbox.awaiting_review(sk_id)["awaiting"] == "kadis"
    recent = inbox.for_person(people["kabid"]).recent
    assert [(r["decision"], r["sk_id"]) for r in recent] == [("approve", sk_id)]
    assert [i.id for i in inbox.for_person(people["kadis"]).reviews] == [sk_id]


def test_the_kabid_reviews_from_the_inbox_and_sk_service_records_the_person(pair):
    sk, sig, served = pair
    people = add_people(sig)
    sk_id = _submitted(sk)
    kabid, r = log_in(sig, "kabid")
    assert r.status_code == 302
    wait_for(lambda: f"/review/{sk_id}" in kabid.get("/inbox").text)
    kadis, _ = log_in(sig, "kadis")
    assert f"/review/{sk_id}" not in kadis.get("/inbox").text
    r = kadis.get(f"/review/{sk_id}")
    assert r.status_code == 403 and "menunggu telaah Kepala Bidang" in r.text

    page = kabid.get(f"/review/{sk_id}")
    assert page.status_code == 200 and "SK Tim" in page.text
    images = [u for u in page.text.split('"') if "/halaman/" in u]
    assert images, "the draft is shown as page images"
    image = kabid.get(images[0].replace("&amp;", "&"))
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    token = csrf_of(page.text)
    r = kabid.post(f"/review/{sk_id}", data={"decision": "reject", "note": "", "csrf_token": token})
    assert r.status_code == 422 and "Penolakan perlu catatan" in r.text
    assert kabid.post(f"/review/{sk_id}", data={"decision": "reject", "note": "x"}).status_code == 403, "no CSRF"
    note = 'Tambahkan dasar hukum. <script>alert("x")</script>'
    r = kabid.post(f"/review/{sk_id}", data={"decision": "reject", "note": note, "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("/inbox?selesai=ditolak")
    sk_view = sk.test_client().get(f"/api/sk/{sk_id}").json
    assert sk_view["status"] == "rejected_by_kabid"
    review = sk_view["reviews"][-1]
    assert review["reviewer"] == people["kabid"].id and review["vouched_by"] is None
    assert review["reviewer_nama"] == people["kabid"].nama and review["note"] == note
    done = kabid.get("/inbox?selesai=ditolak").text
    assert f"/review/{sk_id}" not in done and "dikembalikan" in done
    wait_for(lambda: "Ditolak" in (t := kabid.get("/inbox").text) and "&lt;script&gt;" in t)
    assert "<script>alert" not in kabid.get("/inbox").text

    # sk-service down: the decision is not lost silently, the page says to try again (not a 500)
    c = sk.test_client()
    body = sk.test_client().get(f"/api/sk/{sk_id}").json["content"]
    assert c.put(f"/api/sk/{sk_id}", json=body).status_code == 200
    assert c.post(f"/api/sk/{sk_id}/submit").status_code == 200
    wait_for(lambda: f"/review/{sk_id}" in kabid.get("/inbox").text)
    served.stop()
    assert f"/review/{sk_id}" in kabid.get("/inbox").text, "the inbox reads its own model: up while sk-service is down"
    page = kabid.get(f"/review/{sk_id}")
    assert page.status_code == 200
    r = kabid.post(f"/review/{sk_id}", data={"decision": "approve", "note": "", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 503 and "coba lagi" in r.text


def test_a_signer_sees_only_their_own_documents_in_the_inbox(pair):
    sk, sig, _ = pair
    people = add_people(sig)
    from tests.flow import approved_sk

    sk_id = approved_sk(sk)
    reqs = wait_for(lambda: len(r := requests_of(sig, sk_id)) == 2 and r)
    inbox = sig.extensions["naskah"].inbox
    assert [i.id for i in inbox.for_person(people["kabid"]).signatures] == [reqs["kabid"]["id"]]
    kadis_box = inbox.for_person(people["kadis"])
    assert reqs["kabid"]["id"] not in [i.id for i in kadis_box.signatures] and kadis_box.signatures == []
    assert inbox.for_person(people["arsip"]).signatures == []
    kadis, _ = log_in(sig, "kadis")
    page = kadis.get("/inbox").text
    assert reqs["kabid"]["id"] not in page
    assert kadis.get(f"/sign/{reqs['kabid']['id']}").status_code == 404
