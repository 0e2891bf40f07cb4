"""Marshmallow schemas of signature-service's HTTP contract."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from naskah_shared.storage.keys import check_key
from naskah_shared.web.schemas import DocumentRefSchema


class SignatureRequestSchema(Schema):
    id = fields.String()
    document_id = fields.String()
    kind = fields.String()
    signer = fields.String()
    position = fields.Integer()
    status = fields.String()
    title = fields.String()
    nomor = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    result = fields.Nested(DocumentRefSchema, allow_none=True)
    links = fields.Dict()


class RequestQuerySchema(Schema):
    signer = fields.String(validate=validate.Length(max=50))
    status = fields.String(validate=validate.OneOf(["waiting", "pending", "signed", "rejected", "cancelled"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))  # a SQL integer


class SignInputSchema(Schema):
    passphrase = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1024),
                               metadata={"description": "Unlocks the signer's key (PKCS#12) or token (PIN). "
                                                        "Never stored or logged."})


class RejectInputSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class SignatureReportSchema(Schema):
    field = fields.String()
    signer_name = fields.String(allow_none=True)
    signer_nip = fields.String(allow_none=True)
    signer_subject = fields.String()
    signing_time = fields.DateTime(allow_none=True)
    timestamp_time = fields.DateTime(allow_none=True)
    intact = fields.Boolean()
    valid = fields.Boolean()
    trusted = fields.Boolean()
    revoked = fields.Boolean()
    level = fields.Function(lambda r: r.level.value if r.level else None)
    covers_whole_document = fields.Boolean()
    modification_level = fields.String()
    modifications = fields.List(fields.String())
    reasons = fields.Function(lambda r: [str(x) for x in r.reasons])
    ok = fields.Boolean()


class VerificationSchema(Schema):
    document_sha256 = fields.String()
    signatures = fields.List(fields.Nested(SignatureReportSchema))
    all_ok = fields.Boolean()


class ArchiveQuerySchema(Schema):
    prefix = fields.String(load_default="", validate=validate.Length(max=300))


def _object_key(key: str) -> None:
    try:
        check_key(key)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class ArchiveKeySchema(Schema):
    key = fields.String(required=True, validate=_object_key)
    version_id = fields.String(load_default=None, validate=validate.Length(max=200))


class StoredObjectSchema(Schema):
    bucket = fields.String()
    key = fields.String()
    version_id = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    last_modified = fields.DateTime()
    metadata = fields.Dict()
    is_latest = fields.Boolean()
    retain_until = fields.DateTime(allow_none=True)
    legal_hold = fields.Boolean()


class DownloadSchema(Schema):
    url = fields.String()
    expires_in = fields.Integer()


class BatchProgressSchema(Schema):
    batch_id = fields.String()
    kind = fields.String()
    title = fields.String()
    nomor = fields.String(allow_none=True)
    sample_request_id = fields.String(metadata={"description": "One of the batch's requests, to preview a letter."})
    total = fields.Integer()
    waiting = fields.Integer()
    pending = fields.Integer()
    signed = fields.Integer()
    rejected = fields.Integer()
    cancelled = fields.Integer()
    running = fields.Boolean(metadata={"description": "A background job is signing the rest."})
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    error = fields.Dict(allow_none=True, metadata={"description": "What stopped the last job (code, message)."})
    links = fields.Dict()
