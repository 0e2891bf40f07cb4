"""naskah_shared.naming: the anchor, the signature field, the one slug function and the archive keys, and the
copy sk-service's domain keeps of the SK anchors (a domain imports the standard library only)."""

from __future__ import annotations

import pytest

from naskah_shared import naming
from sk_service.domain.naskah import ANCHORS


def test_a_signers_anchor_and_field_name_the_same_role():
    assert naming.signature_anchor("kadis") == "#ttd-kadis#" and naming.signature_field("kadis") == "ttd-kadis"
    assert naming.ANCHOR_MARK in naming.signature_anchor("kabid")


def test_sk_services_domain_spells_the_anchors_as_naming_does():
    assert {role: naming.signature_anchor(role) for role in ("kadis", "kabid")} == ANCHORS


@pytest.mark.parametrize(("text", "expected"), [
    ("Kampung Ifar Besar", "kampung-ifar-besar"),
    ("Kampung Yoboi–Ayapo (Lama)", "kampung-yoboi-ayapo-lama"),  # a dash outside ASCII still parts two words
    ("Kampúng  Sérèh_Baru", "kampung-sereh-baru"),
    ("§§", ""),
])
def test_slug_keeps_ascii_letters_and_digits(text, expected):
    assert naming.slug(text) == expected


def test_letters_of_the_same_name_get_their_distrik():
    kampung = [{"nama": "Kampung Harapan", "distrik": "Sentani Timur"},
               {"nama": "Kampung Harapan", "distrik": "Nimboran"}, {"nama": "Kampung Ifar Besar", "distrik": "Sentani"},
               {"nama": "§", "distrik": ""}]
    assert naming.letter_slugs(kampung) == ["sentani-timur-kampung-harapan", "nimboran-kampung-harapan",
                                            "kampung-ifar-besar", "kampung"]


def test_a_batch_keeps_its_letters_under_its_own_prefix():
    key = naming.letter_key("se-1", "kampung-sereh")
    assert key == "bulk/se-1/kampung-sereh.pdf" and naming.in_batch(key, "se-1")
    assert not naming.in_batch(key, "se-2") and not naming.in_batch(key, None)
    assert not naming.in_batch("bulk/se-10/x.pdf", "se-1")


@pytest.mark.parametrize(("kind", "nomor", "expected"), [
    ("sk", "800/001/DPMK/2026", "sk/sk-1/800-001-DPMK-2026.pdf"),  # as archived before: case kept
    ("sk", "800.1.2.5/ 007 /DPMK/2026", "sk/sk-1/800.1.2.5-007-DPMK-2026.pdf"),
    ("sk", None, "sk/sk-1/sk-1.pdf"),
    ("report", None, "reports/sk-1.pdf"),
])
def test_a_single_documents_archive_key(kind, nomor, expected):
    assert naming.archive_key(kind, "sk-1", nomor) == expected
