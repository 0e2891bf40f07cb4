"""Issue 11's Kasubid: a draft the Kabid sent back shows in the drafter's inbox with the Kabid's note, its
page is read-only for the Kasubid (the revision goes through the drafting system), and it leaves the inbox
once revised. Fed with sk-service's events as the inbox consumer receives them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from naskah_shared.messages import Envelope
from signature_service.consumers import on_sk_event
from tests.pages.conftest import PASSWORD, csrf_of, logged_in

NOTE = "Tambahkan <b>Permendagri</b> 1/2023 pada Mengingat"


def _event(type_: str, sk_id: str, at: datetime, **payload) -> Envelope:
    return Envelope(type=type_, producer="sk-service", occurred_at=at,
                    payload={"sk_id": sk_id, "revision": 1, "title": "SK Tim Pendataan Kampung", **payload})


def test_a_sent_back_draft_waits_in_the_kasubids_inbox_with_the_note(stack, people):
    _, sig = stack
    container = sig.extensions["naskah"]
    kasubid = container.people.add(username="kasubid", password=PASSWORD, role="kasubid", nama="Yohanes Wally")
    sk_id, t0 = str(uuid.uuid4()), datetime.now(UTC) - timedelta(minutes=10)
    on_sk_event(container.inbox, _event("sk.drafted", sk_id, t0, status="draft", awaiting=None,
                                        drafter="kasubid"))
    on_sk_event(container.inbox, _event("sk.submitted", sk_id, t0 + timedelta(minutes=1), status="draft",
                                        awaiting="kabid", by="kasubid"))
    on_sk_event(container.inbox, _event(
        "sk.reviewed", sk_id, t0 + timedelta(minutes=2), role="kabid", decision="reject", note=NOTE,
        reviewer="kabid", reviewer_id=people["kabid"].id, reviewer_nama="Rahmi Suryantari", status="submitted",
        status_after="rejected_by_kabid", awaiting=None))

    drafter = logged_in(sig, kasubid)
    page = drafter.get("/inbox").text
    assert "Draf dikembalikan untuk direvisi" in page and f"/review/{sk_id}" in page
    assert "Tambahkan &lt;b&gt;Permendagri&lt;/b&gt; 1/2023" in page and "<b>Permendagri" not in page
    assert "Rahmi Suryantari" in page
    view = drafter.get(f"/review/{sk_id}")
    assert view.status_code == 200 and "Dikembalikan kepada Anda untuk direvisi" in view.text
    assert 'name="decision"' not in view.text  # read-only: no review form for the drafter
    token = csrf_of(drafter.get("/inbox").text)
    assert drafter.post(f"/review/{sk_id}", data={"decision": "approve", "note": "", "csrf_token": token}) \
        .status_code == 403  # a review is the Kabid's and the Kadis's
    assert f"/review/{sk_id}" not in logged_in(sig, people["kabid"]).get("/inbox").text  # not the Kabid's step
    assert "Draf dikembalikan" not in logged_in(sig, people["kabid"]).get("/inbox").text  # the Kasubid's only

    on_sk_event(container.inbox, _event("sk.revised", sk_id, t0 + timedelta(minutes=5), status="draft",
                                        awaiting=None, revision=2, by="kasubid"))
    assert f"/review/{sk_id}" not in drafter.get("/inbox").text
    assert drafter.get(f"/review/{sk_id}").status_code == 403  # not waiting for anyone's step now
