"""report-service's Lembar Disposisi events, read by signature-service's inbox (its addressee sees it there)
and, `disposisi.created`, by report-service's own consumer that prints the sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from marshmallow import fields, validate

from naskah_shared.bus.topology import Events
from naskah_shared.contracts.base import Message, Shape, shape_of

ROLE = validate.OneOf(("kasubid", "kabid", "kadis"))


@dataclass(frozen=True, kw_only=True)
class _DisposisiEvent(Message):
    disposisi_id: str
    activity_id: str
    step: int  # the SOP step that gave it
    dari: str  # the giver's role
    kepada: str  # the addressee's role
    nomor: str = ""
    tanggal: str = ""
    hal: str = ""
    sifat: str
    instruksi: list[str] = field(default_factory=list)
    catatan: str = ""
    batas_waktu: datetime
    diberikan_at: datetime
    status: str  # open | done
    done_at: datetime | None = None
    done_by: str | None = None
    done_note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _DisposisiSchema(Shape):
    disposisi_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    activity_id = fields.String(required=True)
    step = fields.Integer(required=True, validate=validate.Range(min=1, max=13))
    dari = fields.String(required=True, validate=ROLE)
    kepada = fields.String(required=True, validate=ROLE)
    nomor = fields.String(load_default="")
    tanggal = fields.String(load_default="")
    hal = fields.String(load_default="")
    sifat = fields.String(required=True)
    instruksi = fields.List(fields.String(), load_default=list)
    catatan = fields.String(load_default="")
    batas_waktu = fields.AwareDateTime(required=True, default_timezone=UTC)
    diberikan_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    status = fields.String(required=True, validate=validate.OneOf(("open", "done")))
    done_at = fields.AwareDateTime(allow_none=True, load_default=None, default_timezone=UTC)
    done_by = fields.String(allow_none=True, load_default=None)
    done_note = fields.String(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class DisposisiCreated(_DisposisiEvent):
    """Given with its step: its sheet is to be printed and sent for the giver's paraf."""

    TYPE: ClassVar[str] = Events.DISPOSISI_CREATED


@shape_of(DisposisiCreated)
class DisposisiCreatedSchema(_DisposisiSchema):
    pass


@dataclass(frozen=True, kw_only=True)
class DisposisiDone(_DisposisiEvent):
    """Its addressee marked it done (`done_at`, `done_by`, `done_note`)."""

    TYPE: ClassVar[str] = Events.DISPOSISI_DONE


@shape_of(DisposisiDone)
class DisposisiDoneSchema(_DisposisiSchema):
    pass
