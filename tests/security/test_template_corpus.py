"""Issue 13 #6, #8, #10, #11: the template-upload fuzz corpus over HTTP, on the real stack.

Every case of make_template_corpus.py is uploaded to sk-service and answers what the case expects;
an accepted one is then used to draft an SK. Also: built-in names cannot be replaced, absurd names
are a 422, and a runaway template does not hold up a good draft.
"""

from __future__ import annotations

import io
import threading
import time

import pytest

from tests.data import sk_payload
from tests.security.make_template_corpus import cases

INJECTED = "</w:t></w:r><w:r><w:t>INJECTED"


def _upload(c, name: str, data: bytes):
    return c.put(f"/api/templates/{name}", data={"file": (io.BytesIO(data), f"{name}.docx")},
                 content_type="multipart/form-data")


@pytest.fixture
def sk(services):
    return services["sk"]


def test_every_corpus_case_gets_its_answer(sk, docx_text) -> None:
    c = sk.test_client()
    wrong = []
    for i, case in enumerate(cases()):
        name = f"corpus-{i}"
        r = _upload(c, name, case.data)
        got = (r.status_code, r.json["error"]["code"] if r.status_code >= 400 else None)
        if got != (case.status, case.code):
            wrong.append((case.name, "upload", got))
            continue
        if case.draft_status is None:
            continue
        started = time.monotonic()
        d = c.post("/api/sk", json=sk_payload(members=2, template=name, kegiatan=f"Pendataan {INJECTED}"))
        took = time.monotonic() - started
        got = (d.status_code, d.json["error"]["code"] if d.status_code >= 400 else None)
        if got != (case.draft_status, case.draft_code) or (d.status_code == 422 and took > 5):
            wrong.append((case.name, "draft", got, round(took, 2)))
        elif case.name == "autoescape-off":  # the user's markup printed as text, never as XML
            docx = c.get(f"/api/sk/{d.json['id']}/versions/1.docx").data
            if INJECTED not in docx_text(docx):
                wrong.append((case.name, "markup injected", docx_text(docx)[:300]))
    assert not wrong


def test_a_builtin_name_cannot_be_replaced_and_absurd_names_are_refused(sk) -> None:
    c = sk.test_client()
    good = cases()[-1].data  # accepted under any other name
    for name in ("sk_tim", "surat_edaran"):
        r = _upload(c, name, good)
        assert r.status_code == 409 and r.json["error"]["code"] == "builtin_template"
    for name in ("x" * 5000, "A" * 101, "..%2f..%2fetc", "sk tim"):
        r = _upload(c, name, good)
        assert r.status_code in (404, 422), (name[:20], r.status_code)
        assert r.json["error"]["code"] in ("invalid_input", "not_found")
    r = c.post("/api/sk", json=sk_payload(members=2, template="x" * 5000))
    assert r.status_code == 422


def test_a_runaway_template_does_not_hold_up_a_good_draft(sk) -> None:
    c = sk.test_client()
    runaway = next(x for x in cases() if x.name == "recursive-macro")
    assert _upload(c, "runaway", runaway.data).status_code == 201
    answers: list[int] = []
    bad = threading.Thread(target=lambda: answers.append(
        sk.test_client().post("/api/sk", json=sk_payload(members=2, template="runaway")).status_code))
    bad.start()
    started = time.monotonic()
    good = c.post("/api/sk", json=sk_payload(members=2))
    took = time.monotonic() - started
    bad.join(30)
    assert good.status_code == 201 and answers == [422]
    assert took < 10, f"a good draft took {took:.1f} s beside a runaway template"
