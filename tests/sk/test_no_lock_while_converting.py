"""Revise and review convert with no lock held (issue 15): a conversion may take up to the converter's 60 s
timeout, and the SK's row (or the nomor counter) held that long stalled every other writer of it. The commit
checks the SK's version instead; a change meanwhile (or a nomor taken meanwhile) starts the use case again.
On the real PostgreSQL and LibreOffice; the conversions are real, held at a gate so the test can look."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from sk_service.app import create_app
from tests.conftest import keyed
from tests.data import sk_payload

BY = {"reviewer": "Kabid/Kadis via tests"}


class GatedConverter:
    """The service's own converter, each conversion waiting at a gate first (counted as it arrives)."""

    def __init__(self, real: Any) -> None:
        self.real, self.gate, self.arrived = real, threading.Event(), threading.Semaphore(0)

    def to_pdf(self, docx: bytes, **kwargs: Any) -> bytes:
        self.arrived.release()
        assert self.gate.wait(60), "the test never opened the gate"
        return self.real.to_pdf(docx, **kwargs)


@pytest.fixture
def sk(real_stack):
    app = keyed(create_app(real_stack(converters=2), migrate=True))
    container = app.extensions["naskah"]
    container.runtime.start()
    yield app
    container.close()


def _with_kadis(c) -> str:
    r = c.post("/api/sk", json=sk_payload(members=3))
    assert r.status_code == 201, r.json
    sk_id = r.json["id"]
    assert c.post(f"/api/sk/{sk_id}/submit", json={}).status_code == 200
    r = c.post(f"/api/sk/{sk_id}/reviews", json={"role": "kabid", "decision": "approve", "note": "", **BY})
    assert r.status_code == 200 and r.json["status"] == "with_kadis", r.json
    return sk_id


def _gate(container) -> GatedConverter:
    gated = GatedConverter(container.documents.converter)
    container.documents.converter = gated
    return gated


def _in_thread(fn, *args) -> tuple[threading.Thread, list]:
    out: list = []
    th = threading.Thread(target=lambda: out.append(fn(*args)))
    th.start()
    return th, out


def test_the_kadis_approval_holds_no_lock_while_its_pdf_converts(sk):
    c = sk.test_client()
    container = sk.extensions["naskah"]
    sk_id = _with_kadis(c)
    gated = _gate(container)
    approve = {"role": "kadis", "decision": "approve", "note": "", **BY}
    th, out = _in_thread(lambda: sk.test_client().post(f"/api/sk/{sk_id}/reviews", json=approve))
    assert gated.arrived.acquire(timeout=60)  # converting now
    with container.runtime.engine.connect() as conn:  # would raise "could not obtain lock" under a row lock
        conn.execute(text("SET lock_timeout = '200ms'"))
        assert conn.execute(text("SELECT id FROM sk WHERE id = :id FOR UPDATE NOWAIT"), {"id": sk_id}).scalar()
        conn.execute(text("SELECT * FROM nomor_register FOR UPDATE NOWAIT")).all()
        conn.rollback()
    gated.gate.set()
    th.join(120)
    assert out and out[0].status_code == 200 and out[0].json["status"] == "signing", out and out[0].json
    assert out[0].json["nomor"]


def test_two_approvals_converting_at_once_take_consecutive_numbers(sk):
    """Both render with the number they peeked (the same one); the second to commit finds it taken and
    renders again with the next: numbers stay gapless and each PDF carries its own."""
    c = sk.test_client()
    container = sk.extensions["naskah"]
    ids = [_with_kadis(c), _with_kadis(c)]
    gated = _gate(container)
    approve = {"role": "kadis", "decision": "approve", "note": "", **BY}
    runs = [_in_thread(lambda i=i: sk.test_client().post(f"/api/sk/{i}/reviews", json=approve)) for i in ids]
    for _ in ids:
        assert gated.arrived.acquire(timeout=60)  # both converting, each with the number it peeked
    gated.gate.set()
    for th, _ in runs:
        th.join(180)
    answers = [out[0] for _, out in runs]
    assert all(a.status_code == 200 for a in answers), [a.json for a in answers]
    with container.uow() as uow:
        rows = uow.sks.nomor_assignments(container.office.code, int(sk_payload()["tahun"]))
    assert sorted(r["seq"] for r in rows) == [1, 2] and {r["sk_id"] for r in rows} == set(ids)
    assert {a.json["nomor"] for a in answers} == {r["nomor"] for r in rows}
    for a in answers:  # the final PDF of each names its own nomor, not the one it peeked first
        pdf = c.get(f"/api/sk/{a.json['id']}/latest.pdf")
        words = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True,
                                        check=True).stdout.decode().split())
        assert a.json["nomor"] in words


def test_two_revisions_at_once_both_land_one_after_the_other(sk):
    c = sk.test_client()
    container = sk.extensions["naskah"]
    r = c.post("/api/sk", json=sk_payload(members=3))
    sk_id = r.json["id"]
    gated = _gate(container)
    bodies = [sk_payload(members=3, kegiatan=f"Kegiatan revisi {n}") for n in (1, 2)]
    runs = [_in_thread(lambda b=b: sk.test_client().put(f"/api/sk/{sk_id}", json=b)) for b in bodies]
    for _ in bodies:
        assert gated.arrived.acquire(timeout=60)
    gated.gate.set()
    for th, _ in runs:
        th.join(180)
    assert [out[0].status_code for _, out in runs] == [200, 200], [out[0].json for _, out in runs]
    final = c.get(f"/api/sk/{sk_id}").json
    assert final["revision"] == 3  # one on top of the other, neither lost
    assert [v["revision"] for v in c.get(f"/api/sk/{sk_id}/versions").json] == [1, 2, 3]


class RacedConverter:
    """The service's own converter; before each conversion another taker takes the next nomor (as a Surat
    Edaran request of another lane does), unless the approval itself holds the counter."""

    def __init__(self, real: Any, container: Any) -> None:
        self.real, self.container, self.taken = real, container, 0
        self.where = {"office": container.office.code, "year": int(sk_payload()["tahun"])}

    def to_pdf(self, docx: bytes, **kwargs: Any) -> bytes:
        with self.container.runtime.engine.connect() as conn:
            try:
                conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                conn.execute(text("INSERT INTO nomor_register (office, year, last_seq) VALUES (:office, :year, 0) "
                                  "ON CONFLICT DO NOTHING"), self.where)
                seq = conn.execute(text("SELECT last_seq FROM nomor_register WHERE office = :office AND "
                                        "year = :year FOR UPDATE NOWAIT"), self.where).scalar_one() + 1
            except OperationalError:  # held by the approval converting under it: nothing can take it now
                conn.rollback()
            else:
                conn.execute(text("UPDATE nomor_register SET last_seq = :seq WHERE office = :office AND "
                                  "year = :year"), {**self.where, "seq": seq})
                conn.execute(text("INSERT INTO nomor_assignments (office, year, seq, nomor, assigned_at) "
                                  "VALUES (:office, :year, :seq, :nomor, now())"),
                             {**self.where, "seq": seq, "nomor": f"taken-{seq}"})
                conn.commit()
                self.taken += 1
        return self.real.to_pdf(docx, **kwargs)


def test_an_approval_whose_number_is_taken_at_every_try_still_lands(sk):
    """Each optimistic try renders with a number another taker takes meanwhile; the last try takes the
    number first and holds the counter through its conversion, so the Kadis gets 200, not a 409."""
    c = sk.test_client()
    container = sk.extensions["naskah"]
    sk_id = _with_kadis(c)
    raced = RacedConverter(container.documents.converter, container)
    container.documents.converter = raced
    r = c.post(f"/api/sk/{sk_id}/reviews", json={"role": "kadis", "decision": "approve", "note": "", **BY})
    assert r.status_code == 200 and r.json["status"] == "signing", r.json
    assert raced.taken == 2  # the two optimistic tries lost their number; the last one could not
    with container.uow() as uow:
        rows = uow.sks.nomor_assignments(container.office.code, int(sk_payload()["tahun"]))
    assert [r["seq"] for r in rows] == [1, 2, 3] and rows[2]["sk_id"] == sk_id
    assert r.json["nomor"] == rows[2]["nomor"]
