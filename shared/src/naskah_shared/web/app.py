"""`service_app`: the part of every service's `create_app` that is the same."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, g
from flask_smorest import Blueprint
from werkzeug.middleware.proxy_fix import ProxyFix

from naskah_shared import logs
from naskah_shared.config import Settings, redacted
from naskah_shared.web.api import init_web
from naskah_shared.web.auth import key_scopes, parse_keys, require_api_keys
from naskah_shared.web.errors import ApiError
from naskah_shared.web.idempotency import install_for

log = logging.getLogger(__name__)


def service_app(import_name: str, settings: Settings, container: Any, *, title: str, description: str,
                blueprints: Iterable[Blueprint],
                error_mapping: Mapping[type[Exception], Callable[[Exception], ApiError]] | None = None,
                plain_blueprints: Iterable[Any] = (), auth_exempt: Callable[[], bool] = lambda: False,
                checks: Mapping[str, Callable[[], None]] | None = None) -> Flask:
    """A Flask app with naskah's API, errors, request ids and health, holding `container`.

    `container` has `.runtime` (naskah_shared.runtime.Runtime) and `.close()`; `checks` are readiness
    checks beyond the runtime's bus, store and database.
    """
    logs.configure(settings.service, settings.log_level)
    app = Flask(import_name)
    if settings.proxy_hops:  # only then is X-Forwarded-For the client's address, not a claim
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)  # type: ignore[method-assign]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_mb * 1024 * 1024
    app.config["SECRET_KEY"] = settings.secret_key or "embedded"
    api = init_web(app, title=title, description=description, checks={**container.runtime.checks(), **(checks or {})},
                   error_mapping=error_mapping)
    require_api_keys(app, parse_keys(settings.api_keys), exempt=auth_exempt, scopes=key_scopes(settings.api_keys))
    install_for(app, container.runtime)  # Idempotency-Key on POSTs; after the key check, which names the caller
    for bp in blueprints:
        api.register_blueprint(bp)
    for bp in plain_blueprints:  # pages, not part of the OpenAPI document
        app.register_blueprint(bp)
    _label_logs(app, settings.service)
    app.extensions["naskah"] = container
    log.info("app created", extra={"settings": redacted(settings)})
    return app


def _label_logs(app: Flask, service: str) -> None:
    """Every log line written while this app handles a request says it is from `service`."""

    @app.before_request
    def _label() -> None:
        g.service_token = logs.service_name.set(service)

    @app.teardown_request
    def _unlabel(_exc: BaseException | None) -> None:
        token = g.pop("service_token", None)
        if token is not None:
            logs.service_name.reset(token)
