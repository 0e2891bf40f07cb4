"""The names naskah's documents carry from one service to another, each decided here once (DESIGN §4, §7):
where a signature goes (the anchor a template prints, the PDF signature field), the one slug function, and the
keys signed documents are archived under.

A template prints `#ttd-<role>#` (white, 2 pt) where that signer's stamp goes; signature-service finds it in
the PDF and makes the signature field `ttd-<role>` there. sk-service's domain (standard library only) keeps
its own copy of the two SK anchors, held to these by tests/unit/test_naming.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

ANCHOR_MARK = "ttd"  # what makes a text an anchor, whatever follows: user text must never spell it


def signature_anchor(role: str) -> str:
    """The text a template prints where `role`'s signature stamp goes: "#ttd-kadis#"."""
    return f"#{ANCHOR_MARK}-{role}#"


def signature_field(role: str) -> str:
    """The PDF signature field `role` signs: "ttd-kadis"."""
    return f"{ANCHOR_MARK}-{role}"


def slug(text: str, *, keep_case: bool = False, keep: str = "") -> str:
    """An object-key safe name: ASCII letters and digits (and the characters in `keep`), every other run one
    dash, accents dropped: "Kampung Ifar Besar" → "kampung-ifar-besar". Empty when nothing is left."""
    kept = re.escape(keep)
    # Runs first, so a dash or a quote outside ASCII still parts two words before the non-ASCII goes.
    words = re.sub(rf"(?:[^\w{kept}]|_)+", "-", text if keep_case else text.lower())
    ascii_text = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()  # é → e
    alnum = "0-9A-Za-z" if keep_case else "0-9a-z"
    return re.sub(rf"[^{alnum}{kept}]+", "-", ascii_text).strip("-")


def letter_slugs(kampung: Sequence[Mapping[str, str]]) -> list[str]:
    """One name per kampung of a batch, unique within it: two kampung of the same name (in different distrik)
    get the distrik too."""
    def name(text: str) -> str:
        return slug(text) or "kampung"

    names = [name(k["nama"]) for k in kampung]
    return [f"{name(k['distrik'])}-{n}" if names.count(n) > 1 else n for k, n in zip(kampung, names, strict=True)]


# --- keys -------------------------------------------------------------------------------------------------

def batch_prefix(batch_id: str) -> str:
    """Where a batch's letters are kept, unsigned (naskah-drafts) and signed (naskah-signed)."""
    return f"bulk/{batch_id}/"


def letter_key(batch_id: str, letter_slug: str) -> str:
    return f"{batch_prefix(batch_id)}{letter_slug}.pdf"


def in_batch(key: str, batch_id: str | None) -> bool:
    """Whether a requester's archive key is one of its own batch's (it may name no other place)."""
    return bool(batch_id) and key.startswith(batch_prefix(str(batch_id)))


def archive_key(kind: str, document_id: str, nomor: str | None = None) -> str:
    """Where a single document's signed PDF is archived: an SK under its nomor (case and dots kept:
    "sk/<id>/800.1-001-DPMK-2026.pdf"), any other kind by its id ("reports/<id>.pdf")."""
    if kind == "sk":
        # Spaces go, not dashed: "800/ 001" keeps the key it was archived under before this rule moved here.
        name = slug((nomor or "").replace(" ", ""), keep_case=True, keep=".")
        return f"sk/{document_id}/{name or document_id}.pdf"
    return f"{kind}s/{document_id}.pdf"
