"""What a DOCX template of each kind must hold before an office may use it (checked at upload)."""

from __future__ import annotations

from sk_service.domain.naskah import ANCHORS

# Placeholders a usable SK template must contain.
REQUIRED_PLACEHOLDERS = frozenset({"nomor", "tentang", "diktum", "anggota", "penandatangan"})
# The template named "surat_edaran" is the letter of SOP step 8; every other name is an SK Tim.
LETTER_TEMPLATE = "surat_edaran"
LETTER_PLACEHOLDERS = frozenset({"nomor", "kampung", "batas_waktu", "penandatangan"})


def template_kind(name: str) -> str:
    return "surat_edaran" if name == LETTER_TEMPLATE else "sk"


def requirements(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The placeholders and stamp anchors a template of this name needs: a letter only the Kadis's
    anchor (the Kadis alone signs it), an SK both signers'."""
    if template_kind(name) == "surat_edaran":
        return LETTER_PLACEHOLDERS, (ANCHORS["kadis"],)
    return REQUIRED_PLACEHOLDERS, tuple(ANCHORS.values())
