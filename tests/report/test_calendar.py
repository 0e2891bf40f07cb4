"""The office's working calendar: office hours, working days, holidays, months, the office's zone (WIT), and
the same calendar in the timeline, the due steps and the Laporan."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from naskah_shared.office import load_office
from report_service.adapters.laporan import render_laporan
from report_service.domain import sop
from report_service.domain.activity import Activity
from report_service.domain.calendar import (
    CalendarError,
    ElapsedCalendar,
    Holiday,
    WorkingCalendar,
    parse_holidays,
)

WIT = ZoneInfo("Asia/Jayapura")
HOURS = {"senin": "07:30-16:00", "selasa": "07:30-16:00", "rabu": "07:30-16:00", "kamis": "07:30-16:00",
         "jumat": "07:30-16:30"}


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=WIT)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar.from_config({"jam_kerja": HOURS}, "Asia/Jayapura",
                                       parse_holidays(load_office().holidays_text()))


def test_minutes_inside_office_hours(cal):
    assert cal.deadline(at(2026, 12, 1, 9), sop.BY_NUMBER[1].standard) == at(2026, 12, 1, 9, 15)  # Tuesday


def test_hours_carry_over_the_closing_to_the_next_opening(cal):
    # Tuesday 15:00 + 3 jam: one hour today, two from Wednesday 07:30
    assert cal.deadline(at(2026, 12, 1, 15), 3 * sop.HOUR) == at(2026, 12, 2, 9, 30)


def test_friday_closes_later_and_the_weekend_does_not_count(cal):
    assert cal.deadline(at(2026, 12, 4, 16), 3 * sop.HOUR) == at(2026, 12, 7, 10)  # Fri 16:30 close, Mon 07:30


def test_after_hours_and_weekend_starts_count_from_the_next_opening(cal):
    assert cal.deadline(at(2026, 12, 1, 20), 15 * sop.MINUTE) == at(2026, 12, 2, 7, 45)
    assert cal.deadline(at(2026, 12, 2, 6), 15 * sop.MINUTE) == at(2026, 12, 2, 7, 45)
    assert cal.deadline(at(2026, 12, 5, 10), 15 * sop.MINUTE) == at(2026, 12, 7, 7, 45)  # Saturday


def test_one_day_is_the_next_working_day_at_the_same_time(cal):
    assert cal.deadline(at(2026, 12, 1, 10), sop.DAY) == at(2026, 12, 2, 10)
    assert cal.deadline(at(2026, 12, 4, 16, 15), sop.DAY) == at(2026, 12, 7, 16)  # held within Monday's hours


def test_holidays_and_cuti_bersama_are_not_working_days(cal):
    # Thursday 24 Dec 2026 is cuti bersama, Friday 25 Dec is Natal: Wednesday's 1 hari lands on Monday 28th
    assert cal.deadline(at(2026, 12, 23, 11), sop.DAY) == at(2026, 12, 28, 11)
    # Nyepi and Idulfitri 2026: 18-24 March are all off
    assert cal.deadline(at(2026, 3, 17, 14), 3 * sop.HOUR) == at(2026, 3, 25, 8, 30)
    assert not cal.is_working_day(date(2026, 8, 17)) and cal.is_working_day(date(2026, 8, 18))


def test_one_month_is_a_calendar_month_moved_off_days_off(cal):
    assert cal.deadline(at(2026, 11, 5, 8), sop.MONTH) == at(2026, 12, 7, 8)  # 5 Dec is a Saturday
    assert cal.deadline(at(2026, 1, 30, 9), sop.MONTH) == at(2026, 3, 2, 9)  # 28 Feb is a Saturday
    assert cal.deadline(at(2026, 11, 24, 9), sop.MONTH) == at(2026, 12, 28, 9)  # 24, 25 Dec off, then weekend
    assert cal.deadline(at(2027, 2, 12, 10), sop.MONTH) == at(2027, 3, 12, 10)


def test_the_office_zone_not_utc_decides_the_day(cal):
    # 23:30 UTC on Monday is 08:30 Tuesday in Jayapura (WIT, UTC+9): inside office hours
    start = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert cal.is_open(start)
    assert cal.deadline(start, 15 * sop.MINUTE) == at(2026, 12, 1, 8, 45)
    # 07:00 UTC Tuesday is 16:00 WIT: closed, so the 15 minutes run on Wednesday
    assert cal.deadline(datetime(2026, 12, 1, 7, tzinfo=UTC), 15 * sop.MINUTE) == at(2026, 12, 2, 7, 45)
    jakarta = WorkingCalendar.from_config({"jam_kerja": HOURS}, "Asia/Jakarta")
    assert jakarta.is_open(datetime(2026, 12, 1, 7, tzinfo=UTC))  # 14:00 WIB


def test_every_step_deadline_comes_after_its_start_and_on_a_working_moment(cal):
    start = at(2026, 12, 31, 15, 59)
    for s in sop.STEPS:
        due = cal.deadline(start, s.standard)
        assert due > start and cal.is_working_day(due.date()), s.number


def test_elapsed_calendar_is_start_plus_standard():
    start = datetime(2026, 12, 5, 22, tzinfo=UTC)
    assert ElapsedCalendar().deadline(start, sop.DAY) == start + timedelta(days=1)


def test_the_shipped_list_has_2026_and_2027():
    days = parse_holidays(load_office().holidays_text())
    in_2026 = [h for h in days if h.day.year == 2026]
    assert sum(h.kind == "libur" for h in in_2026) == 17 and sum(h.kind == "cuti" for h in in_2026) == 8
    assert Holiday(date(2027, 8, 17), "Proklamasi Kemerdekaan Republik Indonesia") in days


def test_office_extra_days_off(cal):
    local = WorkingCalendar.from_config({"jam_kerja": HOURS, "libur": ["2026-12-02"]}, "Asia/Jayapura")
    assert local.deadline(at(2026, 12, 1, 10), sop.DAY) == at(2026, 12, 3, 10)


@pytest.mark.parametrize("kalender, message", [
    ({"jam_kerja": {"senen": "07:30-16:00"}}, "not a weekday"),
    ({"jam_kerja": {"senin": "16:00-07:30"}}, "closes before it opens"),
    ({"jam_kerja": {"senin": "pagi"}}, "HH:MM-HH:MM"),
    ({"jam_kerja": {"senin": "07:30-16:00"}, "libur": ["31-12-2026"]}, "YYYY-MM-DD"),
])
def test_bad_configuration_names_the_field(kalender, message):
    with pytest.raises(CalendarError, match=message):
        WorkingCalendar.from_config(kalender, "Asia/Jayapura")


def test_bad_zone_and_bad_holiday_line():
    with pytest.raises(CalendarError, match="IANA"):
        WorkingCalendar.from_config({}, "Papua/Jayapura")
    with pytest.raises(CalendarError, match="line 2"):
        parse_holidays("# ok\n2026-13-01 libur Salah\n")


# --- the same calendar live and in the Laporan -------------------------------------------


def _friday_evening_order() -> Activity:
    """Step 1 (15 menit) from Friday 16:20 to Monday 07:34 WIT: ten minutes on Friday, four on Monday."""
    a = Activity.create("act-cal", "Profil Kampung", at=at(2026, 12, 4, 16))
    a.record_step(1, "Drs. Yohanes Rumbiak, M.Si", at(2026, 12, 4, 16, 20), at(2026, 12, 7, 7, 34))
    return a


def test_a_step_over_the_weekend_is_on_time_in_office_hours(cal):
    a = _friday_evening_order()
    assert a.timeline()[0].late, "around the clock it took 63 hours"
    one = a.timeline(calendar=cal)[0]
    assert not one.late and one.due == at(2026, 12, 7, 7, 35)
    # step 2 waits for the Kabid from Monday 07:34, due at 07:49: overdue at 08:00, listed as such
    (due,) = a.due_steps(cal)
    assert due.number == 2 and not due.started and due.deadline == at(2026, 12, 7, 7, 49)
    assert due.overdue(at(2026, 12, 7, 8)) and not due.overdue(at(2026, 12, 7, 7, 45))


def test_the_laporan_flags_terlambat_with_the_same_calendar(cal, office, sk_info):
    a = _friday_evening_order()
    generated = at(2026, 12, 7, 12)

    def step_one(activity: Activity, **kw) -> str:
        doc = Document(io.BytesIO(render_laporan(activity, office=office, sk=sk_info, generated_at=generated, **kw)[0]))
        rows = next([[c.text for c in r.cells] for r in t.rows] for t in doc.tables if t.rows[0].cells[0].text == "No")
        return rows[1][7]

    assert "Terlambat" not in step_one(a, calendar=cal)
    assert step_one(a).endswith("Terlambat")  # around the clock
    late = Activity.create("act-late", "Profil Kampung", at=at(2026, 12, 4, 16))
    late.record_step(1, "Drs. Yohanes Rumbiak, M.Si", at(2026, 12, 4, 16, 20), at(2026, 12, 7, 7, 40))
    note = step_one(late, calendar=cal)
    assert "Batas waktu 7 Desember 2026 07.35 WIT" in note and note.endswith("Terlambat")
