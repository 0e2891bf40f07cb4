"""The template catalogue: the built-in templates (SK Tim, Surat Edaran) and the ones offices upload.

The API reaches templates only through here; which checks an upload must pass is the domain's rule
(`domain.templates`), how they are checked the `TemplateInspector` port's.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from naskah_shared.storage.ports import Buckets, ObjectStore
from sk_service.domain.templates import requirements, template_kind
from sk_service.service_layer.documents import DOCX
from sk_service.service_layer.ports import TemplateInspector
from sk_service.service_layer.unit_of_work import UnitOfWorkFactory


class TemplateCatalogue:
    def __init__(self, *, uow: UnitOfWorkFactory, store: ObjectStore, inspector: TemplateInspector,
                 builtin_dir: Path, load: Callable[[str], bytes]) -> None:
        self.uow, self.store, self.inspector, self.builtin_dir, self.load = uow, store, inspector, builtin_dir, load

    def inspect(self, data: bytes, max_bytes: int, name: str) -> list[str]:
        """A template's placeholders, or `TemplateError` when it lacks what its kind needs."""
        required, anchors = requirements(name)
        return self.inspector.inspect(data, max_bytes=max_bytes, required=required, anchors=anchors)

    def is_builtin(self, name: str) -> bool:
        return (self.builtin_dir / f"{name}.docx").is_file()

    def list(self) -> list[dict[str, Any]]:
        """Every template: built-in ones, then uploads (an upload made under a built-in's name before that
        was refused is hidden: the built-in wins)."""
        with self.uow() as uow:
            uploaded = {r.name: {"name": r.name, "kind": template_kind(r.name), "size": r.size,
                                 "sha256": r.document["sha256"], "builtin": False,
                                 "placeholders": r.placeholders} for r in uow.sks.templates()}
        builtin = self._builtin()
        names = {t["name"] for t in builtin}
        return builtin + [t for name, t in uploaded.items() if name not in names]

    def _builtin(self) -> builtins.list[dict[str, Any]]:  # `list` is the method above in this class
        out = []
        for path in sorted(self.builtin_dir.glob("*.docx")):
            data = path.read_bytes()
            out.append({"name": path.stem, "kind": template_kind(path.stem), "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(), "builtin": True,
                        "placeholders": self.inspect(data, len(data) + 1, path.stem)})
        return out

    def upload(self, name: str, data: bytes, *, max_bytes: int, actor: str) -> dict[str, Any]:
        """Store (or replace) an uploaded template once it passes its kind's checks."""
        placeholders = self.inspect(data, max_bytes, name)
        stored = self.store.put(Buckets.DRAFTS, f"templates/{name}.docx", data, content_type=DOCX,
                                metadata={"document-kind": "template", "template": name,
                                          "producer": "sk-service"})
        with self.uow() as uow:
            uow.sks.put_template(name, stored.ref(), len(data), placeholders, actor)
            uow.commit()
        return {"name": name, "kind": template_kind(name), "size": len(data), "sha256": stored.sha256,
                "builtin": False, "placeholders": placeholders}

    def download(self, name: str) -> bytes | None:
        """A template's bytes, or None when no template has that name."""
        with self.uow() as uow:
            known = uow.sks.template(name) is not None or self.is_builtin(name)
        return self.load(name) if known else None
