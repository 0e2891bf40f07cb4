"""SQL repository of the returned Formulir: the kampung's letters and their submissions (versions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from report_service.adapters import tables as t
from report_service.service_layer.rows import LetterRow, NewLetter, NewSubmission, SubmissionRow

L, S = t.formulir_letters, t.formulir_submissions
_TIMES = ("created_at", "closed_at", "submitted_at", "reviewed_at")


def _aware(row: Any) -> dict[str, Any]:
    out = dict(row)
    for key in _TIMES:
        if out.get(key) is not None:
            out[key] = aware_utc(out[key])
    return out


def _letter(row: Any) -> LetterRow | None:
    return None if row is None else cast(LetterRow, _aware(row))


def _submission(row: Any) -> SubmissionRow | None:
    return None if row is None else cast(SubmissionRow, _aware(row))


class SqlFormulirRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_letter(self, row: NewLetter) -> bool:
        """False when the letter is known already (a redelivered batch)."""
        if self.session.execute(select(L.c.letter_id).where(L.c.letter_id == row["letter_id"])).first():
            return False
        self.session.execute(insert(L).values(**row))
        return True

    def letter(self, letter_id: str, *, for_update: bool = False) -> LetterRow | None:
        query = select(L).where(L.c.letter_id == letter_id)
        if for_update:  # serialises the versions of one kampung's submissions
            query = query.with_for_update()
        return _letter(self.session.execute(query).mappings().first())

    def letter_by_token(self, digest: str) -> LetterRow | None:
        return _letter(self.session.execute(select(L).where(L.c.token_sha256 == digest)).mappings().first())

    def letters_of(self, sk_id: str) -> list[LetterRow]:
        rows = self.session.execute(select(L).where(L.c.sk_id == sk_id).order_by(L.c.kampung_nama, L.c.letter_id)
                                    .limit(5000)).mappings()
        return [cast(LetterRow, _aware(r)) for r in rows]

    def close_batch(self, batch_id: str, at: datetime) -> int:
        return self.session.execute(update(L).where(L.c.batch_id == batch_id, L.c.closed_at.is_(None))
                                    .values(closed_at=at)).rowcount

    def activity_of_sk(self, sk_id: str) -> str | None:
        """The newest activity of the SK Tim: the one the kampung's data belongs to."""
        return self.session.execute(select(t.activities.c.id).where(t.activities.c.sk_id == sk_id)
                                    .order_by(t.activities.c.created_at.desc()).limit(1)).scalar_one_or_none()

    def close_letters_of_sk(self, sk_id: str, at: datetime) -> int:
        return self.session.execute(update(L).where(L.c.sk_id == sk_id, L.c.closed_at.is_(None))
                                    .values(closed_at=at)).rowcount

    def add_submission(self, row: NewSubmission) -> None:
        self.session.execute(insert(S).values(**row))

    def next_version(self, letter_id: str) -> int:
        return int(self.session.execute(select(func.coalesce(func.max(S.c.version), 0))
                                        .where(S.c.letter_id == letter_id)).scalar_one()) + 1

    def submissions(self, letter_ids: list[str]) -> list[SubmissionRow]:
        if not letter_ids:
            return []
        rows = self.session.execute(select(S).where(S.c.letter_id.in_(letter_ids))
                                    .order_by(S.c.letter_id, S.c.version)).mappings()
        return [cast(SubmissionRow, _aware(r)) for r in rows]

    def submission(self, letter_id: str, version: int) -> SubmissionRow | None:
        return _submission(self.session.execute(select(S).where(S.c.letter_id == letter_id, S.c.version == version))
                    .mappings().first())

    def review(self, submission_id: str, *, status: str, notes: dict[str, str], reviewed_by: str,
               reviewed_at: datetime) -> None:
        self.session.execute(update(S).where(S.c.id == submission_id).values(
            status=status, notes=notes, reviewed_by=reviewed_by, reviewed_at=reviewed_at))
