"""DOCX templates rendered with docxtpl inside a sandboxed, autoescaping Jinja environment.

Why each guard exists:
- docxtpl's default environment is plain Jinja with no escaping (DESIGN §11): a user
  value such as ``<w:t>`` or ``&`` would corrupt the XML. Here every ``{{ }}`` output is
  XML-escaped (in `finalize`, so ``{% autoescape false %}`` changes nothing), XML-invalid control
  and format characters are dropped, anchor look-alikes defused, and ``|safe`` has no effect, so
  user data prints literally and never executes (values are never re-parsed). Loops, macro calls,
  ``range`` and operator sizes spend a per-render budget (sandbox.py): a 422, not a hang.
- A template that reaches outside itself (external relationships, linking fields) or carries code
  (macros, ActiveX, OLE) is refused at upload (naskah_shared.convert.docx_safety).
- `StrictUndefined` plus a check of the template's undeclared names: a missing variable
  is a `TemplateError` naming it, never a document with holes.
- The rendered XML is parsed strictly; docxtpl's own parse recovers silently and could
  drop content.
- Uploaded templates are zip files: sizes, ratio and entry count are checked from the
  central directory before anything is decompressed (checks.py).
- Parsing a template (python-docx open, docxtpl's XML patching, Jinja compile) costs more
  than rendering it, so the compiled parts are cached by the SHA-256 of the bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.meta
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from jinja2.exceptions import SecurityError
from lxml import etree

from naskah_shared.render.checks import ZipLimits, check_contained, check_zip
from naskah_shared.render.ports import Image, Link, TemplateError, TemplateErrorCode
from naskah_shared.render.sandbox import TICK, LimitedSandbox, RenderLimit, budget, with_ticks

Code = TemplateErrorCode

_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def make_environment() -> jinja2.Environment:
    """The sandbox (sandbox.py): escaping no template can switch off, bounded work."""
    return LimitedSandbox(undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class _Parsed:
    """A template's compiled parts (by part name), its undeclared names and its plain text."""

    parts: Mapping[str, jinja2.Template]
    names: frozenset[str]
    text: str


class _CachedDocxTemplate(DocxTemplate):  # type: ignore[misc]  # docxtpl ships no types
    """docxtpl's template with the XML patching and Jinja compile replaced by the cached result."""

    def __init__(self, data: bytes, parsed: _Parsed) -> None:
        super().__init__(io.BytesIO(data))
        self._parsed = parsed

    def build_xml(self, context: Mapping[str, Any], jinja_env: jinja2.Environment | None = None) -> str:
        return self.render_xml_part(None, self.docx._part, context, jinja_env)

    def build_headers_footers_xml(self, context: Mapping[str, Any], uri: str,
                                  jinja_env: jinja2.Environment | None = None) -> Iterator[tuple[str, bytes]]:
        for rel_key, part in self.get_headers_footers(uri):
            yield rel_key, self.render_xml_part(None, part, context, jinja_env).encode("utf-8")

    def render_xml_part(self, src_xml: str | None, part: Any, context: Mapping[str, Any],
                        jinja_env: jinja2.Environment | None = None) -> str:
        template = self._parsed.parts.get(str(part.partname))
        if template is None:  # a part the cache does not know (footnotes): docxtpl's own path
            return str(super().render_xml_part(src_xml, part, context, jinja_env))
        self.current_rendering_part = part
        dst = template.render(context)
        # The same post-processing docxtpl applies after rendering a part.
        dst = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst)
        dst = dst.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing turns \n \t \a \f in values into breaks; a third of the render time, so only if needed.
        return str(self.resolve_listing(dst)) if _LISTING_CHARS.search(dst) else dst

    def fix_tables(self, xml: str) -> Any:
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
                tpl.render(_bound(tpl, context), jinja_env=self._env)
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


def _bound(tpl: DocxTemplate, value: Any) -> Any:
    """Swap `Image` and `Link` values for docxtpl's `InlineImage` and `RichText`, bound to this render."""
    if isinstance(value, Image):
        return InlineImage(tpl, io.BytesIO(value.data), width=Mm(value.width_mm) if value.width_mm else None,
                           height=Mm(value.height_mm) if value.height_mm else None)
    if isinstance(value, Link):
        return RichText(value.url, url_id=tpl.build_url_id(value.url), color=value.color, underline=value.underline)
    if isinstance(value, Mapping):
        return {k: _bound(tpl, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bound(tpl, v) for v in value]
    return value
