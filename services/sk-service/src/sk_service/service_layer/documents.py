"""Producing an SK's documents: render the DOCX, convert it to PDF, store both as new versions.

Also the letters that follow from an archived SK: one Surat Edaran per kampung (SOP step 8).

Every call stores two new object versions in `naskah-drafts` (DESIGN §4) and
answers their references; the caller records them in the same transaction as
the SK's new state. A failure here happens before that commit, so at worst it
leaves an unreferenced object version behind, never a half-written SK.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from naskah_shared import formulir
from naskah_shared.naming import letter_key
from naskah_shared.storage.ports import Buckets, ObjectStore
from sk_service.domain.naskah import Office
from sk_service.domain.sk import Sk
from sk_service.domain.surat_edaran import KIND, Letter, SuratEdaran
from sk_service.service_layer.ports import Converter, Letterhead, Renderer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ContextBuilder = Callable[..., Mapping[str, Any]]


class SkDocuments:
    def __init__(self, *, renderer: Renderer, converter: Converter, store: ObjectStore, office: Office,
                 context: ContextBuilder, letter_context: ContextBuilder, template: Callable[[str], bytes],
                 pdfa: bool = False, fillable: Callable[[bytes, Letterhead], bytes] | None = None,
                 formulir_key: bytes = b"", formulir_url: str = "") -> None:
        self.renderer, self.converter, self.store, self.office = renderer, converter, store, office
        self.context, self.letter_context, self.template, self.pdfa = context, letter_context, template, pdfa
        # The formulir's fields are added before the Kadis signs; its web-form link carries a token derived from
        # the letter's id (the same on every re-render) whose digest goes to report-service with the batch.
        self.fillable, self.formulir_url = fillable, formulir_url.rstrip("/")
        self.formulir_key = formulir_key or secrets.token_bytes(32)  # no secret configured: links last a process

    def render(self, sk: Sk, *, nomor: str | None = None, tanggal: datetime | None = None) -> bytes:
        context = self.context(sk.content, self.office, nomor=nomor,
                               tanggal=self.office.local_date(tanggal) if tanggal else None)
        return self.renderer.render(self.template(sk.content.get("template") or "sk_tim"), context)

    def produce(self, sk: Sk, *, nomor: str | None = None,
                tanggal: datetime | None = None) -> tuple[dict[str, str], dict[str, str]]:
        docx = self.render(sk, nomor=nomor, tanggal=tanggal)
        pdf = self.converter.to_pdf(docx, pdfa=self.pdfa)
        meta = {"document-id": sk.id, "document-kind": "sk", "revision": str(sk.revision),
                "status": "final" if nomor else sk.status.value, "producer": "sk-service"}
        if nomor:
            meta["nomor"] = nomor
        stored_docx = self.store.put(Buckets.DRAFTS, f"sk/{sk.id}/sk.docx", docx, content_type=DOCX, metadata=meta)
        stored_pdf = self.store.put(Buckets.DRAFTS, f"sk/{sk.id}/sk.pdf", pdf, content_type="application/pdf",
                                    metadata=meta)
        return stored_docx.ref(), stored_pdf.ref()

    def produce_letter(self, se: SuratEdaran, sk: Sk, letter: Letter) -> dict[str, str]:
        """One kampung's Surat Edaran as a PDF in `naskah-drafts`; the PDF is what the Kadis signs."""
        docx = self.renderer.render(self.template("surat_edaran"), self.letter_context(se, sk, letter, self.office))
        pdf = self.converter.to_pdf(docx, pdfa=self.pdfa)
        if self.fillable is not None:
            pdf = self.fillable(pdf, Letterhead(letter.id, se.id, letter.slug, letter.kampung["nama"],
                                                self.formulir_link(letter.id)))
        stored = self.store.put(Buckets.DRAFTS, letter_key(se.id, letter.slug), pdf, content_type="application/pdf",
                                metadata={"document-id": letter.id, "document-kind": KIND, "surat-edaran-id": se.id,
                                          "kampung": letter.slug, "nomor": se.nomor, "status": "produced",
                                          "producer": "sk-service"})
        return stored.ref()

    def formulir_link(self, letter_id: str) -> str:
        return f"{self.formulir_url}/{formulir.token(self.formulir_key, letter_id)}" if self.formulir_url else ""

    def formulir_of(self, letter: Letter) -> dict[str, Any]:
        """What report-service needs to take the letter's Formulir back: who it is for, its token's digest."""
        return {"kampung": {**letter.kampung, "kode": letter.slug},
                "formulir_token_sha256": formulir.token_digest(formulir.token(self.formulir_key, letter.id))}
