"""The HTTP contract of sk-service: marshmallow schemas for requests and responses."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from naskah_shared.web.schemas import DocumentRefSchema
from sk_service.domain.sk import Status

NIP = validate.Regexp(r"^\d{18}$", error="NIP must be exactly 18 digits.")
def Text(n: int, *, validate_also: validate.Validator | None = None, **kw) -> fields.String:
    """A non-empty string of at most `n` characters."""
    checks = [validate.Length(min=1, max=n)] + ([validate_also] if validate_also else [])
    return fields.String(validate=checks, **kw)


class AnggotaSchema(Schema):
    nama = Text(200, required=True)
    nip = fields.String(required=True, validate=NIP)
    pangkat_golongan = Text(100, required=True)
    jabatan = Text(200, required=True)
    kedudukan_dalam_tim = Text(100, required=True)


class PenandatanganSchema(Schema):
    jabatan = Text(200, required=True)
    nama = Text(200, required=True)
    pangkat = Text(100, required=True)
    nip = fields.String(required=True, validate=NIP)


class SkInputSchema(Schema):
    """An SK Tim as the Kasubid (or another system) drafts it (DESIGN §5, §6)."""

    kegiatan = Text(300, required=True, metadata={"example": "Pengembangan dan Pengelolaan Data Profil Kampung"})
    tahun = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    unit_kerja = Text(300, required=True)
    tentang = Text(500, load_default=None, metadata={"description": "Title; derived from kegiatan when absent."})
    menimbang = fields.List(Text(2000), required=True, validate=validate.Length(min=1, max=26))
    mengingat = fields.List(Text(2000), required=True, validate=validate.Length(min=1, max=50))
    diktum = fields.List(Text(4000), required=True, validate=validate.Length(min=1, max=30))
    anggota = fields.List(fields.Nested(AnggotaSchema), required=True, validate=validate.Length(min=1, max=500))
    penandatangan = fields.Nested(PenandatanganSchema, load_default=None,
                                  metadata={"description": "The Kadis; the office's configured Kadis when absent."})
    tembusan = fields.List(Text(300), load_default=list, validate=validate.Length(max=30))
    ditetapkan_di = Text(100, load_default=None)
    template = Text(100, load_default="sk_tim", validate_also=validate.And(
        validate.Regexp(r"^[a-z0-9_-]+$"), validate.NoneOf(["surat_edaran"], error="surat_edaran is a letter, "
                                                                                    "not an SK template")))
    catatan_tte = fields.Boolean(load_default=None, metadata={
        "description": "Print the footer naming the certificate's issuer (BSrE, BSSN); the office's "
                       "`tata_naskah.catatan_tte` when absent. For offices that sign with a BSrE certificate."})

    @validates_schema
    def _unique_nip(self, data, **_):
        nips = [a["nip"] for a in data.get("anggota", [])]
        dupes = sorted({n for n in nips if nips.count(n) > 1})
        if dupes:
            raise ValidationError(f"NIP appears more than once: {', '.join(dupes)}", "anggota")


class ActorSchema(Schema):
    actor = Text(200, load_default="kasubid", metadata={"description": "Who acts (name or account)."})


class ReviewInputSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(["kabid", "kadis"]))
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    reviewer = Text(200, load_default=None, metadata={
        "description": "Who decided, when an internal system with the review scope vouches; ignored when a "
                       "person assertion (X-Naskah-Person) names the reviewer."})

    @validates_schema
    def _note_on_reject(self, data, **_):
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            raise ValidationError("A rejection needs a note saying what to change.", "note")


class ReviewSchema(Schema):
    role = fields.String()
    decision = fields.String()
    note = fields.String()
    reviewer = fields.String(metadata={"description": "The person's account id (or the name a system gave)."})
    reviewer_nama = fields.String()
    vouched_by = fields.String(allow_none=True, metadata={
        "description": "The internal system that vouched for the reviewer; null when the person reviewed."})
    at = fields.DateTime()
    revision = fields.Integer()


class VersionSchema(Schema):
    revision = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()
    docx = fields.Nested(DocumentRefSchema)
    pdf = fields.Nested(DocumentRefSchema)
    links = fields.Dict()


class SkSchema(Schema):
    id = fields.String()
    status = fields.String(validate=validate.OneOf([s.value for s in Status]), metadata={
        "description": "draft → submitted (with the Kabid) → with_kadis → signing (nomor taken; the Kabid then "
                       "the Kadis sign) → signed (the last signature recorded) → archived; rejected_by_kabid "
                       "goes back to the drafter, rejected_by_kadis back to the Kabid."})
    revision = fields.Integer()
    nomor = fields.String(allow_none=True)
    drafter = fields.String()
    created_at = fields.DateTime()
    awaiting = fields.String(allow_none=True, metadata={"description": "Whose review the SK waits for."})
    content = fields.Dict()
    reviews = fields.List(fields.Nested(ReviewSchema))
    signed_document = fields.Nested(DocumentRefSchema, allow_none=True)
    changed_fields = fields.List(fields.String(), metadata={"description": "After a revision: what changed."})
    links = fields.Dict()


class DiffQuerySchema(Schema):
    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1, max=2**31 - 1))
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class DiffSchema(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    changed_fields = fields.List(fields.String())


class TemplateSchema(Schema):
    name = fields.String()
    kind = fields.String(metadata={"description": "sk (an SK Tim) or surat_edaran (the letter of step 8)"})
    size = fields.Integer()
    sha256 = fields.String()
    builtin = fields.Boolean()
    placeholders = fields.List(fields.String())


class KampungSchema(Schema):
    nama = Text(100, required=True, metadata={"example": "Kampung Sereh"})
    distrik = Text(100, required=True, metadata={"example": "Sentani"})
    kepala = fields.String(load_default="", validate=validate.Length(max=200),
                           metadata={"description": "The Kepala Kampung's name, printed under the address."})


class SuratEdaranInputSchema(Schema):
    """SOP step 8: one Surat Edaran with a Formulir Instrumen to each kampung's Kepala Kampung."""

    kampung = fields.List(fields.Nested(KampungSchema), required=True, validate=validate.Length(min=1, max=1000))
    batas_waktu = fields.Date(required=True, metadata={"description": "When the filled-in forms are due."})
    perihal = Text(300, load_default="Pendataan Profil Kampung")
    sifat = Text(50, load_default="Penting")
    tembusan = fields.List(Text(300), load_default=list, validate=validate.Length(max=30))

    @validates_schema
    def _unique_kampung(self, data, **_):
        seen = [(k["nama"].strip().lower(), k["distrik"].strip().lower()) for k in data.get("kampung", [])]
        dupes = sorted({f"{n} ({d})" for n, d in seen if seen.count((n, d)) > 1})
        if dupes:
            raise ValidationError(f"kampung listed more than once: {', '.join(dupes)}", "kampung")


class LetterSchema(Schema):
    id = fields.String()
    kampung = fields.Dict()
    slug = fields.String(metadata={"description": "The letter's name in object keys and download links."})
    status = fields.String()
    document = fields.Nested(DocumentRefSchema, allow_none=True)
    signed_document = fields.Nested(DocumentRefSchema, allow_none=True)
    links = fields.Dict()


class SuratEdaranSummarySchema(Schema):
    id = fields.String()
    nomor = fields.String()
    status = fields.String()
    created_at = fields.DateTime()


class SuratEdaranSchema(Schema):
    id = fields.String()
    sk_id = fields.String()
    nomor = fields.String()
    status = fields.String(metadata={"description": "producing → signing → signed (or rejected)"})
    note = fields.String(allow_none=True, metadata={"description": "Why the Kadis refused the letters."})
    content = fields.Dict()
    created_by = fields.String()
    created_at = fields.DateTime()
    progress = fields.Dict(metadata={"description": "Letters by status: total, pending, produced, signed."})
    letters = fields.List(fields.Nested(LetterSchema))
    links = fields.Dict()
