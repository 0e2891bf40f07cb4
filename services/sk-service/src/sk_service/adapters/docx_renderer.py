"""sk-service's `Renderer` and `TemplateInspector`: naskah_shared.render's hardened docxtpl renderer (the
sandbox, the upload checks, the limits), and the built-in SK Tim template."""

from __future__ import annotations

from pathlib import Path

from naskah_shared.render import DocxtplRenderer

BUILTIN_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "sk_tim.docx"

__all__ = ["BUILTIN_TEMPLATE", "DocxtplRenderer"]
