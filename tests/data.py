"""Test data: the demo's realistic SK Tim, text that must print literally, and small DOCX templates."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from naskah_cli.sample import sk_tim


def sk_payload(members: int = 8, **overrides: Any) -> dict[str, Any]:
    return {**sk_tim(members), **overrides}


INJECTIONS = ["{{ 7*7 }}", "{% for x in y %}", "<w:t>", "Tom & Jerry"]


def docx_of(*paragraphs: str) -> bytes:
    """A small DOCX whose paragraphs are the given texts (templates for the error cases)."""
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
