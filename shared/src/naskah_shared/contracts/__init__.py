"""Typed contracts between the services: the command ``signature.requested`` in one shape, and the
``DocumentRef`` every message names a document by (DESIGN §3).

``signature.requested`` had three producer shapes: one document at the top (``document_id`` or ``sk_id``
or ``report_id`` beside ``document``) or a list of ``documents`` for a batch; its consumer guessed. There
is now one: ``documents`` is always a list (one entry for an SK, a report or a Lembar Disposisi). The
producer's payload is checked when it is written to the outbox (``check``, called by every unit of work),
so a shape nobody reads never leaves its service; the consumer reads it with ``load_signature_requested``,
which also accepts the old single-document shape still sitting in queues and outboxes from before.
Producers may add fields of their own (``sk_id``, ``sk_tim``, a letter's Formulir data): they are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

SIGNATURE_REQUESTED = "signature.requested"


class ContractViolation(ValueError):
    """A message that does not have its contract's shape (the producer's defect, or a forged message)."""


class DocumentRefSchema(Schema):
    """One stored version: bucket, key, version id and SHA-256 (never the bytes)."""

    bucket = fields.String(required=True, validate=validate.Length(min=1, max=63))
    key = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    version_id = fields.String(required=True, allow_none=True, validate=validate.Length(max=1024))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class DocumentToSignSchema(Schema):
    class Meta:
        unknown = INCLUDE  # a letter's own data (its kampung, its Formulir token digest) rides along

    document_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    title = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))
    document = fields.Nested(DocumentRefSchema, required=True)
    archive_key = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=1024))


class SignatureRequestedSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the producer's own names (sk_id, report_id, disposisi_id, sk_tim, ...)

    kind = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z_]{0,39}$"))  # in storage keys
    signers = fields.List(fields.String(validate=validate.Length(min=1, max=100)), required=True,
                          validate=validate.Length(min=1, max=10))
    documents = fields.List(fields.Nested(DocumentToSignSchema), required=True,
                            validate=validate.Length(min=1, max=5000))
    batch_id = fields.String(allow_none=True, load_default=None)
    nomor = fields.String(allow_none=True, load_default=None)
    title = fields.String(allow_none=True, load_default=None)
    invisible = fields.Boolean(load_default=False)


@dataclass(frozen=True)
class DocumentToSign:
    document_id: str
    document: dict[str, Any]  # a DocumentRef
    title: str | None = None
    archive_key: str | None = None


@dataclass(frozen=True)
class SignatureRequested:
    kind: str
    signers: list[str]
    documents: list[DocumentToSign]
    batch_id: str | None = None
    nomor: str | None = None
    title: str | None = None
    invisible: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_SCHEMAS: dict[str, Schema] = {SIGNATURE_REQUESTED: SignatureRequestedSchema()}


def check(type: str, payload: dict[str, Any]) -> None:
    """Raise ContractViolation unless ``payload`` has the shape of ``type``'s contract (if it has one)."""
    schema = _SCHEMAS.get(type)
    if schema is None:
        return
    errors = schema.validate(payload)
    if errors:
        raise ContractViolation(f"{type}: {errors}")


def load_signature_requested(payload: dict[str, Any]) -> SignatureRequested:
    if "documents" not in payload and "document" in payload:  # the single-document shape of before
        document_id = payload.get("document_id") or payload.get("sk_id") or payload.get("report_id")
        payload = {**payload, "kind": payload.get("kind", "sk"),
                   "documents": [{"document_id": document_id, "title": payload.get("title"),
                                  "document": payload.get("document")}]}
    try:
        data = SignatureRequestedSchema().load(payload)
    except ValidationError as e:
        raise ContractViolation(f"{SIGNATURE_REQUESTED}: {e.messages}") from None
    known = set(SignatureRequestedSchema().fields)
    return SignatureRequested(
        kind=data["kind"], signers=list(data["signers"]), batch_id=data["batch_id"], nomor=data["nomor"],
        title=data["title"], invisible=data["invisible"],
        documents=[DocumentToSign(d["document_id"], d["document"], d["title"], d["archive_key"])
                   for d in data["documents"]],
        extra={k: v for k, v in data.items() if k not in known})
