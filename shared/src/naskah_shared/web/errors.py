"""One JSON shape for every error: `{"error": {"code", "message", "details"}}`.

Services raise `ApiError` (or register a mapping from their domain errors);
anything unexpected becomes a 500 with a request id and no stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, g, jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = dict(details or {})


RETRY_AFTER_S = 5  # what a 503 asks the client to wait: a dependency is back within seconds, or still down


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable reason."})
    message = fields.String(required=True)
    details = fields.Dict(required=True, metadata={"description": "More about the error (fields, limits)."})
    request_id = fields.String(metadata={"description": "Quote it when reporting the error."})


class ErrorResponseSchema(Schema):
    """Every error body of every naskah service (the OpenAPI documents name it as their error schema)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def error_response(status: int, code: str, message: str, details: Mapping[str, Any] | None = None) -> Response:
    body: dict[str, dict[str, Any]] = {"error": {"code": code, "message": message, "details": dict(details or {})}}
    rid = g.get("request_id") if g else None
    if rid:
        body["error"]["request_id"] = rid
    response = jsonify(body)
    response.status_code = status
    if status in (429, 503) or "retry_after" in (details or {}):  # how long to wait (details.retry_after, s)
        wait = (details or {}).get("retry_after")
        response.headers["Retry-After"] = str(int(wait) if isinstance(wait, int | float) and wait > 0
                                              else RETRY_AFTER_S)
    return response


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
               422: "invalid_input", 429: "too_many_requests", 503: "unavailable"}


def register_error_handlers(app: Flask,
                            mapping: Mapping[type[Exception], Callable[[Exception], ApiError]] | None = None) -> None:
    """Install the handlers; `mapping` turns a service's domain errors into `ApiError`s."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        details: dict[str, Any] = {}
        data = getattr(exc, "data", None) or {}
        if "messages" in data:  # webargs/flask-smorest validation: {location: {field: [msgs]}}
            details = {"fields": _flatten(data["messages"])}
            message = "The request is not valid: " + "; ".join(
                f"{path}: {' '.join(msgs)}" for path, msgs in list(details["fields"].items())[:5])
        else:
            message = data.get("message") or exc.description or exc.name
        return error_response(status, _HTTP_CODES.get(status, "http_error"), message, details)

    for exc_type, convert in {**_infrastructure_errors(), **(mapping or {})}.items():
        app.register_error_handler(exc_type, lambda e, convert=convert: _api_error(convert(e)))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if (unavailable := database_unavailable(exc)) is not None:
            log.warning("database unavailable", extra={"error_type": type(exc).__name__})
            return _api_error(unavailable)
        log.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return error_response(500, "internal_error", "An internal error occurred; quote the request id.")


def database_unavailable(exc: BaseException) -> ApiError | None:
    """A 503 when `exc` (or what caused it) is the database going away mid-request, else None.

    A terminated backend, a restart or a network cut surfaces from SQLAlchemy as `OperationalError` or
    `InterfaceError`, or as a `DBAPIError` flagged `connection_invalidated`; the request itself was
    fine, so the client should retry. Other database errors (a constraint, bad data) stay what they are.
    """
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    link: BaseException | None = exc
    seen = 0
    while link is not None and seen < 10:  # the chain: a service error may wrap the driver's
        if isinstance(link, OperationalError | InterfaceError) or (
                isinstance(link, DBAPIError) and link.connection_invalidated):
            return ApiError(503, "database_unavailable", "The database is not reachable; try again shortly.")
        link, seen = link.__cause__ or link.__context__, seen + 1
    return None


def _infrastructure_errors() -> dict[type[Exception], Callable[[Exception], ApiError]]:
    """What any service answers when a dependency fails: the request was fine, try again later."""
    from naskah_shared.bus.ports import BusUnavailable
    from naskah_shared.convert import ConversionError, ConverterBusy, ConverterUnavailable
    from naskah_shared.convert.docx_safety import UnsafeDocument
    from naskah_shared.db.engine import DatabaseUnavailable
    from naskah_shared.storage.ports import ObjectNotFound, StoreUnavailable

    def unavailable(code: str) -> Callable[[Exception], ApiError]:
        return lambda e: ApiError(503, code, f"{e}; try again shortly.")

    return {StoreUnavailable: unavailable("store_unavailable"), BusUnavailable: unavailable("bus_unavailable"),
            DatabaseUnavailable: unavailable("database_unavailable"), ConverterBusy: unavailable("converter_busy"),
            ConverterUnavailable: unavailable("converter_unavailable"),
            UnsafeDocument: lambda e: ApiError(422, "unsafe_document", str(e), {"findings": e.findings[:20]}),
            ConversionError: lambda e: ApiError(502, "conversion_failed", str(e)),
            ObjectNotFound: lambda e: ApiError(404, "not_found", str(e))}


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"json": {"anggota": {"0": {"nip": ["bad"]}}}} -> {"anggota.0.nip": ["bad"]}"""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "query", "form", "files", "headers", "path", "view_args"):
                out.update(_flatten(value, ""))
                continue
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for i, item in enumerate(messages):
            out.update(_flatten(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out
