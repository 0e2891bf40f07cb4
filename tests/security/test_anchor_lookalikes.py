"""Issue 13 #9: a drafter cannot move the Kadis's stamp with an anchor look-alike in the SK's text.

Real render and real LibreOffice: Menimbang lines spell `#ttd-kadis#` with a soft hyphen, a
zero-width space, full-width signs, capitals, and plainly. LibreOffice prints a soft hyphen as
nothing, so before the fix the PDF read `#ttd-kadis#` in the body and the stamp landed there. Now
the anchor is found exactly once, where the template put it; and a PDF holding it twice is refused.
"""

from __future__ import annotations

import pytest

from naskah_shared.office import load_office
from naskah_shared.render.sandbox import defuse_text
from signature_service.adapters.anchors import find_anchor
from signature_service.service_layer.ports import SigningError
from sk_service.adapters.docx_context import sk_context
from sk_service.adapters.docx_renderer import BUILTIN_TEMPLATE, DocxtplRenderer
from sk_service.domain.naskah import Office
from tests.data import sk_payload

LOOKALIKES = ["#ttd\u00ad-kadis#", "#ttd\u200b-kadis#", "#\u200dttd-kadis#", "\uff03ttd-kadis\uff03", "#TTD-KADIS#",
              "#ttd-kadis#", "#t\u00adtd-kabid#"]


def _pdf(uno_pool, menimbang: list[str]) -> bytes:
    content = sk_payload(members=2)
    content["menimbang"] = [*content["menimbang"][:1], *(f"bahwa {x} perlu ditetapkan" for x in menimbang)]
    context = sk_context(content, Office.of(load_office()))
    docx = DocxtplRenderer().render(BUILTIN_TEMPLATE.read_bytes(), context)
    return uno_pool.to_pdf(docx)


def test_user_text_never_reads_as_an_anchor() -> None:
    for text in LOOKALIKES:
        defused = defuse_text(text)
        assert "#ttd" not in defused.casefold() and "\u00ad" not in defused and "\u200b" not in defused, text
    assert defuse_text("Nomor #12, tahap ttd") == "Nomor #12, tahap ttd"  # an ordinary '#' stays


def test_the_stamp_goes_where_the_template_put_the_anchor(uno_pool) -> None:
    # The same lines as they print once defused: the page lays out the same, so the signer block is here.
    clean = _pdf(uno_pool, [defuse_text(x) for x in LOOKALIKES])
    attacked = _pdf(uno_pool, LOOKALIKES)
    for who in ("kabid", "kadis"):
        expected = find_anchor(clean, f"#ttd-{who}#")
        assert expected is not None
        assert find_anchor(attacked, f"#ttd-{who}#") == expected, who


def test_an_anchor_printed_twice_is_refused(uno_pool) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    clean = _pdf(uno_pool, [])
    writer = PdfWriter()
    for page in [*PdfReader(io.BytesIO(clean)).pages, *PdfReader(io.BytesIO(clean)).pages]:
        writer.add_page(page)
    doubled = io.BytesIO()
    writer.write(doubled)
    with pytest.raises(SigningError, match="more than once"):
        find_anchor(doubled.getvalue(), "#ttd-kadis#")
