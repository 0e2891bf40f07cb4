"""sk-service's events: an SK's lifecycle (`sk.*`, read by signature-service's inbox and report-service's
timeline) and a Surat Edaran batch's (`surat_edaran.*`, read by report-service's Formulir and by sk-service's
own consumer of its request).

Every `sk.*` event says the SK's state after it (`status`, `revision`, `title`, `awaiting`: whose review it
waits for), so a read model follows an SK from events alone; `document` is the PDF of the revision it is
about (the signed one for `sk.archived`). Events written before `title` and `awaiting` load with None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from marshmallow import fields, validate

from naskah_shared.bus.topology import Events
from naskah_shared.contracts.base import DocumentRef, Message, Shape, document_field, shape_of

ROLE = validate.OneOf(("kasubid", "kabid", "kadis"))


@dataclass(frozen=True, kw_only=True)
class _SkEvent(Message):
    sk_id: str
    revision: int = 1
    status: str | None = None  # the SK's state after the event (sk.reviewed: before the review)
    title: str | None = None
    awaiting: str | None = None  # kabid | kadis | None: whose review it waits for
    document: DocumentRef | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _SkEventSchema(Shape):
    sk_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    revision = fields.Integer(load_default=1, validate=validate.Range(min=1))
    status = fields.String(allow_none=True, load_default=None)
    title = fields.String(allow_none=True, load_default=None)
    awaiting = fields.String(allow_none=True, load_default=None)
    document = document_field(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class SkDrafted(_SkEvent):
    TYPE: ClassVar[str] = Events.SK_DRAFTED
    drafter: str
    kegiatan: str | None = None
    tahun: int | str | None = None


@shape_of(SkDrafted)
class SkDraftedSchema(_SkEventSchema):
    drafter = fields.String(required=True)
    kegiatan = fields.String(allow_none=True, load_default=None)
    tahun = fields.Raw(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class SkRevised(_SkEvent):
    TYPE: ClassVar[str] = Events.SK_REVISED
    by: str
    changed_fields: list[str] = field(default_factory=list)


@shape_of(SkRevised)
class SkRevisedSchema(_SkEventSchema):
    by = fields.String(required=True)
    changed_fields = fields.List(fields.String(), load_default=list)


@dataclass(frozen=True, kw_only=True)
class SkSubmitted(_SkEvent):
    TYPE: ClassVar[str] = Events.SK_SUBMITTED
    by: str


@shape_of(SkSubmitted)
class SkSubmittedSchema(_SkEventSchema):
    by = fields.String(required=True)


@dataclass(frozen=True, kw_only=True)
class SkReviewed(_SkEvent):
    """A Kabid's or Kadis's review, or (`at_signing`) a signer's refusal that sent the SK back to the Kabid."""

    TYPE: ClassVar[str] = Events.SK_REVIEWED
    role: str
    decision: str  # approve | reject
    note: str = ""
    reviewer: str
    reviewer_id: str | None = None  # the person's account; None when a system vouched (`vouched_by`)
    reviewer_nama: str | None = None
    vouched_by: str | None = None
    status_after: str | None = None
    at_signing: bool = False


@shape_of(SkReviewed)
class SkReviewedSchema(_SkEventSchema):
    role = fields.String(required=True, validate=ROLE)
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    note = fields.String(load_default="")
    reviewer = fields.String(required=True)
    reviewer_id = fields.String(allow_none=True, load_default=None)
    reviewer_nama = fields.String(allow_none=True, load_default=None)
    vouched_by = fields.String(allow_none=True, load_default=None)
    status_after = fields.String(allow_none=True, load_default=None)
    at_signing = fields.Boolean(load_default=False)


@dataclass(frozen=True, kw_only=True)
class SkApproved(_SkEvent):
    """The Kadis approved: the nomor is taken and `document` (the final PDF) goes to signing."""

    TYPE: ClassVar[str] = Events.SK_APPROVED
    nomor: str


@shape_of(SkApproved)
class SkApprovedSchema(_SkEventSchema):
    nomor = fields.String(required=True, validate=validate.Length(min=1, max=100))


@dataclass(frozen=True, kw_only=True)
class SkArchived(_SkEvent):
    """The last signature is archived: `document` is the signed PDF in naskah-signed."""

    TYPE: ClassVar[str] = Events.SK_ARCHIVED
    nomor: str | None = None


@shape_of(SkArchived)
class SkArchivedSchema(_SkEventSchema):
    nomor = fields.String(allow_none=True, load_default=None)


SkLifecycle = SkDrafted | SkRevised | SkSubmitted | SkReviewed | SkApproved | SkArchived  # Events.SK_LIFECYCLE


@dataclass(frozen=True, kw_only=True)
class _SuratEdaranEvent(Message):
    surat_edaran_id: str
    kind: str = "surat_edaran"
    status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _SuratEdaranSchema(Shape):
    surat_edaran_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default="surat_edaran", validate=validate.Equal("surat_edaran"))
    status = fields.String(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class SuratEdaranRequested(_SuratEdaranEvent):
    """A batch of letters to produce (sk-service's own long work, on the bus so it survives a crash)."""

    TYPE: ClassVar[str] = Events.SURAT_EDARAN_REQUESTED
    sk_tim: str | None = None  # the archived SK Tim the letters follow
    letters: int | None = None


@shape_of(SuratEdaranRequested)
class SuratEdaranRequestedSchema(_SuratEdaranSchema):
    sk_tim = fields.String(allow_none=True, load_default=None)
    letters = fields.Integer(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class SuratEdaranRejected(_SuratEdaranEvent):
    """The Kadis refused the letters still unsigned: the batch closes (report-service closes its Formulir)."""

    TYPE: ClassVar[str] = Events.SURAT_EDARAN_REJECTED
    nomor: str | None = None
    note: str = ""


@shape_of(SuratEdaranRejected)
class SuratEdaranRejectedSchema(_SuratEdaranSchema):
    nomor = fields.String(allow_none=True, load_default=None)
    note = fields.String(load_default="")
