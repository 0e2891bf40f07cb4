"""`init_web`: the API (flask-smorest + OpenAPI), errors, request ids, health."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request
from flask_smorest import Api

from naskah_shared.logs import correlation_id
from naskah_shared.web.errors import ApiError, ErrorResponseSchema, register_error_handlers
from naskah_shared.web.guards import init_guards

log = logging.getLogger("naskah.http")

Check = Callable[[], None]  # raises when the dependency is not ready


_IDEMPOTENCY_KEY = {  # naskah_shared.web.idempotency, on every POST
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "Any 1-200 printable ASCII characters naming this request: a retry with the same key and "
                   "the same request gets the first answer (header Idempotent-Replayed: true) instead of a second "
                   "effect; with a different request, 422 idempotency_key_reused; while the first still runs, "
                   "409 idempotency_in_progress with Retry-After.",
}


class NaskahApi(Api):  # type: ignore[misc]  # flask-smorest ships no types: its Api is Any to mypy
    """flask-smorest's Api documenting naskah's error body (not its own) on every operation, and the
    Idempotency-Key header on every POST."""

    ERROR_SCHEMA = ErrorResponseSchema

    def register_blueprint(self, blp: Blueprint, **options: Any) -> None:  # a flask-smorest Blueprint
        super().register_blueprint(blp, **options)
        for operations in self.spec._paths.values():  # apispec keeps no public view of the paths
            post = operations.get("post")
            if post is not None:
                parameters = post.setdefault("parameters", [])
                if not any(p.get("name") == _IDEMPOTENCY_KEY["name"] for p in parameters):
                    parameters.append(dict(_IDEMPOTENCY_KEY))


def init_web(app: Flask, *, title: str, version: str = "1.0", description: str = "",
             checks: Mapping[str, Check] | None = None,
             error_mapping: Mapping[type[Exception], Callable[[Exception], ApiError]] | None = None) -> Api:
    app.config.setdefault("API_TITLE", title)
    app.config.setdefault("API_VERSION", version)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": description}})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    api = NaskahApi(app)
    register_error_handlers(app, error_mapping)  # after Api: replaces its error shape with ours
    _request_ids(app)
    init_guards(app)  # after the request id, so a refused request still carries one
    app.register_blueprint(_health_blueprint(dict(checks or {})))
    return api


def _request_ids(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        rid = request.headers.get("X-Request-ID", "")
        if not (0 < len(rid) <= 100 and rid.replace("-", "").isalnum()):
            rid = str(uuid.uuid4())
        g.request_id = rid
        g.correlation_token = correlation_id.set(rid)
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.path not in ("/healthz", "/readyz"):
            log.info("%s %s %s", request.method, request.path, response.status_code,
                     extra={"status": response.status_code,
                            "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)})
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            correlation_id.reset(token)


def _health_blueprint(checks: dict[str, Check]) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @bp.get("/readyz")
    def readyz() -> Response | tuple[Response, int]:
        failures: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
            except Exception as exc:  # any failure means not ready; say which and why
                failures[name] = f"{type(exc).__name__}: {exc}"[:300]
        if failures:
            body = {"error": {"code": "not_ready", "message": "Some dependencies are not reachable.",
                              "details": failures}}
            return jsonify(body), 503
        return jsonify(status="ready", checks=sorted(checks))

    return bp
