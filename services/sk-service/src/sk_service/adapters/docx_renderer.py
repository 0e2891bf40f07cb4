"""DOCX templates rendered with docxtpl inside a sandboxed, autoescaping Jinja environment.

Why each guard exists:
- docxtpl's default environment is plain Jinja with no escaping (DESIGN §11): a user
  value such as ``<w:t>`` or ``&`` would corrupt the XML. Here every ``{{ }}`` output is
  XML-escaped (in `finalize`, so ``{% autoescape false %}`` changes nothing), XML-invalid control
  and format characters are dropped, anchor look-alikes defused, and ``|safe`` has no effect, so
  user data prints literally and never executes (values are never re-parsed). Loops, macro calls,
  ``range`` and operator sizes spend a per-render budget (template_sandbox.py): a 422, not a hang.
- A template that reaches outside itself (external relationships, linking fields) or carries code
  (macros, ActiveX, OLE) is refused at upload (naskah_shared.convert.docx_safety).
- `StrictUndefined` plus a check of the template's undeclared names: a missing variable
  is a `TemplateError` naming it, never a document with holes.
- The rendered XML is parsed strictly; docxtpl's own parse recovers silently and could
  drop content.
- Uploaded templates are zip files: sizes, ratio and entry count are checked from the
  central directory before anything is decompressed.
- Parsing a template (python-docx open, docxtpl's XML patching, Jinja compile) costs more
  than rendering it, so the compiled parts are cached by the SHA-256 of the bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.exceptions import SecurityError
from lxml import etree

from naskah_shared.convert.docx_safety import docx_findings
from sk_service.adapters.template_sandbox import TICK, LimitedSandbox, RenderLimit, budget, with_ticks
from sk_service.domain.naskah import Office, huruf, ordinal, tanggal_indonesia, without_titles
from sk_service.domain.sk import Sk
from sk_service.domain.surat_edaran import Letter, SuratEdaran
from sk_service.domain.templates import requirements
from sk_service.service_layer.ports import Image, TemplateError, TemplateErrorCode

Code = TemplateErrorCode

BUILTIN_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "sk_tim.docx"

_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


@dataclass(frozen=True)
class ZipLimits:
    """Limits read from the zip central directory before extraction."""

    max_entries: int = 1000
    max_uncompressed: int = 64 * 1024 * 1024
    max_ratio: float = 100.0  # per entry above `ratio_floor` bytes, and for the whole archive
    ratio_floor: int = 1024 * 1024


def make_environment() -> jinja2.Environment:
    """The sandbox (template_sandbox.py): escaping no template can switch off, bounded work."""
    return LimitedSandbox(undefined=jinja2.StrictUndefined)


def check_contained(data: bytes) -> None:
    """Refuse a template that reaches outside itself or carries code (docx_safety.py)."""
    if findings := docx_findings(data):
        raise TemplateError(Code.UNSAFE_TEMPLATE, "the template is not self-contained: " + "; ".join(findings[:5]),
                            {"findings": findings[:20]})


def check_zip(data: bytes, *, max_bytes: int, limits: ZipLimits = ZipLimits()) -> None:
    """Refuse what is too large, not a DOCX, or a zip bomb, without decompressing anything."""
    if len(data) > max_bytes:
        raise TemplateError(Code.TOO_LARGE, f"template is {len(data)} bytes; the limit is {max_bytes}",
                            {"size": len(data), "max_bytes": max_bytes})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise TemplateError(Code.NOT_DOCX, f"not a DOCX file (not a zip archive: {exc})") from exc
    names = {i.filename for i in infos}
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        raise TemplateError(Code.NOT_DOCX, "not a DOCX file (no word/document.xml)")
    if len(infos) > limits.max_entries:
        raise TemplateError(Code.ZIP_BOMB, f"archive has {len(infos)} entries (limit {limits.max_entries})",
                            {"entries": len(infos)})
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.max_uncompressed:
        raise TemplateError(Code.ZIP_BOMB, f"archive expands to {total} bytes (limit {limits.max_uncompressed})",
                            {"uncompressed": total})
    for i in infos:
        if i.file_size > limits.ratio_floor and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise TemplateError(Code.ZIP_BOMB, f"entry {i.filename} expands {i.file_size // max(i.compress_size, 1)}×",
                                {"entry": i.filename, "uncompressed": i.file_size, "compressed": i.compress_size})
    if total > limits.ratio_floor and total > limits.max_ratio * max(packed, 1):
        raise TemplateError(Code.ZIP_BOMB, f"archive expands {total // max(packed, 1)}×",
                            {"uncompressed": total, "compressed": packed})


@dataclass(frozen=True)
class _Parsed:
    """A template's compiled parts (by part name), its undeclared names and its plain text."""

    parts: Mapping[str, jinja2.Template]
    names: frozenset[str]
    text: str


class _CachedDocxTemplate(DocxTemplate):
    """docxtpl's template with the XML patching and Jinja compile replaced by the cached result."""

    def __init__(self, data: bytes, parsed: _Parsed) -> None:
        super().__init__(io.BytesIO(data))
        self._parsed = parsed

    def build_xml(self, context, jinja_env=None):
        return self.render_xml_part(None, self.docx._part, context, jinja_env)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            yield rel_key, self.render_xml_part(None, part, context, jinja_env).encode("utf-8")

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        template = self._parsed.parts.get(str(part.partname))
        if template is None:  # a part the cache does not know (footnotes): docxtpl's own path
            return super().render_xml_part(src_xml, part, context, jinja_env)
        self.current_rendering_part = part
        dst = template.render(context)
        # The same post-processing docxtpl applies after rendering a part.
        dst = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst)
        dst = dst.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing turns \n \t \a \f in values into breaks; a third of the render time, so only if needed.
        return self.resolve_listing(dst) if _LISTING_CHARS.search(dst) else dst

    def fix_tables(self, xml):
        try:
            tree = etree.fromstring(xml)  # strict: broken XML is an error, not a recovered half document
        except etree.XMLSyntaxError as exc:
            raise TemplateError(Code.RENDER_FAILED, f"rendering produced invalid XML: {exc}") from exc
        # docxtpl's fix re-parses and rescales grids; needed only when a row's cells differ from the grid.
        return super().fix_tables(xml) if _tables_need_fixing(tree) else tree


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")  # inside text runs only


def _tables_need_fixing(tree: etree._Element) -> bool:
    for tbl in tree.iter(f"{_W}tbl"):
        grid = tbl.find(f"{_W}tblGrid")
        columns = 0 if grid is None else len(grid.findall(f"{_W}gridCol"))
        for tr in tbl.iter(f"{_W}tr"):
            cells = 0
            for tc in tr.findall(f"{_W}tc"):
                span = tc.find(f"{_W}tcPr/{_W}gridSpan")
                cells += int(span.get(f"{_W}val")) if span is not None else 1
            if cells != columns:
                return True
    return False


def _plain_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)


class DocxtplRenderer:
    """`Renderer` and `TemplateInspector` over docxtpl; thread-safe."""

    def __init__(self, *, cache_size: int = 32, max_bytes: int = 20 * 1024 * 1024,
                 limits: ZipLimits = ZipLimits()) -> None:
        self._env = make_environment()
        self._cache: OrderedDict[str, _Parsed] = OrderedDict()
        self._cache_size = cache_size
        self._max_bytes = max_bytes
        self._limits = limits
        self._lock = threading.Lock()

    # -- parsing -------------------------------------------------------------------------------------
    def _parse(self, data: bytes, max_bytes: int) -> _Parsed:
        key = hashlib.sha256(data).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        check_zip(data, max_bytes=max_bytes, limits=self._limits)
        check_contained(data)
        parsed = self._compile(data)
        with self._lock:
            self._cache[key] = parsed
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return parsed

    def _compile(self, data: bytes) -> _Parsed:
        try:
            tpl = DocxTemplate(io.BytesIO(data))
            tpl.init_docx()
        except Exception as exc:  # python-docx raises several types for a broken package
            raise TemplateError(Code.NOT_DOCX, f"not a readable DOCX file: {exc}") from exc
        sources = {str(tpl.docx._part.partname): tpl.patch_xml(tpl.get_xml())}
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                sources[str(part.partname)] = tpl.patch_xml(tpl.get_part_xml(part))
        parts: dict[str, jinja2.Template] = {}
        names: set[str] = set()
        for partname, src in sources.items():
            src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)  # as docxtpl does, so line numbers match
            try:
                ast = self._env.parse(src)
                names |= jinja2.meta.find_undeclared_variables(ast) - {TICK}
                parts[partname] = self._env.from_string(with_ticks(ast))
            except jinja2.TemplateSyntaxError as exc:
                near = _plain_text("\n".join(src.splitlines()[max(exc.lineno - 2, 0):exc.lineno + 1]))
                raise TemplateError(Code.TEMPLATE_SYNTAX, f"template syntax error in {partname}: {exc.message}",
                                    {"part": partname, "near": near.strip()[:300]}) from exc
            except RecursionError as exc:  # nesting too deep for the compiler
                raise TemplateError(Code.TEMPLATE_SYNTAX, f"template nests too deeply in {partname}") from exc
        text = _plain_text("\n".join(sources.values()))
        return _Parsed(parts=parts, names=frozenset(names), text=text)

    # -- Renderer ------------------------------------------------------------------------------------
    def render(self, template: bytes, context: Mapping[str, Any]) -> bytes:
        parsed = self._parse(template, self._max_bytes)
        missing = sorted(parsed.names - context.keys())
        if missing:
            raise TemplateError(Code.UNDEFINED_VARIABLE,
                                f"template uses undefined variable{'s' if len(missing) > 1 else ''} "
                                f"{', '.join(repr(m) for m in missing)}", {"variables": missing})
        tpl = _CachedDocxTemplate(template, parsed)
        try:
            with budget():
                tpl.init_docx()
                tpl.render(_with_images(tpl, context), jinja_env=self._env)
            out = io.BytesIO()
            tpl.save(out)
        except TemplateError:
            raise
        except (RenderLimit, OverflowError, RecursionError, MemoryError) as exc:
            raise TemplateError(Code.RENDER_LIMIT, f"the template does too much work: {exc}"[:500]) from exc
        except jinja2.UndefinedError as exc:
            m = _UNDEFINED_NAME.search(str(exc))
            name = (m.group(1) or m.group(2)) if m else str(exc)
            raise TemplateError(Code.UNDEFINED_VARIABLE, f"template uses undefined variable {name!r}",
                                {"variables": [name]}) from exc
        except SecurityError as exc:
            raise TemplateError(Code.UNSAFE_TEMPLATE, f"the template sandbox refused: {exc}") from exc
        except jinja2.TemplateSyntaxError as exc:  # in the document properties, compiled by docxtpl
            raise TemplateError(Code.TEMPLATE_SYNTAX, f"template syntax error: {exc.message}") from exc
        except (jinja2.TemplateError, etree.XMLSyntaxError, ValueError, TypeError) as exc:
            raise TemplateError(Code.RENDER_FAILED, f"rendering failed: {exc}") from exc
        return out.getvalue()

    # -- TemplateInspector ---------------------------------------------------------------------------
    def inspect(self, data: bytes, *, max_bytes: int, required: Iterable[str] = (),
                anchors: Iterable[str] = ()) -> list[str]:
        if len(data) > max_bytes:  # before the cache: a cached template still obeys this caller's limit
            check_zip(data, max_bytes=max_bytes, limits=self._limits)
        parsed = self._parse(data, max_bytes)
        missing = sorted(set(required) - parsed.names)
        missing_anchors = sorted(a for a in anchors if a not in parsed.text)
        if missing or missing_anchors:
            what = ", ".join([*missing, *missing_anchors])
            raise TemplateError(Code.MISSING_PLACEHOLDER, f"template lacks required placeholders: {what}",
                                {"missing": missing, "missing_anchors": missing_anchors})
        return sorted(parsed.names)


_default: DocxtplRenderer | None = None


def inspect_template(data: bytes, max_bytes: int, name: str = "sk_tim") -> list[str]:
    """Check a template for what its kind needs (`domain.templates.requirements`); answer its placeholders
    (top-level names) or raise `TemplateError`."""
    global _default
    if _default is None:
        _default = DocxtplRenderer()
    required, anchors = requirements(name)
    return _default.inspect(data, max_bytes=max_bytes, required=required, anchors=anchors)


def _with_images(tpl: DocxTemplate, value: Any) -> Any:
    """Swap `Image` values for docxtpl `InlineImage`s bound to this render."""
    if isinstance(value, Image):
        return InlineImage(tpl, io.BytesIO(value.data), width=Mm(value.width_mm),
                           height=Mm(value.height_mm) if value.height_mm else None)
    if isinstance(value, Mapping):
        return {k: _with_images(tpl, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_with_images(tpl, v) for v in value]
    return value


@lru_cache(maxsize=8)
def _read_logo(path: str) -> bytes:
    return Path(path).read_bytes()


def _kop(office: Office) -> dict[str, Any]:
    """The letterhead every naskah of the office opens with."""
    return {"kop": {"pemerintah": office.pemerintah.upper(), "dinas": office.nama_dinas.upper(),
                    "alamat": office.alamat, "kontak": office.kontak},
            "logo": Image(_read_logo(office.logo), width_mm=22) if office.logo else None}


def _numbered(items: Iterable[str]) -> list[dict[str, str]]:
    return [{"nomor": f"{i}.", "teks": t} for i, t in enumerate(items, 1)]


def _signer(pejabat: Mapping[str, Any]) -> dict[str, str]:
    return {k: pejabat[k] for k in ("jabatan", "nama", "pangkat", "nip")}


def _keputusan_signer(signer: dict[str, str], office: Office) -> dict[str, str]:
    """On a Keputusan the signer's name goes without academic titles unless the office reads it otherwise."""
    if office.tata_naskah.gelar_pada_keputusan:
        return signer
    return {**signer, "nama": without_titles(signer["nama"])}


def _tata_naskah(office: Office, catatan_tte: bool | None) -> dict[str, Any]:
    """Page numbers and the electronic-signature footer (a document's `catatan_tte` overrides the office's)."""
    rules = office.tata_naskah
    shown = rules.catatan_tte if catatan_tte is None else bool(catatan_tte)
    return {"nomor_halaman": rules.nomor_halaman, "catatan_tte": rules.catatan_tte_teks if shown else ""}


def sk_tentang(content: Mapping[str, Any]) -> str:
    return content.get("tentang") or (f"Pembentukan Tim Kegiatan {content['kegiatan']} "
                                      f"Tahun Anggaran {int(content['tahun'])}")


def sk_context(content: Mapping[str, Any], office: Office, nomor: str | None = None,
               tanggal: date | None = None) -> dict[str, Any]:
    """The render context of an SK Tim (SkInputSchema content) for the office.

    Before the Kadis's approval the nomor is the office format with the sequence left
    open ("800/ … /DPMK/2026") and the date is empty; `konsep` tells the template so.
    """
    tahun = int(content["tahun"])
    return {
        **_kop(office),
        "pejabat": office.kepala,
        "nomor": nomor or office.nomor_konsep(tahun),
        "konsep": nomor is None,
        "tentang": sk_tentang(content).upper(),
        "kegiatan": content["kegiatan"],
        "tahun": tahun,
        "unit_kerja": content.get("unit_kerja", ""),
        "menimbang": [{"huruf": huruf(i), "teks": t} for i, t in enumerate(content["menimbang"], 1)],
        "mengingat": _numbered(content["mengingat"]),
        "diktum": [{"ordinal": ordinal(i), "teks": t} for i, t in enumerate(content["diktum"], 1)],
        "anggota": [{"no": i, **{k: a[k] for k in ("nama", "nip", "pangkat_golongan", "jabatan",
                                                    "kedudukan_dalam_tim")}}
                    for i, a in enumerate(content["anggota"], 1)],
        "penandatangan": _keputusan_signer(_signer(content.get("penandatangan") or asdict(office.kadis)), office),
        "kabid": asdict(office.kabid),
        **_tata_naskah(office, content.get("catatan_tte")),
        "tembusan": _numbered(content.get("tembusan") or []),
        "ditetapkan_di": content.get("ditetapkan_di") or office.kota,
        "tanggal": tanggal_indonesia(tanggal) if tanggal else "",
    }


def surat_edaran_context(se: SuratEdaran, sk: Sk, letter: Letter, office: Office) -> dict[str, Any]:
    """The render context of one kampung's Surat Edaran and its Formulir Instrumen."""
    content = se.content
    return {
        **_kop(office),
        "kota": office.kota,
        "tanggal": tanggal_indonesia(office.local_date(se.created_at)),
        "nomor": se.nomor,
        "sifat": content["sifat"],
        "lampiran": "1 (satu) berkas",
        "perihal": content["perihal"],
        # The template says "Kepala Kampung {{ kampung.nama }}": "Kampung Sereh" prints as "Sereh" there.
        "kampung": {"nama": re.sub(r"(?i)^kampung\s+", "", letter.kampung["nama"]),
                    "distrik": re.sub(r"(?i)^distrik\s+", "", letter.kampung["distrik"]),
                    "kepala": letter.kampung.get("kepala") or ""},
        "kegiatan": sk.content["kegiatan"],
        "tahun": int(sk.content["tahun"]),
        "sk": {"nomor": sk.nomor or "", "tentang": sk_tentang(sk.content)},
        "batas_waktu": tanggal_indonesia(date.fromisoformat(content["batas_waktu"])),
        "penandatangan": _signer(asdict(office.kadis)),
        "tembusan": _numbered(content.get("tembusan") or []),
        **_tata_naskah(office, content.get("catatan_tte")),
        "wilayah": office.daerah.removeprefix("KABUPATEN ").removeprefix("KOTA ").title(),
    }
