"""The office's working calendar: when a mutu baku (an SOP step's standard time) falls due.

Standard library only (`zoneinfo` for the office's zone). An SOP step's standard is
counted from the step's start in the office's working time, in the office's zone
(WIB, WITA or WIT), never in UTC:

- minutes and hours ("15 menit", "3 jam") are office time: a step handed over at 15:50
  with three hours to go, in an office that closes at 16:00, has ten minutes today and
  the rest from the next opening; a start after hours, on a weekend or on a holiday
  counts from the next opening;
- days ("1 hari") are working days: the same clock time on the next working day (held
  within that day's office hours when its hours are shorter);
- months ("1 bulan", 30 days in `sop.MONTH`) are calendar months: the same day of the
  month and clock time (the 31st becomes the month's last day); a deadline that falls
  on a day off moves to the next working day, as deadlines of the office do.

`ElapsedCalendar` is the calendar of no calendar: start plus the standard, around the
clock. `WorkingCalendar.from_config` reads the office's `kalender` (see
`naskah_shared/office/example.json`) and its holiday list (`parse_holidays`).
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY = timedelta(days=1)
MONTH = timedelta(days=30)  # sop.MONTH: "1 bulan"
SEARCH_DAYS = 370  # no office is closed for a year; bounds every search for the next working day

WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6}


class CalendarError(ValueError):
    """The office's calendar configuration is malformed; the message names the field."""


class Calendar(Protocol):
    def deadline(self, start: datetime, standard: timedelta) -> datetime: ...


@dataclass(frozen=True)
class ElapsedCalendar:
    """Around the clock, no days off: the deadline is start plus the standard."""

    def deadline(self, start: datetime, standard: timedelta) -> datetime:
        return _aware(start) + standard


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    kind: str = "libur"  # libur (libur nasional) | cuti (cuti bersama) | lokal (the office's own)


@dataclass(frozen=True)
class WorkingCalendar:
    zone: tzinfo
    hours: Mapping[int, tuple[time, time]]  # weekday (0 = Monday) -> (opens, closes); absent: no work
    holidays: frozenset[date] = frozenset()
    names: Mapping[date, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.hours:
            raise CalendarError("kalender.jam_kerja names no working day")
        for weekday, (opens, closes) in self.hours.items():
            if not 0 <= weekday <= 6 or opens >= closes:
                raise CalendarError(f"kalender.jam_kerja: day {weekday} opens {opens} and closes {closes}")

    # --- construction -------------------------------------------------------------
    @classmethod
    def from_config(cls, kalender: Mapping[str, Any] | None, zone: str | None,
                    holidays: Iterable[Holiday] = ()) -> WorkingCalendar:
        """From the office's `kalender` (`jam_kerja`: {"senin": "07:30-16:00", ...}, `libur`: extra
        ["YYYY-MM-DD", ...]) and `zona_waktu`; `holidays` from the office's holiday file."""
        kalender = kalender or {}
        try:
            tz = ZoneInfo(zone or "Asia/Jakarta")
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"zona_waktu {zone!r} is not an IANA time zone (e.g. Asia/Jayapura)") from None
        raw_hours = kalender.get("jam_kerja") or DEFAULT_HOURS
        if not isinstance(raw_hours, Mapping):
            raise CalendarError("kalender.jam_kerja must map a weekday (senin ... minggu) to \"HH:MM-HH:MM\"")
        hours = {}
        for name, span in raw_hours.items():
            weekday = WEEKDAYS.get(str(name).strip().lower())
            if weekday is None:
                raise CalendarError(f"kalender.jam_kerja: {name!r} is not a weekday (senin ... minggu)")
            hours[weekday] = _span(str(span), f"kalender.jam_kerja.{name}")
        days = list(holidays)
        for i, item in enumerate(kalender.get("libur") or ()):
            days.append(Holiday(_day(str(item), f"kalender.libur[{i}]"), "libur kantor", "lokal"))
        return cls(tz, hours, frozenset(h.day for h in days), {h.day: h.name for h in days})

    # --- questions ------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.hours and day not in self.holidays

    def is_open(self, at: datetime) -> bool:
        local = _aware(at).astimezone(self.zone)
        if not self.is_working_day(local.date()):
            return False
        opens, closes = self.hours[local.weekday()]
        return opens <= local.time().replace(tzinfo=None) < closes

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when the office is open then, else the next opening (in the office's zone)."""
        local = _aware(at).astimezone(self.zone)
        day = local.date()
        for _ in range(SEARCH_DAYS):
            if self.is_working_day(day):
                opens, closes = self.hours[day.weekday()]
                if day == local.date():
                    clock = local.time().replace(tzinfo=None)
                    if clock < opens:
                        return self._at(day, opens)
                    if clock < closes:
                        return local
                else:
                    return self._at(day, opens)
            day += DAY
        raise CalendarError(f"no working day within {SEARCH_DAYS} days of {day}")

    def add_office_time(self, start: datetime, amount: timedelta) -> datetime:
        """`amount` of office time after `start`: time outside office hours does not count."""
        at = self.next_open(start)
        left = amount
        for _ in range(SEARCH_DAYS * 2):
            closes = self._at(at.date(), self.hours[at.weekday()][1])
            today = closes - at
            if left <= today:
                return at + left
            left -= today
            at = self.next_open(closes)
        raise CalendarError(f"{amount} of office time does not fit in {SEARCH_DAYS} days")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        at = self.next_open(start)
        clock, day = at.time().replace(tzinfo=None), at.date()
        for _ in range(days):
            day = self._working_day_on_or_after(day + DAY)
        return self._within_hours(day, clock)

    def add_months(self, start: datetime, months: int) -> datetime:
        at = self.next_open(start)
        month0 = at.month - 1 + months
        year, month = at.year + month0 // 12, month0 % 12 + 1
        target = date(year, month, min(at.day, _cal.monthrange(year, month)[1]))
        return self._within_hours(self._working_day_on_or_after(target), at.time().replace(tzinfo=None))

    def deadline(self, start: datetime, standard: timedelta) -> datetime:
        """When a step started at `start` with the mutu baku `standard` falls due (the module's rules)."""
        if standard >= MONTH and standard % MONTH == timedelta(0):
            return self.add_months(start, standard // MONTH)
        if standard >= DAY and standard % DAY == timedelta(0):
            return self.add_working_days(start, standard // DAY)
        return self.add_office_time(start, standard)

    # --- internals --------------------------------------------------------------------
    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)

    def _working_day_on_or_after(self, day: date) -> date:
        for _ in range(SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += DAY
        raise CalendarError(f"no working day within {SEARCH_DAYS} days of {day}")

    def _within_hours(self, day: date, clock: time) -> datetime:
        opens, closes = self.hours[day.weekday()]
        return self._at(day, min(max(clock, opens), closes))


# Jam kerja ASN: 37.5 hours a week without breaks over five working days (Perpres 21/2023 tentang Hari Kerja dan
# Jam Kerja Instansi Pemerintah dan Pegawai ASN); the common Pemda reading is Monday-Thursday 07:30-16:00 and
# Friday 07:30-16:30. Breaks are not modelled: a deadline may fall in the lunch hour.
DEFAULT_HOURS = {"senin": "07:30-16:00", "selasa": "07:30-16:00", "rabu": "07:30-16:00", "kamis": "07:30-16:00",
                 "jumat": "07:30-16:30"}

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(libur|cuti|lokal)\s+(.+)$")


def parse_holidays(text: str, source: str = "holiday list") -> list[Holiday]:
    """Lines `YYYY-MM-DD kind name` (kind: libur, cuti or lokal); `#` starts a comment."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise CalendarError(f"{source} line {number}: expected 'YYYY-MM-DD libur|cuti|lokal name', got {raw!r}")
        out.append(Holiday(_day(match[1], f"{source} line {number}"), match[3].strip(), match[2]))
    return out


def _span(text: str, where: str) -> tuple[time, time]:
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise CalendarError(f"{where} must be \"HH:MM-HH:MM\", got {text!r}") from None
    if opens >= closes:
        raise CalendarError(f"{where}: {text!r} closes before it opens")
    return opens, closes


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CalendarError(f"{where} must be a date YYYY-MM-DD, got {text!r}") from None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
