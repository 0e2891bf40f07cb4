"""Checks on every request before any view parses it: nesting depth, NUL characters, oversized numbers.

Why here and not in the schemas: Python's `json` recurses once per nesting level, so a
100 000-deep body raises `RecursionError` (a 500) inside the parser, before marshmallow
ever sees it; PostgreSQL refuses NUL in text columns with a driver error at commit. Both
are refused up front, for every endpoint, with the shared error shape.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from flask import Flask, request

from naskah_shared.web.errors import ApiError

MAX_JSON_DEPTH = 32  # naskah's deepest document (an SK's anggota list of objects) nests 3
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body`, counted without parsing it (C-speed scans)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET).translate(_DEPTH_STEP)
    if not brackets:
        return 0
    return max(accumulate(memoryview(brackets).cast("b")))


def _has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > MAX_JSON_DEPTH:
        return False
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


def init_guards(app: Flask) -> None:
    @app.before_request
    def _guard() -> None:
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            raise ApiError(422, "invalid_input", "The request holds a NUL character.", {"where": "url"})
        if request.is_json and request.content_length != 0:
            body = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH
            depth = json_depth(body)
            if depth > MAX_JSON_DEPTH:
                raise ApiError(400, "too_deep", f"The JSON body nests {depth} levels; the limit is {MAX_JSON_DEPTH}.",
                               {"depth": depth, "max_depth": MAX_JSON_DEPTH})
            if b"\x00" in body or _has_nul(request.get_json(silent=True)):
                raise ApiError(422, "invalid_input", "The JSON body holds a NUL character (\\u0000).",
                               {"where": "json"})
        elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded") and any(
                "\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)):
            raise ApiError(422, "invalid_input", "A form field holds a NUL character.", {"where": "form"})
