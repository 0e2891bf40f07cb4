"""Hot spots of verification made faster without changing their results, and pyHanko's logs kept short.

1. PDF tokens. pyHanko's parser reads names byte by byte (``read_until_delimiter``) and decodes them byte
by byte (``_decode_name``); a form with thousands of fields spent most of its time there. The fast paths
below find the end of a token with one regular expression and take plain names (no ``#`` escape) as they
are; anything unusual goes to pyHanko's own code. PDF hex strings: pyHanko reads ``<…>`` one byte at a time
through Python generators; a signature's /Contents is a hex
string of 16-64 KB, so that loop alone was about half of the time spent opening a signed SK. This reader
finds the closing ``>`` with one ``bytes.find`` and gives the same result and the same errors; a hex string
holding a comment (``%``, which pyHanko's reader skips) is left to the original code.

2. X.500 name comparison. asn1crypto compares names after RFC 4518 string preparation, a pure function of
the string that costs about 0.4 ms per value and is redone for every freshly parsed certificate; building
a validation context from a DSS and finding a path compares hundreds of names. The same few dozen strings
recur in every naskah document, so a bounded memo of that function removes most of the cost. Two names with
the same DER encoding are equal without that comparison (the converse does not hold, so different
encodings still get RFC 5280's comparison), and a name's ``hashable`` form is computed once per object.

3. Cross-reference lookups. ``XRefCache.get_introducing_revision``, ``get_last_change`` and
``get_historical_ref`` scan every xref section on each call, and the difference analysis calls them for
every object of every pair of revisions: with 24 signatures that is hundreds of thousands of scans. The
sections never change once the file is read, so each answer is remembered on the cache object.

4. pyHanko logs a warning with a full traceback for many problems of a signature it can still report on; an
uploaded file with thousands of broken parts then wrote megabytes of tracebacks per request. The verdict is
in the answer: the log keeps the one-line message.
"""

from __future__ import annotations

import binascii
import functools
import logging
import os
import re
from typing import BinaryIO

from asn1crypto import x509
from pyhanko.pdf_utils import generic, misc, reader, xref
from pyhanko.pdf_utils.misc import PdfStreamError

_WHITESPACE = b" \n\r\t\f\x00"
_HEX = b"0123456789abcdefABCDEF"
_CHUNK = 1 << 16
_original = generic.read_hex_string_from_stream


def read_hex_string_from_stream(stream: BinaryIO) -> generic.ByteStringObject | generic.TextStringObject:
    start = stream.tell()
    stream.read(1)  # the '<'
    parts = []
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            raise PdfStreamError("Stream ended prematurely")
        end = chunk.find(b">")
        body = chunk if end < 0 else chunk[:end]
        if b"%" in body:  # a comment inside the string: the original reader's business
            stream.seek(start, os.SEEK_SET)
            return _original(stream)
        parts.append(body)
        if end >= 0:
            stream.seek(end - len(chunk) + 1, os.SEEK_CUR)
            break
    digits = b"".join(parts).translate(None, _WHITESPACE)
    bad = digits.translate(None, _HEX)
    if bad:
        raise PdfStreamError("Unexpected token in hex string: " + repr(bad[:1]))
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_DELIMITER = re.compile(rb"[ \n\r\t\f\x00()<>\[\]{}/%]")
# printable, not a delimiter, no '#': nothing to unescape and nothing pyHanko refuses
_PLAIN_NAME = re.compile(b"[" + re.escape(bytes(b for b in range(0x21, 0x7F) if b not in b"#%()/<>[]{}")) + b"]*")
_original_until_delimiter = misc.read_until_delimiter
_original_decode_name = generic._decode_name


def read_until_delimiter(stream: BinaryIO) -> bytes:
    """misc.read_until_delimiter: the bytes up to a delimiter or whitespace, left unread (or to the end)."""
    start = stream.tell()
    parts: list[bytes] = []
    consumed = 0
    while True:
        chunk = stream.read(256)
        if not chunk:
            return b"".join(parts)
        m = _DELIMITER.search(chunk)
        if m is not None:
            parts.append(chunk[: m.start()])
            stream.seek(start + consumed + m.start(), os.SEEK_SET)
            return b"".join(parts)
        parts.append(chunk)
        consumed += len(chunk)


def _decode_name(name_bytes: bytes) -> generic.NameObject:
    if _PLAIN_NAME.fullmatch(name_bytes):
        return generic.NameObject("/" + name_bytes.decode("ascii"))
    return _original_decode_name(name_bytes)


_original_prep = x509.NameTypeAndValue._ldap_string_prep


@functools.lru_cache(maxsize=4096)
def _ldap_string_prep(string: str) -> str:
    return _original_prep(None, string)  # the method does not use ``self``


_original_name_eq = x509.Name.__eq__
_original_hashable = x509.Name.hashable


def _name_eq(self: x509.Name, other: object) -> bool:
    if isinstance(other, x509.Name) and self.dump() == other.dump():
        return True
    return _original_name_eq(self, other)


def _name_hashable(self: x509.Name) -> str:
    cached = self.__dict__.get("_naskah_hashable")
    if cached is None:
        cached = self.__dict__["_naskah_hashable"] = _original_hashable.fget(self)
    return cached


def _prep_method(self: x509.NameTypeAndValue, string: str) -> str:
    return _ldap_string_prep(string) if isinstance(string, str) and len(string) <= 256 else _original_prep(self, string)


class _NoTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


_QUIET = _NoTraceback()


def quiet_pyhanko_logs() -> None:
    """A logger's filters do not apply to its children, so each pyHanko module's logger gets the filter."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("pyhanko", "pyhanko_certvalidator"):
            logger = logging.getLogger(name)
            if _QUIET not in logger.filters:
                logger.addFilter(_QUIET)


def _remember(name: str, with_revision: bool) -> None:
    original = getattr(xref.XRefCache, name)
    if getattr(original, "_naskah_memo", False):
        return

    def remembered(self: xref.XRefCache, ref: generic.Reference, *args: object) -> object:
        memo = self.__dict__.setdefault(f"_naskah_{name}", {})
        key = (ref.idnum, ref.generation, *args) if with_revision else (ref.idnum, ref.generation)
        hit = memo.get(key)
        if hit is None:
            try:
                hit = (True, original(self, ref, *args))
            except KeyError:
                hit = (False, None)
            memo[key] = hit
        if not hit[0]:
            raise KeyError(ref)
        return hit[1]

    remembered._naskah_memo = True  # type: ignore[attr-defined]
    setattr(xref.XRefCache, name, remembered)


def install() -> None:
    """Idempotent. pyHanko's ``read_object`` looks the hex reader up in its module at each call."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    generic._decode_name = _decode_name
    for module in (misc, generic, reader, xref):  # each imported the function by name
        if getattr(module, "read_until_delimiter", None) is _original_until_delimiter:
            module.read_until_delimiter = read_until_delimiter
    x509.NameTypeAndValue._ldap_string_prep = _prep_method
    if x509.Name.__eq__ is _original_name_eq:
        x509.Name.__eq__ = _name_eq
        x509.Name.__ne__ = lambda self, other: not _name_eq(self, other)
        x509.Name.__hash__ = None  # as before: asn1crypto's Name defines __eq__ without __hash__
        x509.Name.hashable = property(_name_hashable)
    _remember("get_introducing_revision", False)
    _remember("get_last_change", False)
    _remember("get_historical_ref", True)
    quiet_pyhanko_logs()
