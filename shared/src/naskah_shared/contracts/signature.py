"""signature-service's messages: the command `signature.requested` and its answers `document.signed` and
`signature.rejected` (DESIGN §3, §7).

`signature.requested` has one shape for an SK, a report, a Lembar Disposisi and a batch of letters:
`documents` is always a list (one entry, or a batch's letters with a `batch_id`). The single-document shape
of before (`document` beside `document_id`, `sk_id` or `report_id`) still loads, for the messages still
sitting in queues and outboxes; `check` refuses it, so no producer writes it again.

An answer names its document by `document_id` and `kind`, and by `batch_id` for a batch's letter; a single
document's answer also carries `<kind>_id` (`sk_id`, `report_id`, `disposisi_id`), which the consumers of
before read. An answer without `document_id` (written before it had one) loads from `<kind>_id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from marshmallow import fields, validate

from naskah_shared.bus.topology import Events
from naskah_shared.contracts.base import DocumentRef, Message, Shape, document_field, shape_of

KIND = validate.Regexp(r"^[a-z][a-z_]{0,39}$")  # it names storage keys: sk/…, reports/…


@dataclass(frozen=True, kw_only=True)
class DocumentToSign:
    document_id: str
    document: DocumentRef
    title: str | None = None
    archive_key: str | None = None  # a batch's letter: where its signed PDF is archived (under bulk/<batch>/)
    extra: dict[str, Any] = field(default_factory=dict)  # a letter's own data (its kampung, its token digest)


@shape_of(DocumentToSign)
class DocumentToSignSchema(Shape):
    document_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    document = document_field(required=True)
    title = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))
    archive_key = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=1024))


@dataclass(frozen=True, kw_only=True)
class SignatureRequested(Message):
    """Sign these documents, in this order of signers (a batch: one signer signs them all together)."""

    TYPE: ClassVar[str] = Events.SIGNATURE_REQUESTED
    kind: str  # sk | surat_edaran | report | disposisi
    signers: list[str]  # signer accounts, in signing order
    documents: list[DocumentToSign]
    batch_id: str | None = None
    nomor: str | None = None
    title: str | None = None
    invisible: bool = False  # fields with no stamp (a Lembar Disposisi's paraf, where the office shows none)
    extra: dict[str, Any] = field(default_factory=dict)  # sk_id, report_id, disposisi_id, sk_tim, ...

    @staticmethod
    def upgrade(payload: dict[str, Any]) -> dict[str, Any]:
        if "documents" in payload or "document" not in payload:
            return payload
        document_id = payload.get("document_id") or payload.get("sk_id") or payload.get("report_id")
        return {**payload, "kind": payload.get("kind", "sk"),
                "documents": [{"document_id": document_id, "title": payload.get("title"),
                               "document": payload.get("document")}]}


@shape_of(SignatureRequested)
class SignatureRequestedSchema(Shape):
    kind = fields.String(required=True, validate=KIND)
    signers = fields.List(fields.String(validate=validate.Length(min=1, max=100)), required=True,
                          validate=validate.Length(min=1, max=10))
    documents = fields.List(fields.Nested(DocumentToSignSchema), required=True,
                            validate=validate.Length(min=1, max=5000))
    batch_id = fields.String(allow_none=True, load_default=None)
    nomor = fields.String(allow_none=True, load_default=None)
    title = fields.String(allow_none=True, load_default=None)
    invisible = fields.Boolean(load_default=False)


@dataclass(frozen=True, kw_only=True)
class Signature:
    signer: str
    role: str | None
    at: datetime


@shape_of(Signature)
class SignatureSchema(Shape):
    signer = fields.String(required=True)
    role = fields.String(required=True, allow_none=True)
    at = fields.AwareDateTime(required=True, default_timezone=UTC)


@dataclass(frozen=True, kw_only=True)
class _Answer(Message):
    kind: str
    document_id: str
    batch_id: str | None = None  # a batch's letter
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        name = f"{self.kind}_id"
        if not self.batch_id and self.extra.get(name) == self.document_id:  # written again by to_payload
            object.__setattr__(self, "extra", {k: v for k, v in self.extra.items() if k != name})

    def to_payload(self) -> dict[str, Any]:
        payload = super().to_payload()
        if not self.batch_id:
            payload[f"{self.kind}_id"] = self.document_id  # how a single document's consumers name it
        return payload

    @staticmethod
    def upgrade(payload: dict[str, Any]) -> dict[str, Any]:
        kind = payload.get("kind") or "sk"
        return {**payload, "kind": kind, "document_id": payload.get("document_id") or payload.get(f"{kind}_id")}


class _AnswerSchema(Shape):
    kind = fields.String(required=True, validate=KIND)
    document_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    batch_id = fields.String(allow_none=True, load_default=None)


@dataclass(frozen=True, kw_only=True)
class DocumentSigned(_Answer):
    """The last signer signed: `document` is the archived PDF (naskah-signed, under retention)."""

    TYPE: ClassVar[str] = Events.DOCUMENT_SIGNED
    document: DocumentRef
    nomor: str | None = None
    level: str | None = None  # the PAdES level signed at
    signatures: list[Signature] = field(default_factory=list)  # every signer's, in order


@shape_of(DocumentSigned)
class DocumentSignedSchema(_AnswerSchema):
    document = document_field(required=True)
    nomor = fields.String(allow_none=True, load_default=None)
    level = fields.String(allow_none=True, load_default=None)
    signatures = fields.List(fields.Nested(SignatureSchema), load_default=list)


@dataclass(frozen=True, kw_only=True)
class SignatureRejected(_Answer):
    """A signer refused: every open request of the document closed; it goes back with the signer's note."""

    TYPE: ClassVar[str] = Events.SIGNATURE_REJECTED
    role: str | None = None
    signer: str | None = None
    note: str = ""


@shape_of(SignatureRejected)
class SignatureRejectedSchema(_AnswerSchema):
    role = fields.String(allow_none=True, load_default=None)
    signer = fields.String(allow_none=True, load_default=None)
    note = fields.String(load_default="")


