"""Generate the template-upload fuzz corpus: hostile DOCX files, each with the answer naskah must give.

`cases(url)` builds every case in memory from the built-in templates (`url`: where an external
reference points, a loopback server the test watches). `python -m tests.security.make_template_corpus DIR`
writes them to DIR with an `expected.json`, for looking at them in Word or LibreOffice.

Each case says what the upload answers (`status`, `code`) and, for uploads that are accepted, what
drafting an SK with it answers (`draft_status`, `draft_code`).
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sk_service.adapters.docx_renderer import BUILTIN_TEMPLATE

SK_TIM = BUILTIN_TEMPLATE.read_bytes()
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5274a9b0000000049454e44ae426082")


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    status: int  # the upload's answer
    code: str | None = None  # error.code, when refused
    draft_status: int | None = None  # drafting an SK with it, when the upload is accepted
    draft_code: str | None = None


def _rewrite(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """`data` (a zip) with parts replaced, added (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in change:
                continue
            dst.writestr(info, src.read(info))
        for name, body in change.items():
            if body is not None:
                dst.writestr(name, body)
    return out.getvalue()


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def _add_rel(data: bytes, rels_part: str, rel: str) -> bytes:
    rels = _part(data, rels_part).replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    return _rewrite(data, {rels_part: rels})


def _add_body(data: bytes, xml: str) -> bytes:
    """A paragraph (or element) inserted at the start of the document body."""
    doc = re.sub(rb"(<w:body[^>]*>)", lambda m: m.group(1) + xml.encode(), _part(data, "word/document.xml"), count=1)
    return _rewrite(data, {"word/document.xml": doc})


def _para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _image_para(rel_id: str, *, link: bool) -> str:
    attr = f'r:link="{rel_id}"' if link else f'r:embed="{rel_id}"'
    return (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
        'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="99" name="x"/><a:graphic '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.'
        'openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="99" name="x"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip {attr}/></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" '
        'cy="914400"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r></w:p>')


def external_image(url: str, *, link: bool = True) -> bytes:
    """The SK template with an image whose relationship points outside the package."""
    rel = f'<Relationship Id="rIdX1" Type="{IMAGE_REL}" Target="{url}" TargetMode="External"/>'
    return _add_body(_add_rel(SK_TIM, "word/_rels/document.xml.rels", rel), _image_para("rIdX1", link=link))


def cases(url: str = "http://127.0.0.1:9/x.png", local_file: str = "/etc/passwd") -> list[Case]:
    rels = "word/_rels/document.xml.rels"
    ct = _part(SK_TIM, "[Content_Types].xml")
    macro_ct = ct.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                      b"</Types>")
    return [
        Case("external-image-http", external_image(url), 422, "unsafe_template"),
        Case("external-image-embed-attr", external_image(url, link=False), 422, "unsafe_template"),
        Case("external-image-file", external_image(f"file://{local_file}"), 422, "unsafe_template"),
        Case("image-target-absolute-no-mode", _add_body(_add_rel(
            SK_TIM, rels, f'<Relationship Id="rIdX2" Type="{IMAGE_REL}" Target="file:///{local_file.lstrip("/")}"/>'),
            _image_para("rIdX2", link=False)), 422, "unsafe_template"),
        Case("unc-path-image", external_image("\\\\127.0.0.1\\share\\x.png"), 422, "unsafe_template"),
        Case("attached-template", _rewrite(SK_TIM, {"word/_rels/settings.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rIdT" Type="{REL}/attachedTemplate" Target="{url}" '
            'TargetMode="External"/></Relationships>').encode()}), 422, "unsafe_template"),
        Case("subdocument", _add_rel(SK_TIM, rels, f'<Relationship Id="rIdS" Type="{REL}/subDocument" '
                                                   f'Target="{url}" TargetMode="External"/>'), 422, "unsafe_template"),
        Case("altchunk", _add_body(_add_rel(SK_TIM, rels, f'<Relationship Id="rIdA" Type="{REL}/aFChunk" '
                                                          'Target="chunk.html"/>'), '<w:altChunk r:id="rIdA"/>'),
             422, "unsafe_template"),
        Case("includepicture-field", _add_body(SK_TIM, '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>'
                                                       f'<w:instrText> INCLUDEPICTURE "{url}" \\d </w:instrText>'
                                                       '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'),
             422, "unsafe_template"),
        Case("includetext-field-split", _add_body(SK_TIM, '<w:p><w:fldSimple w:instr=" INCLUDETEXT '
                                                          f'&quot;{local_file}&quot; "/></w:p>'),
             422, "unsafe_template"),
        Case("dde-field", _add_body(SK_TIM, '<w:p><w:r><w:instrText>DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe'
                                            '</w:instrText></w:r></w:p>'), 422, "unsafe_template"),
        Case("vba-macro", _rewrite(_add_rel(SK_TIM, rels, '<Relationship Id="rIdV" Type="http://schemas.microsoft.'
                                                          'com/office/2006/relationships/vbaProject" '
                                                          'Target="vbaProject.bin"/>'),
                                   {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro", "[Content_Types].xml": macro_ct}),
             422, "unsafe_template"),
        Case("activex", _rewrite(SK_TIM, {"word/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.'
                                                                        b'microsoft.com/office/2006/activeX"/>'}),
             422, "unsafe_template"),
        Case("embedded-ole", _add_body(_rewrite(SK_TIM, {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0ole"}),
                                       '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:'
                                       'office" ProgID="Package"/></w:object></w:r></w:p>'), 422, "unsafe_template"),
        Case("not-a-zip", b"PK\x03\x04 but not really a zip", 422, "not_docx"),
        Case("pdf-renamed", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", 422, "not_docx"),
        Case("zip-bomb", _rewrite(SK_TIM, {"word/media/bomb.png": b"\0" * (70 * 1024 * 1024)}), 422, "zip_bomb"),
        Case("template-syntax", _add_body(SK_TIM, _para("{% for x in %}")), 422, "template_syntax"),
        Case("missing-placeholders", _rewrite(SK_TIM, {"word/document.xml": re.sub(
            rb"\{\{[^}]*\}\}|\{%[^%]*%\}", b"", _part(SK_TIM, "word/document.xml"))}), 422, "missing_placeholder"),
        Case("sandbox-escape", _add_body(SK_TIM, _para("{{ ''.__class__.__mro__[1].__subclasses__() }}")),
             201, draft_status=422, draft_code="unsafe_template"),
        Case("range-1e9", _add_body(SK_TIM, _para("{% for i in range(10**9) %}x{% endfor %}")),
             201, draft_status=422, draft_code="render_limit"),
        Case("nested-loops", _add_body(SK_TIM, _para("{% for i in range(5000) %}{% for j in range(5000) %}"
                                                     "{% endfor %}{% endfor %}")),
             201, draft_status=422, draft_code="render_limit"),
        Case("recursive-macro", _add_body(SK_TIM, _para("{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}"
                                                        "{% endif %}{% endmacro %}{{ f(60) }}")),
             201, draft_status=422, draft_code="render_limit"),
        Case("string-repeat", _add_body(SK_TIM, _para("{{ 'x' * 10**9 }}")), 201, draft_status=422,
             draft_code="render_limit"),
        Case("huge-power", _add_body(SK_TIM, _para("{{ 10**10**10 }}")), 201, draft_status=422,
             draft_code="render_limit"),
        Case("filter-width", _add_body(SK_TIM, _para("{{ kegiatan|center(10**9) }}")), 201, draft_status=422,
             draft_code="render_limit"),
        Case("format-width", _add_body(SK_TIM, _para("{{ '%999999999d' % 1 }}")), 201, draft_status=422,
             draft_code="render_limit"),
        Case("autoescape-off", _add_body(SK_TIM, _para("{% autoescape false %}{{ kegiatan }}{% endautoescape %}"
                                                       "{{ kegiatan|safe }}")), 201, draft_status=201),
        Case("hyperlink-is-fine", _add_rel(SK_TIM, rels, f'<Relationship Id="rIdH" Type="{REL}/hyperlink" '
                                                         'Target="https://jayapurakab.go.id/" TargetMode="External"/>'),
             201, draft_status=201),
    ]


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else "template-corpus")
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for case in cases():
        (out / f"{case.name}.docx").write_bytes(case.data)
        expected[case.name] = {k: v for k, v in case.__dict__.items() if k not in ("name", "data") and v is not None}
    (out / "expected.json").write_text(json.dumps(expected, indent=2))
    print(f"{len(expected)} cases in {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
