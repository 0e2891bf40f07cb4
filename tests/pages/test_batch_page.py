"""The Kadis's batch page (SOP step 8's letters): signing and refusing a batch from the page hand the batch use
cases their commands, as the API does."""

from __future__ import annotations

from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.flow import wait_for
from tests.pages.conftest import csrf_of, logged_in
from tests.signature.seed import container, seed_batch


def _submit(client, batch_id: str, **form: str):
    token = csrf_of(client.get(f"/sign/batch/{batch_id}").text)
    return client.post(f"/sign/batch/{batch_id}", data={"csrf_token": token, **form})


def test_the_kadis_signs_a_batch_from_its_page(stack, people):
    _, sig = stack
    batch_id = seed_batch(sig, 2)
    kadis = logged_in(sig, people["kadis"])
    r = _submit(kadis, batch_id, action="sign", passphrase=SIGNER_PASSPHRASES["kadis"])
    assert r.status_code == 303 and "selesai=batch" in r.headers["Location"]
    batches = container(sig).batches
    wait_for(lambda: batches.progress(batch_id)["signed"] == 2)
    assert batches.progress(batch_id)["state"] == "done"


def test_the_kadis_refuses_a_batch_from_its_page(stack, people):
    _, sig = stack
    batch_id = seed_batch(sig, 2)
    kadis = logged_in(sig, people["kadis"])
    assert _submit(kadis, batch_id, action="reject", note="").status_code == 422
    r = _submit(kadis, batch_id, action="reject", note="Nomor surat belum benar.")
    assert r.status_code == 303 and "selesai=batch_rejected" in r.headers["Location"]
    assert container(sig).batches.progress(batch_id)["rejected"] == 2
