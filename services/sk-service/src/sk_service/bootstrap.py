"""The one place sk-service's adapters are chosen and wired."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naskah_shared.bus.ports import Bus
from naskah_shared.convert import Converter, ConverterUnavailable
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.messages import Envelope
from naskah_shared.office import load_office
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import Buckets, ObjectStore
from sk_service import consumers
from sk_service.adapters.docx_context import sk_context, surat_edaran_context
from sk_service.adapters.docx_renderer import DocxtplRenderer
from sk_service.adapters.formulir_pdf import add_fields
from sk_service.adapters.tables import metadata, outbox
from sk_service.adapters.unit_of_work import SqlSkUnitOfWork
from sk_service.domain.naskah import Office
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.ports import TemplateError
from sk_service.service_layer.templates import TemplateCatalogue
from sk_service.settings import SkSettings

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Container:
    settings: SkSettings
    runtime: Runtime
    office: Office
    converter: Converter
    renderer: DocxtplRenderer
    owns_converter: bool = True
    documents: SkDocuments = field(init=False)
    templates: TemplateCatalogue = field(init=False)
    _templates: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.documents = SkDocuments(renderer=self.renderer, converter=self.converter, store=self.runtime.store,
                                     office=self.office, context=sk_context, letter_context=surat_edaran_context,
                                     template=self.template, pdfa=self.settings.pdfa, fillable=add_fields,
                                     formulir_key=self.settings.secret_key.encode(),
                                     formulir_url=self.settings.formulir_url)
        self.templates = TemplateCatalogue(uow=self.uow, store=self.runtime.store, inspector=self.renderer,
                                           builtin_dir=TEMPLATES, load=self.template)

    def uow(self, *, cause: Envelope | None = None) -> SqlSkUnitOfWork:
        uow = self.runtime.unit_of_work(SqlSkUnitOfWork)
        uow.cause = cause
        return uow

    def template(self, name: str) -> bytes:
        """A template's bytes: the built-in one of that name, else an uploaded one from the store (cached by
        version). A built-in always wins, so no upload can change the documents made from it."""
        builtin = TEMPLATES / f"{name}.docx"
        row = None
        if not builtin.is_file():
            with self.uow() as uow:
                row = uow.sks.template(name)
        if row is None:
            if not builtin.is_file():
                raise TemplateError("missing_placeholder", f"no template named {name!r}", {"template": name})
            key = f"builtin:{name}"
            if key not in self._templates:
                self._templates[key] = ("builtin", builtin.read_bytes())
            return self._templates[key][1]
        ref = row.document
        cached = self._templates.get(name)
        if cached and cached[0] == ref["version_id"]:
            return cached[1]
        data, _ = self.runtime.store.get(ref["bucket"], ref["key"], ref["version_id"])
        with self._lock:
            self._templates[name] = (ref["version_id"], data)
        return data

    def web(self) -> dict[str, Any]:
        from sk_service.api.sk import blp as sk_blp
        from sk_service.api.surat_edaran import blp as surat_edaran_blp
        from sk_service.api.templates import blp as templates_blp

        return {"title": "naskah sk-service",
                "description": "SK Tim drafting from DOCX templates, PDF conversion and the review loop "
                               "(SOP steps 2-5); the Surat Edaran to every kampung (step 8).",
                "blueprints": [sk_blp, surat_edaran_blp, templates_blp], "checks": {"converter": self._converter_ready}}

    def _converter_ready(self) -> None:
        if not self.converter.ping():
            raise ConverterUnavailable("no LibreOffice converter is ready (unoserver missing, or a converter "
                                       "does not answer)")

    def close(self) -> None:
        self.runtime.stop()
        if self.owns_converter:
            self.converter.close()  # type: ignore[attr-defined]



def bootstrap(settings: SkSettings, *, bus: Bus | None = None, store: ObjectStore | None = None,
              converter: Converter | None = None) -> Container:
    runtime = Runtime.build(settings, metadata, outbox, bus=bus, store=store)
    office = Office.of(load_office(settings.office_file or None))
    own = converter is None
    converter = converter or UnoserverPool(settings.converters, timeout=settings.convert_timeout)
    container = Container(settings, runtime, office, converter, DocxtplRenderer(), owns_converter=own)
    consumers.subscribe(runtime.bus, container.uow, container.documents, workers=settings.converters)
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.DRAFTS))
    if own:  # start LibreOffice now, so the first request does not wait for it
        runtime.on_start.append(lambda: threading.Thread(target=converter.warm, name="converter-warm",
                                                         daemon=True).start())
    return container
