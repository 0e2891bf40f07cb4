"""DOCX templates rendered with docxtpl in a hardened sandbox, for every naskah document (the SK, the Surat
Edaran, the Laporan Kegiatan, the Lembar Disposisi): renderer.py, with the upload checks (checks.py), the
sandbox and its limits (sandbox.py) and what a render takes and answers (ports.py)."""

from naskah_shared.render.checks import ZipLimits
from naskah_shared.render.ports import (
    Anchor,
    Image,
    Link,
    Renderer,
    TemplateError,
    TemplateErrorCode,
    TemplateInspector,
)
from naskah_shared.render.renderer import DocxtplRenderer

__all__ = ["Anchor", "DocxtplRenderer", "Image", "Link", "Renderer", "TemplateError", "TemplateErrorCode",
           "TemplateInspector", "ZipLimits"]
