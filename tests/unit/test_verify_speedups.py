"""The verification fast paths give what pyHanko's and asn1crypto's own code gives (hypothesis)."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from signature_service.adapters.verification import speedups

TOKEN_BYTES = st.binary(max_size=600) | st.lists(st.sampled_from(
    [b"/", b"#", b"2", b"0", b"a", b"F", b" ", b"\n", b"%", b">", b"<", b"(", b"]", b"\x00", b"\xff", b"x"]),
    max_size=80).map(b"".join)


def outcome(fn, data: bytes):
    stream = io.BytesIO(data)
    try:
        value = fn(stream)
    except (PdfStreamError, ValueError) as e:  # where the stream stopped does not matter: the object is lost
        return ("error", type(e).__name__), None
    return ("ok", value, type(value).__name__), stream.tell()


@settings(max_examples=400, deadline=None)
@given(body=TOKEN_BYTES, closed=st.booleans())
def test_hex_strings_read_alike(body, closed):
    data = b"<" + body + (b">rest" if closed else b"")
    assert outcome(speedups.read_hex_string_from_stream, data) == outcome(speedups._original, data)


@settings(max_examples=400, deadline=None)
@given(data=TOKEN_BYTES)
def test_tokens_end_alike(data):
    assert outcome(speedups.read_until_delimiter, data) == outcome(speedups._original_until_delimiter, data)


@settings(max_examples=400, deadline=None)
@given(name=TOKEN_BYTES)
def test_names_decode_alike(name):
    def run(fn):
        try:
            return fn(name)
        except Exception as e:
            return type(e).__name__

    assert run(speedups._decode_name) == run(speedups._original_decode_name)


@pytest.mark.parametrize(("a", "b", "equal"), [
    ({"common_name": "Kadis"}, {"common_name": "Kadis"}, True),
    ({"common_name": "Kadis"}, {"common_name": "  kadis "}, True),  # RFC 4518: case and spaces
    ({"common_name": "Kadis"}, {"common_name": "Kabid"}, False),
    ({"common_name": "Kadis", "country_name": "ID"}, {"common_name": "Kadis"}, False),
])
def test_names_compare_as_rfc_5280_says(a, b, equal):
    speedups.install()
    left, right = x509.Name.build(a), x509.Name.build(b, use_printable=True)
    assert (left == right) is equal and (left != right) is not equal
    assert (left.hashable == right.hashable) is equal


def test_install_is_idempotent():
    speedups.install()
    speedups.install()
    assert generic.read_hex_string_from_stream is speedups.read_hex_string_from_stream
