"""The Activity aggregate: replay, the SOP's ordering rules, late flags, review rounds, kampung figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from report_service.domain import sop
from report_service.domain.activity import Activity, ActivityEvent
from report_service.domain.errors import (
    InvalidEvent,
    InvalidFigures,
    InvalidStep,
    StepAlreadyRecorded,
    StepOutOfOrder,
    StepProducedByEvents,
    UnknownStep,
)
from report_service.domain.kampung import KampungStatus
from tests.report.scenario import KAMPUNG, build_activity, sk_event, wit


def line(activity: Activity, n: int):
    return activity.timeline()[n - 1]


def sk_done(a: Activity) -> None:
    """The SK events of steps 3-6, straight through."""
    for e in (sk_event("sk.drafted", wit(2, 9), drafter="Maria"), sk_event("sk.submitted", wit(2, 10)),
              sk_event("sk.reviewed", wit(2, 11), role="kabid", decision="approve", reviewer="R"),
              sk_event("sk.reviewed", wit(2, 12), role="kadis", decision="approve", reviewer="Y"),
              sk_event("document.signed", wit(2, 13), role="kadis", signer="Y"),
              sk_event("sk.archived", wit(2, 13, 5), nomor="800/1/DPMK/2026")):
        a.apply(e)


# --- the SOP table ---------------------------------------------------------------


def test_sop_has_thirteen_steps_with_sources_and_standards():
    assert [s.number for s in sop.STEPS] == list(range(1, 14))
    assert {3, 4, 5, 6, 11} == sop.EVENT_STEPS
    assert {1, 2, 7, 8, 9, 10, 12, 13} == sop.API_STEPS
    assert sop.BY_NUMBER[1].standard == timedelta(minutes=15)
    assert sop.BY_NUMBER[6].standard == timedelta(minutes=10)
    assert sop.BY_NUMBER[3].standard == timedelta(days=1)
    assert sop.BY_NUMBER[4].standard == timedelta(hours=3)
    assert sop.BY_NUMBER[8].standard == sop.BY_NUMBER[10].standard == timedelta(days=30)
    assert sop.BY_NUMBER[1].actor_label == "Kadis → Kabid"
    assert sop.BY_NUMBER[7].actor_label == "Kasubid/Tim"


# --- replay ------------------------------------------------------------------------


def test_replay_rebuilds_the_same_activity():
    log: list[ActivityEvent] = []
    built = build_activity(log)
    replayed = Activity.replay(log)
    assert replayed.timeline() == built.timeline()
    assert replayed.review_rounds() == built.review_rounds()
    assert replayed.kampung_figures() == built.kampung_figures()
    assert (replayed.activity_id, replayed.kegiatan, replayed.tahun, replayed.sk_nomor) == (
        "act-1", "Pengembangan dan Pengelolaan Data Profil Kampung", 2026, "800/123/DPMK/2026")


def test_replay_ignores_redelivered_events():
    log: list[ActivityEvent] = []
    built = build_activity(log)
    doubled = Activity.replay([e for e in log for _ in (1, 2)])
    assert doubled.timeline() == built.timeline()
    assert doubled.kampung_figures() == built.kampung_figures()
    assert len(doubled.review_rounds()) == 5
    assert doubled.apply(log[3]) is False


def test_new_events_hold_what_the_commands_recorded():
    a = Activity.create("act-9", "Kegiatan", at=wit(1, 8))
    event = a.record_step(1, "Kadis", wit(1, 9), wit(1, 9, 10), "Disposisi")
    assert [e.type for e in a.new_events] == ["activity.created", "activity.step_recorded"]
    assert event.payload == {"step": 1, "actor": "Kadis", "started_at": wit(1, 9).isoformat(),
                             "ended_at": wit(1, 9, 10).isoformat(), "outcome": "Disposisi", "figures": {}}


# --- the timeline from the SK events ---------------------------------------------------


def test_sk_events_make_steps_three_to_six(activity):
    assert line(activity, 3).start == wit(2, 9) and line(activity, 3).end == wit(2, 15)
    # Step 4 runs from the first submission to the Kabid's last approval (after the Kadis sent it back).
    assert line(activity, 4).start == wit(2, 15) and line(activity, 4).end == wit(3, 13)
    assert line(activity, 4).actual == timedelta(hours=22) and line(activity, 4).late
    assert line(activity, 5).actual == timedelta(hours=1, minutes=30) and not line(activity, 5).late
    assert line(activity, 5).actor == "Drs. Yohanis Wally"
    assert line(activity, 6).actual == timedelta(minutes=8) and not line(activity, 6).late
    assert activity.sk_nomor == "800/123/DPMK/2026" and activity.sk_revisions == 1
    assert line(activity, 11).start == wit(8, 14, month=12) and line(activity, 11).end == wit(9, 10, month=12)


def test_review_rounds_keep_who_rejected_and_why(activity):
    rounds = activity.review_rounds()
    assert [(r.role, r.decision) for r in rounds] == [
        ("kabid", "reject"), ("kabid", "approve"), ("kadis", "reject"), ("kabid", "approve"), ("kadis", "approve")]
    rejected = activity.rejections()
    assert [(r.reviewer, r.revision) for r in rejected] == [("Rahmi Suryantari", 1), ("Drs. Yohanis Wally", 2)]
    assert rejected[0].note.startswith("Dasar hukum Permendagri 12/2007")
    assert rejected[1].note == "Tambahkan unsur Pokja dalam susunan tim"


def test_repeated_step_counts_the_time_its_rounds_cover(activity):
    nine = line(activity, 9)
    assert nine.rounds == 2 and nine.start == wit(20, 9) and nine.end == wit(1, 10, month=12)
    assert nine.actual == timedelta(hours=7)  # 6 h + 1 h, not the eleven days between the hand-overs
    assert not nine.late


# --- late and missing --------------------------------------------------------------


def test_late_flag_at_the_boundary():
    a = Activity()
    a.record_step(1, "Kadis", wit(1, 8), wit(1, 8, 15))  # exactly the 15 minutes: on time
    a.record_step(2, "Kabid", wit(1, 9), wit(1, 9, 15) + timedelta(seconds=1))  # one second over
    assert line(a, 1).actual == sop.BY_NUMBER[1].standard and line(a, 1).late is False
    assert line(a, 2).late is True


def test_running_step_is_late_only_once_past_its_standard():
    a = Activity()
    a.apply(sk_event("sk.drafted", wit(1, 8)))
    three = line(a, 3)
    assert three.in_progress and three.missing and three.actual is None
    assert a.timeline(now=wit(2, 8))[2].late is False  # exactly one day
    assert a.timeline(now=wit(2, 8, 1))[2].late is True


def test_missing_steps_are_listed(activity):
    assert [s.number for s in activity.missing_steps()] == [12, 13]
    assert [s.number for s in Activity().missing_steps()] == list(range(1, 14))
    assert [ln.number for ln in activity.timeline() if ln.missing] == [12, 13]


# --- the rules ------------------------------------------------------------------------


def test_a_step_cannot_be_recorded_twice():
    a = Activity()
    a.record_step(1, "Kadis", wit(1, 8), wit(1, 8, 10))
    with pytest.raises(StepAlreadyRecorded) as info:
        a.record_step(1, "Kadis", wit(1, 9), wit(1, 9, 10))
    assert info.value.code == "step_already_recorded" and info.value.step == 1
    assert len(a.new_events) == 1


def test_ending_before_starting_is_out_of_order():
    with pytest.raises(StepOutOfOrder) as info:
        Activity().record_step(1, "Kadis", wit(1, 9), wit(1, 8))
    assert info.value.details["reason"] == "ends_before_start"


def test_a_step_needs_the_one_before_it():
    a = Activity()
    with pytest.raises(StepOutOfOrder) as info:
        a.record_step(2, "Kabid", wit(1, 8), wit(1, 9))
    assert info.value.details == {"step": 2, "reason": "prerequisite_missing", "requires": 1}
    a.record_step(1, "Kadis", wit(1, 8), wit(1, 8, 10))
    with pytest.raises(StepOutOfOrder) as info:
        a.record_step(7, "Tim", wit(3, 8), wit(3, 10))  # the SK is not archived yet
    assert info.value.details["requires"] == 6
    with pytest.raises(StepOutOfOrder) as info:
        a.record_step(2, "Kabid", wit(1, 7), wit(1, 9))  # before the Kadis's order began
    assert info.value.details["reason"] == "starts_before_prerequisite"
    assert [e.payload["step"] for e in a.new_events] == [1]


def test_an_earlier_step_cannot_follow_a_later_one():
    a = Activity()
    sk_done(a)
    a.apply(ActivityEvent("report.compiled", wit(3, 8), {"report_id": "r"}))
    a.record_step(12, "Kabid", wit(3, 9), wit(3, 9, 10))
    with pytest.raises(StepOutOfOrder) as info:
        a.record_step(7, "Tim", wit(3, 10), wit(3, 11))
    assert info.value.details["reason"] == "later_step_recorded"


def test_data_rounds_close_when_the_report_is_compiled(activity):
    with pytest.raises(StepOutOfOrder) as info:
        activity.record_step(9, "Pokja", wit(10, 9, month=12), wit(10, 10, month=12), "", {"returned": []})
    assert info.value.details["reason"] == "report_compiled"


def test_steps_one_and_two_may_follow_the_sk_events():
    a = Activity()
    sk_done(a)
    a.record_step(1, "Kadis", wit(1, 8), wit(1, 8, 10))
    a.record_step(2, "Kabid", wit(1, 8, 20), wit(1, 8, 30))
    a.record_step(7, "Tim", wit(3, 8), wit(3, 10))
    assert [s.number for s in a.missing_steps()] == [8, 9, 10, 11, 12, 13]


@pytest.mark.parametrize("n", [0, 14, -1, "1", True, None])
def test_unknown_steps(n):
    with pytest.raises(UnknownStep):
        Activity().record_step(n, "Kadis", wit(1, 8), wit(1, 9))


@pytest.mark.parametrize("n", [3, 4, 5, 6, 11])
def test_event_steps_are_not_recorded_by_hand(n):
    with pytest.raises(StepProducedByEvents):
        Activity().record_step(n, "Kabid", wit(1, 8), wit(1, 9))


def test_times_must_be_aware_and_actor_given():
    with pytest.raises(InvalidStep):
        Activity().record_step(1, "Kadis", datetime(2026, 11, 1, 8), wit(1, 9))
    with pytest.raises(InvalidStep):
        Activity().record_step(1, "  ", wit(1, 8), wit(1, 9))


# --- kampung figures -------------------------------------------------------------------


def test_a_kampung_sent_back_and_verified_again_is_counted_right(activity):
    figures = {k.kampung: k for k in activity.kampung_figures()}
    assert list(figures) == KAMPUNG
    asei = figures["Kampung Asei Besar"]
    assert (asei.returned, asei.sent_back, asei.verified, asei.published) == (2, 1, True, True)
    assert asei.status is KampungStatus.PUBLISHED
    assert asei.notes[0].startswith("Jumlah KK tidak sesuai")
    ayapo = figures["Kampung Ayapo"]
    assert (ayapo.returned, ayapo.sent_back, ayapo.verified, ayapo.published) == (1, 0, True, False)
    assert ayapo.status is KampungStatus.VERIFIED
    assert activity.figure_totals() == {"assigned": 5, "returned": 5, "verified": 5, "sent_back": 1,
                                        "published": 4}


def _collecting() -> Activity:
    a = Activity()
    sk_done(a)
    a.record_step(1, "Kadis", wit(1, 8), wit(1, 8, 10))
    a.record_step(2, "Kabid", wit(1, 8, 20), wit(1, 8, 30))
    a.record_step(7, "Tim", wit(3, 8), wit(3, 10))
    a.record_step(8, "Tim", wit(4, 8), wit(4, 9), "", {"assigned": ["A", "B", "C"]})
    a.record_step(9, "Pokja", wit(10, 8), wit(10, 9), "", {"returned": ["A", "B"]})
    a.record_step(10, "Tim", wit(11, 8), wit(11, 9), "", {"verified": ["A"], "sent_back": ["B"]})
    return a


@pytest.mark.parametrize(("step", "figures"), [
    (10, {"verified": ["B"]}),  # sent back: it must be handed over again first
    (10, {"verified": ["C"]}),  # never handed over
    (9, {"returned": ["Z"]}),  # not assigned
    (9, {"returned": ["A"]}),  # already verified
    (10, {"published": ["C"]}),  # not verified
    (9, {"returned": ["B", "B"]}),
    (9, {"kembali": ["B"]}),
    (9, {"returned": "B"}),
    (9, {}),
])
def test_impossible_figures_are_refused_and_change_nothing(step, figures):
    a = _collecting()
    before, events = a.kampung_figures(), len(a.new_events)
    with pytest.raises(InvalidFigures):
        a.record_step(step, "Tim", wit(12, 8), wit(12, 9), "", figures)
    assert a.kampung_figures() == before and len(a.new_events) == events


def test_sent_back_kampung_returns_and_is_verified():
    a = _collecting()
    a.record_step(9, "Pokja", wit(12, 8), wit(12, 9), "", {"returned": ["B", "C"]})
    a.record_step(10, "Tim", wit(13, 8), wit(13, 9), "", {"verified": ["B", "C"], "published": ["A", "B"]})
    b = {k.kampung: k for k in a.kampung_figures()}["B"]
    assert (b.returned, b.sent_back, b.verified, b.published) == (2, 1, True, True)
    assert line(a, 10).rounds == 2


# --- events from other services -------------------------------------------------------


def test_malformed_events_are_refused_and_others_ignored():
    a = Activity()
    with pytest.raises(InvalidEvent):
        a.apply(sk_event("sk.reviewed", wit(1, 8), role="camat", decision="approve"))
    with pytest.raises(InvalidEvent):
        a.apply(ActivityEvent("sk.drafted", datetime.now(UTC), {}))
    with pytest.raises(InvalidEvent):
        a.apply(sk_event("document.signed", wit(1, 8)))
    a.apply(ActivityEvent("document.signed", wit(1, 8), {"report_id": "r", "role": "kabid"}))  # not the SK
    a.apply(ActivityEvent("signature.requested", wit(1, 8), {"sk_id": "sk-1"}))
    assert [s.number for s in a.missing_steps()] == list(range(1, 14))


def test_payload_at_overrides_occurred_at():
    a = Activity()
    a.apply(ActivityEvent("sk.drafted", wit(5, 8), {"sk_id": "s", "at": "2026-11-01T08:00:00+09:00"}))
    assert line(a, 3).start == wit(1, 8)
