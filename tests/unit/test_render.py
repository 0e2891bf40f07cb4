"""naskah_shared.render, the one DOCX renderer: what a context may hold besides text (an anchor naskah prints,
a hyperlink, a picture), and user text that reads as an anchor defused."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image as Picture

from naskah_shared.convert.sample import tiny_docx
from naskah_shared.render import Anchor, DocxtplRenderer, Image, Link, TemplateError, TemplateErrorCode
from tests.data import docx_of


def png() -> bytes:
    buf = io.BytesIO()
    Picture.new("RGB", (12, 14), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def part(docx: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(docx)).read(name).decode()


@pytest.fixture(scope="module")
def renderer() -> DocxtplRenderer:
    return DocxtplRenderer()


def test_only_the_anchor_naskah_prints_stays_an_anchor(renderer: DocxtplRenderer) -> None:
    docx = renderer.render(docx_of("{{ hal }}", "{{ paraf }}"),
                           {"hal": "#ttd-kabid# <w:t>", "paraf": Anchor("#ttd-kabid#")})
    xml = part(docx, "word/document.xml")
    assert xml.count("#ttd-kabid#") == 1 and "\u266fttd-kabid# &lt;w:t&gt;" in xml


def test_links_and_pictures_are_bound_to_the_render(renderer: DocxtplRenderer) -> None:
    docx = renderer.render(docx_of("{{r link }}", "{{ logo }}"),
                           {"link": Link("https://naskah.example/verify/d-1"), "logo": Image(png(), height_mm=22)})
    assert 'TargetMode="External"' in part(docx, "word/_rels/document.xml.rels")
    assert "https://naskah.example/verify/d-1" in part(docx, "word/_rels/document.xml.rels")
    assert "<w:hyperlink" in part(docx, "word/document.xml") and "<pic:pic" in part(docx, "word/document.xml")


@pytest.mark.parametrize(("lines", "code"), [
    (("{{ x.__class__ }}",), TemplateErrorCode.UNSAFE_TEMPLATE),
    (("{{ missing }}",), TemplateErrorCode.UNDEFINED_VARIABLE),
    (("{{ 'x' * 10**7 }}",), TemplateErrorCode.RENDER_LIMIT),
    (("{% for %}",), TemplateErrorCode.TEMPLATE_SYNTAX),
])
def test_a_bad_template_is_a_template_error(renderer: DocxtplRenderer, lines: tuple[str, ...],
                                            code: TemplateErrorCode) -> None:
    with pytest.raises(TemplateError) as refused:
        renderer.render(docx_of(*lines), {"x": "y"})
    assert refused.value.reason_code is code


def test_what_is_not_a_docx_is_refused_before_it_is_parsed(renderer: DocxtplRenderer) -> None:
    with pytest.raises(TemplateError) as refused:
        renderer.render(b"PK\x03\x04 not a zip", {})
    assert refused.value.reason_code is TemplateErrorCode.NOT_DOCX
    assert renderer.render(tiny_docx(), {})[:2] == b"PK"
