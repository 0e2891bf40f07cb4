"""The SK Tim aggregate's state machine (SOP steps 2-5 and signing), on the domain alone: no server, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sk_service.domain.sk import (
    Decision,
    Role,
    Sk,
    Status,
    TransitionNotAllowed,
    WrongReviewer,
    changed_fields,
)

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CONTENT = {"kegiatan": "Pendataan Profil Kampung", "tahun": 2026, "mengingat": ["UU 6/2014"]}
DOCUMENT = {"bucket": "naskah-drafts", "key": "sk/sk-1/sk.pdf", "version_id": "v1", "sha256": "ab" * 32}
SIGNED = {**DOCUMENT, "bucket": "naskah-signed", "version_id": "v9"}
REVISED = {**DOCUMENT, "version_id": "v2"}
NOMOR = "800/001/DPMK/2026"


def drafted() -> Sk:
    return Sk.draft("sk-1", dict(CONTENT), "kasubid-1", AT, document=DOCUMENT)


def review(sk: Sk, role: Role, decision: Decision, note: str = "") -> None:
    sk.review(role, decision, note or ("Perbaiki." if decision is Decision.REJECT else ""), f"{role.value}-1", AT,
              document=DOCUMENT)


def in_state(status: Status) -> Sk:
    """An SK brought to `status` by the commands a user would give."""
    sk = drafted()
    steps = {
        Status.DRAFT: [],
        Status.SUBMITTED: ["submit"],
        Status.REJECTED_BY_KABID: ["submit", "kabid_reject"],
        Status.WITH_KADIS: ["submit", "kabid_approve"],
        Status.REJECTED_BY_KADIS: ["submit", "kabid_approve", "kadis_reject"],
        Status.SIGNING: ["submit", "kabid_approve", "kadis_approve"],
        Status.SIGNED: ["submit", "kabid_approve", "kadis_approve", "approve", "signed"],
        Status.ARCHIVED: ["submit", "kabid_approve", "kadis_approve", "approve", "signed", "archive"],
    }[status]
    for step in steps:
        {"submit": lambda: sk.submit("kasubid-1", document=DOCUMENT),
         "kabid_approve": lambda: review(sk, Role.KABID, Decision.APPROVE),
         "kabid_reject": lambda: review(sk, Role.KABID, Decision.REJECT),
         "kadis_approve": lambda: review(sk, Role.KADIS, Decision.APPROVE),
         "kadis_reject": lambda: review(sk, Role.KADIS, Decision.REJECT),
         "approve": lambda: sk.approve_for_signing(NOMOR, DOCUMENT),
         "signed": lambda: sk.mark_signed(SIGNED),
         "archive": sk.archive}[step]()
    assert sk.status is status
    sk.events.clear()
    return sk


# -- the whole way, and the events it records ---------------------------------------------------------------
def test_draft_to_archive_records_each_step() -> None:
    sk = drafted()
    assert (sk.status, sk.revision, sk.nomor) == (Status.DRAFT, 1, None)
    sk.submit("kasubid-1", document=DOCUMENT)
    assert sk.awaiting_reviewer() is Role.KABID
    review(sk, Role.KABID, Decision.APPROVE)
    assert sk.status is Status.WITH_KADIS and sk.awaiting_reviewer() is Role.KADIS
    review(sk, Role.KADIS, Decision.APPROVE)
    assert sk.status is Status.SIGNING and sk.awaiting_reviewer() is None
    sk.approve_for_signing(NOMOR, DOCUMENT)
    sk.mark_signed(SIGNED)
    assert sk.status is Status.SIGNED and sk.signed_document == SIGNED
    sk.archive()
    assert sk.status is Status.ARCHIVED and sk.nomor == NOMOR

    assert [e.type for e in sk.events] == ["sk.drafted", "sk.submitted", "sk.reviewed", "sk.reviewed", "sk.approved",
                                           "signature.requested", "sk.archived"]
    assert all(e.data["sk_id"] == "sk-1" and e.data["title"] == "SK Tim Pendataan Profil Kampung" for e in sk.events)
    drafted_event, kabid, kadis = sk.events[0], sk.events[2], sk.events[3]
    assert drafted_event.data["drafter"] == "kasubid-1" and drafted_event.data["tahun"] == 2026
    assert (kabid.data["status"], kabid.data["status_after"], kabid.data["awaiting"]) == \
        ("submitted", "with_kadis", "kadis")
    assert (kadis.data["status"], kadis.data["status_after"], kadis.data["awaiting"]) == ("with_kadis", "signing", None)
    requested = sk.events[5].data
    assert requested["signers"] == ["kabid", "kadis"] and requested["kind"] == "sk"
    assert requested["nomor"] == NOMOR and [d["document"] for d in requested["documents"]] == [DOCUMENT]
    assert sk.events[6].data["document"] == SIGNED and sk.events[6].data["nomor"] == NOMOR
    assert [(r.role, r.decision) for r in sk.reviews] == [(Role.KABID, Decision.APPROVE),
                                                          (Role.KADIS, Decision.APPROVE)]


def test_kabid_rejection_revision_and_resubmission() -> None:
    sk = in_state(Status.SUBMITTED)
    review(sk, Role.KABID, Decision.REJECT, "Tambahkan dasar hukum.")
    assert sk.status is Status.REJECTED_BY_KABID and sk.awaiting_reviewer() is None
    changed = sk.revise({**CONTENT, "mengingat": ["UU 6/2014", "Permendagri 1/2023"]}, "kasubid-1",
                        document=REVISED)
    assert changed == ["mengingat[1]"]
    assert (sk.status, sk.revision) == (Status.DRAFT, 2)
    sk.submit("kasubid-1", document=REVISED)
    review(sk, Role.KABID, Decision.APPROVE)
    assert sk.status is Status.WITH_KADIS
    assert [r.revision for r in sk.reviews] == [1, 2], "each review names the revision it was made on"
    assert [e.type for e in sk.events] == ["sk.reviewed", "sk.revised", "sk.submitted", "sk.reviewed"]
    assert sk.events[1].data["changed_fields"] == ["mengingat[1]"] and sk.events[1].data["revision"] == 2


def test_kadis_rejection_goes_back_to_the_kabid() -> None:
    sk = in_state(Status.WITH_KADIS)
    review(sk, Role.KADIS, Decision.REJECT, "Susunan tim belum lengkap.")
    assert sk.status is Status.REJECTED_BY_KADIS and sk.awaiting_reviewer() is Role.KABID
    with pytest.raises(WrongReviewer):
        review(sk, Role.KADIS, Decision.APPROVE)
    review(sk, Role.KABID, Decision.APPROVE)
    assert sk.status is Status.WITH_KADIS


def test_a_signer_refusing_sends_it_back_with_its_nomor() -> None:
    sk = in_state(Status.SIGNING)
    sk.approve_for_signing(NOMOR, DOCUMENT)
    sk.events.clear()
    sk.signing_rejected("kadis", "Salah ketik pada diktum KEDUA.")
    assert sk.status is Status.REJECTED_BY_KADIS and sk.nomor == NOMOR
    assert sk.reviews[-1].decision is Decision.REJECT and sk.reviews[-1].role is Role.KADIS
    [event] = sk.events
    assert event.type == "sk.reviewed" and event.data["at_signing"] is True and event.data["awaiting"] == "kabid"


# -- what each state refuses ---------------------------------------------------------------------------------
def test_a_rejection_needs_a_note_and_changes_nothing_without_one() -> None:
    sk = in_state(Status.SUBMITTED)
    with pytest.raises(ValueError, match="note"):
        sk.review(Role.KABID, Decision.REJECT, "  ", "kabid-1", AT, document=DOCUMENT)
    assert sk.status is Status.SUBMITTED and sk.reviews == [] and sk.events == []


def test_a_review_out_of_turn_names_whose_turn_it_is() -> None:
    with pytest.raises(WrongReviewer, match="kabid's review"):
        review(in_state(Status.SUBMITTED), Role.KADIS, Decision.APPROVE)
    with pytest.raises(WrongReviewer, match="kadis's review"):
        review(in_state(Status.WITH_KADIS), Role.KABID, Decision.APPROVE)
    # No review awaited at all: not a wrong reviewer, a wrong time.
    for status in (Status.DRAFT, Status.REJECTED_BY_KABID, Status.SIGNING, Status.SIGNED, Status.ARCHIVED):
        with pytest.raises(TransitionNotAllowed) as caught:
            review(in_state(status), Role.KABID, Decision.APPROVE)
        assert not isinstance(caught.value, WrongReviewer) and caught.value.status is status
    with pytest.raises(TransitionNotAllowed):
        review(in_state(Status.SUBMITTED), Role.KASUBID, Decision.APPROVE)


COMMANDS = {
    "revise": lambda sk: sk.revise({**CONTENT, "tahun": 2027}, "kasubid-1", document=REVISED),
    "submit": lambda sk: sk.submit("kasubid-1", document=DOCUMENT),
    "approve_for_signing": lambda sk: sk.approve_for_signing(NOMOR, DOCUMENT),
    "signing_rejected": lambda sk: sk.signing_rejected("kabid", "Tidak sesuai."),
    "mark_signed": lambda sk: sk.mark_signed(SIGNED),
    "archive": lambda sk: sk.archive(),
}
ALLOWED = {
    "revise": {Status.DRAFT, Status.REJECTED_BY_KABID},
    "submit": {Status.DRAFT},
    "approve_for_signing": {Status.SIGNING},
    "signing_rejected": {Status.SIGNING},
    "mark_signed": {Status.SIGNING},
    "archive": {Status.SIGNED},
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_runs_only_in_its_states(command: str, status: Status) -> None:
    sk = in_state(status)
    if status in ALLOWED[command]:
        COMMANDS[command](sk)
        return
    before = (sk.status, sk.revision, sk.nomor, list(sk.reviews))
    with pytest.raises(TransitionNotAllowed) as caught:
        COMMANDS[command](sk)
    assert caught.value.status is status
    assert (sk.status, sk.revision, sk.nomor, list(sk.reviews)) == before, "a refusal changes nothing"
    assert sk.events == []


# -- helpers of the aggregate --------------------------------------------------------------------------------
def test_each_event_carries_the_rendering_it_was_made_with_and_stays_as_recorded() -> None:
    sk = in_state(Status.REJECTED_BY_KABID)
    sk.revise({**CONTENT, "tahun": 2027}, "kasubid-1", document=REVISED)
    sk.submit("kasubid-1", document=REVISED)
    [revised, submitted] = sk.events
    assert revised.data["document"] == REVISED and submitted.data["document"] == REVISED
    with pytest.raises(TypeError):
        revised.data["document"] = DOCUMENT  # type: ignore[index]
    assert sk.events[0].data["document"] == REVISED


def test_as_revised_previews_the_revision_and_changes_nothing() -> None:
    sk = in_state(Status.REJECTED_BY_KABID)
    preview = sk.as_revised({**CONTENT, "tahun": 2027})
    assert (preview.revision, preview.status, preview.content["tahun"]) == (2, Status.DRAFT, 2027)
    assert (sk.revision, sk.status, sk.content["tahun"], sk.events) == (1, Status.REJECTED_BY_KABID, 2026, [])
    with pytest.raises(TransitionNotAllowed):
        in_state(Status.SUBMITTED).as_revised(CONTENT)


def test_review_outcome_answers_the_review_without_making_it() -> None:
    sk = in_state(Status.WITH_KADIS)
    reviews = list(sk.reviews)
    assert sk.review_outcome(Role.KADIS, Decision.APPROVE, "") is Status.SIGNING
    assert sk.review_outcome(Role.KADIS, Decision.REJECT, "Perbaiki.") is Status.REJECTED_BY_KADIS
    assert (sk.status, sk.reviews, sk.events) == (Status.WITH_KADIS, reviews, [])
    with pytest.raises(WrongReviewer):
        sk.review_outcome(Role.KABID, Decision.APPROVE, "")


def test_changed_fields_names_list_items_by_index() -> None:
    old = {"tentang": "A", "anggota": [1, 2, 3], "diktum": ["x"]}
    new = {"tentang": "A", "anggota": [1, 9, 3, 4], "menimbang": ["y"], "diktum": "x"}
    assert changed_fields(old, new) == ["anggota[1]", "anggota[3]", "diktum", "menimbang"]
    assert changed_fields(old, dict(old)) == []
