"""Marshmallow schemas of signature-service's HTTP contract."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from naskah_shared.storage.keys import check_key
from naskah_shared.web.schemas import DocumentRefSchema
from signature_service.service_layer.ports import SubIndication


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


class ModificationSchema(Schema):
    code = fields.String(metadata={"description": "signature_added, timestamp_added, validation_data_added, "
                                                  "form_filled, annotation_added, page_content_changed, page_added, "
                                                  "page_removed, page_replaced, catalog_replaced, object_replaced, "
                                                  "not_analysed."})
    description = fields.String(metadata={"description": "In English."})
    description_id = fields.String(metadata={"description": "In Indonesian (Bahasa Indonesia)."})
    allowed = fields.Boolean(metadata={"description": "Permitted after a PAdES signature (ISO 32000-2 12.8.2.2)."})


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
    kind = fields.String(metadata={"description": "`signature` or `document_timestamp` (an archive timestamp "
                                                  "of B-LTA)."})
    indication = fields.Function(
        lambda r: r.indication.value,
        metadata={"description": "ETSI EN 319 102-1 clause 5.1.3 main indication.",
                  "enum": ["TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"]})
    sub_indication = fields.Function(
        lambda r: r.sub_indication.value if r.sub_indication else None, allow_none=True,
        metadata={"description": "ETSI EN 319 102-1 sub-indication (HASH_FAILURE, SIG_CRYPTO_FAILURE, "
                                 "FORMAT_FAILURE, NO_SIGNING_CERTIFICATE_FOUND, NO_CERTIFICATE_CHAIN_FOUND, "
                                 "REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE, SIG_CONSTRAINTS_FAILURE, GENERIC, …); "
                                 "null with TOTAL_PASSED.",
                  "enum": [s.value for s in SubIndication]})
    detail = fields.String(allow_none=True, metadata={"description": "Why the indication is not TOTAL_PASSED."})
    changes = fields.List(fields.Nested(ModificationSchema), metadata={
        "description": "What incremental updates after this signature changed, named for people."})


class VerificationSchema(Schema):
    document_sha256 = fields.String()
    signatures = fields.List(fields.Nested(SignatureReportSchema))
    all_ok = fields.Boolean()
    timestamps = fields.List(fields.Nested(SignatureReportSchema), metadata={
        "description": "Document timestamps (/DocTimeStamp, PAdES B-LTA), each with its own indication."})
    indication = fields.String(metadata={
        "description": "The document's conclusion: TOTAL_PASSED when every signature and timestamp passed, "
                       "TOTAL_FAILED when one failed, INDETERMINATE otherwise (also with no signature).",
        "enum": ["TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"]})
    conclusion = fields.String(metadata={"description": "The conclusion in a sentence (English)."})
    conclusion_id = fields.String(metadata={"description": "The conclusion in Indonesian, for the public page."})
    encrypted = fields.Boolean(metadata={"description": "The PDF was encrypted (and could be opened)."})
    complete = fields.Boolean(metadata={"description": "False when the time budget ran out before every "
                                                       "signature was examined (those are INDETERMINATE)."})
    notes = fields.List(fields.String(), metadata={
        "description": "Document-level findings: fields sharing one signature, limits reached."})


class VerifyUploadSchema(Schema):
    """The multipart body. ``password`` is a plain form part, read by the view (webargs reads a schema from
    one location), and listed here so that the OpenAPI shows the whole body."""

    file = Upload(required=True, metadata={"description": "A PDF with PAdES signatures."})
    password = fields.String(load_default=None, validate=validate.Length(max=1024), load_only=True, metadata={
        "description": "Opens a PDF encrypted with a user password (optional). Never stored or logged."})


class VerifyQuerySchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "etsi"]), metadata={
        "description": "`etsi`: the ETSI TS 119 102-2 XML validation report (also with `Accept: application/xml`)."})


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
    state = fields.String(allow_none=True, metadata={
        "description": "The last job: running, interrupted (it stopped, by an error or because its process died, "
                       "with documents left: sign again to resume) or done; null before any job."})
    left = fields.Integer(metadata={"description": "Documents still to sign."})
    started_at = fields.DateTime(allow_none=True)
    heartbeat_at = fields.DateTime(allow_none=True, metadata={"description": "When the job was last heard of."})
    finished_at = fields.DateTime(allow_none=True)
    error = fields.Dict(allow_none=True, metadata={"description": "What stopped the last job (code, message)."})
    links = fields.Dict()
