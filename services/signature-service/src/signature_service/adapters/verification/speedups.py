"""A faster reader for PDF hex strings, installed into pyHanko's parser.

pyHanko reads ``<…>`` one byte at a time through Python generators; a signature's /Contents is a hex
string of 16-64 KB, so that loop alone was about half of the time spent opening a signed SK. This reader
finds the closing ``>`` with one ``bytes.find`` and gives the same result and the same errors; a hex string
holding a comment (``%``, which pyHanko's reader skips) is left to the original code.
"""

from __future__ import annotations

import binascii
import os
from typing import BinaryIO

from pyhanko.pdf_utils import generic
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


def install() -> None:
    """Idempotent: pyHanko's ``read_object`` looks the function up in its module at each call."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
