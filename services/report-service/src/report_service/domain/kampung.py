"""The kampung state machine of SOP steps 8-10 (standard library only).

A kampung moves with Pokja -> with Tim -> verified (-> published), or back to the Pokja when
sent back, after which it must be returned (step 9 again) before it can be verified. The
`Activity` aggregate holds one `_Kampung` per name and passes each step's figures here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from report_service.domain.errors import InvalidFigures


class KampungStatus(enum.StrEnum):
    WITH_POKJA = "with_pokja"  # assigned, or sent back for correction
    WITH_TIM = "with_tim"  # manual data handed over, awaiting verification
    VERIFIED = "verified"
    PUBLISHED = "published"  # entered into the Prodeskel website


@dataclass(frozen=True)
class KampungFigures:
    kampung: str
    assigned: bool
    returned: int  # times the Pokja handed its data over
    verified: bool
    sent_back: int  # times the Tim sent it back
    published: bool
    status: KampungStatus
    notes: tuple[str, ...]


@dataclass
class _Kampung:
    name: str
    status: KampungStatus = KampungStatus.WITH_POKJA
    returned: int = 0
    sent_back: int = 0
    verified: bool = False
    published: bool = False
    notes: list[str] = field(default_factory=list)


def apply_figures(kampung: dict[str, _Kampung], n: int, figures: Mapping[str, Any]) -> None:
    """Move the kampung named in step `n`'s figures (8: assigned, 9: returned, 10: verified, sent back,
    published) through their states; a refused batch changes nothing."""
    allowed = {8: {"assigned"}, 9: {"returned"}, 10: {"verified", "sent_back", "published"}}.get(n)
    if allowed is None:
        return  # other steps may carry free figures (attendance, ...); nothing is derived from them
    unknown = set(figures) - allowed
    if unknown:
        raise InvalidFigures(f"step {n} takes figures {sorted(allowed)}, not {sorted(unknown)}", step=n)
    lists = {key: _kampung_list(figures.get(key), key, n) for key in allowed}
    if n == 8:
        seen: set[str] = set()
        for name, _ in lists["assigned"]:
            if name in seen:
                raise InvalidFigures(f"kampung {name!r} listed twice", step=n, kampung=name)
            seen.add(name)
        for name, note in lists["assigned"]:
            kampung[name] = _Kampung(name, notes=[note] if note else [])
        return
    # Check the whole batch first, so a refused step changes nothing.
    if kampung and not any(lists.values()):
        raise InvalidFigures(f"step {n} must name at least one kampung", step=n)
    if n == 9:
        _expect(kampung, lists["returned"], {KampungStatus.WITH_POKJA}, n, "is not with the Pokja")
        for name, note in lists["returned"]:
            k = kampung[name]
            k.status, k.returned = KampungStatus.WITH_TIM, k.returned + 1
            _note(k, note)
        return
    verified = {name for name, _ in lists["verified"]}
    sent_back = {name for name, _ in lists["sent_back"]}
    if verified & sent_back:
        raise InvalidFigures(f"kampung both verified and sent back: {sorted(verified & sent_back)}", step=n)
    _expect(kampung, lists["verified"] + lists["sent_back"], {KampungStatus.WITH_TIM}, n,
                 "has no data with the Tim to verify")
    for name, _ in lists["published"]:
        known = kampung.get(name)
        if known is None or not (known.status is KampungStatus.VERIFIED or name in verified):
            raise InvalidFigures(f"kampung {name!r} must be verified before it is published",
                                 step=n, kampung=name)
    for name, note in lists["verified"]:
        k = kampung[name]
        k.status, k.verified = KampungStatus.VERIFIED, True
        _note(k, note)
    for name, note in lists["sent_back"]:
        k = kampung[name]
        k.status, k.sent_back = KampungStatus.WITH_POKJA, k.sent_back + 1
        _note(k, note)
    for name, note in lists["published"]:
        k = kampung[name]
        k.status, k.published = KampungStatus.PUBLISHED, True
        _note(k, note)


def _expect(kampung: dict[str, _Kampung], items: list[tuple[str, str]], states: set[KampungStatus], n: int,
            why: str) -> None:
    names = [name for name, _ in items]
    for name in names:
        k = kampung.get(name)
        if k is None:
            raise InvalidFigures(f"kampung {name!r} was not assigned in step 8", step=n, kampung=name)
        if k.status not in states:
            raise InvalidFigures(f"kampung {name!r} {why} (it is {k.status.value})", step=n, kampung=name)
    if len(set(names)) != len(names):
        raise InvalidFigures("a kampung is listed twice", step=n)



def _kampung_list(value: Any, key: str, step: int) -> list[tuple[str, str]]:
    """[(name, note)] from a list of names or of {"kampung", "note"} objects."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidFigures(f"figures.{key} must be a list of kampung", step=step)
    out = []
    for item in value:
        name, note = (item.get("kampung"), item.get("note") or "") if isinstance(item, Mapping) else (item, "")
        if not isinstance(name, str) or not name.strip() or not isinstance(note, str):
            raise InvalidFigures(f"figures.{key} holds {item!r}, not a kampung name", step=step)
        out.append((name.strip(), note.strip()))
    return out


def _note(k: _Kampung, note: str) -> None:
    if note:
        k.notes.append(note)


def kampung_figures(kampung: Mapping[str, _Kampung]) -> list[KampungFigures]:
    return [KampungFigures(k.name, True, k.returned, k.verified, k.sent_back, k.published, k.status,
                           tuple(k.notes)) for k in kampung.values()]


def figure_totals(kampung: Mapping[str, _Kampung]) -> dict[str, int]:
    """Kampung counted once per figure: how many were assigned, returned, verified, sent back, published."""
    ks = list(kampung.values())
    return {"assigned": len(ks), "returned": sum(k.returned > 0 for k in ks),
            "verified": sum(k.verified for k in ks), "sent_back": sum(k.sent_back > 0 for k in ks),
            "published": sum(k.published for k in ks)}
