"""What every page shares: static files, the office's name and logo, Indonesian words, security headers.

Every asset is served from here (no CDN, no font host: offices may be offline). The Content-Security-Policy
allows no inline script or style, so every script is a static file and templates carry no `style=`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template, send_file

from naskah_shared.office import OfficeConfig, load_office
from signature_service.api import words
from signature_service.api.container import container

bp = Blueprint("site", __name__, static_folder="../static", static_url_path="/static")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
           "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin"}


@cache
def _office(path: str) -> OfficeConfig:
    return load_office(path or None)


def office() -> OfficeConfig:
    return _office(container().settings.office_file)


def office_zone() -> str:
    return office().zona_waktu


@bp.get("/office/logo")
def logo():
    path = office().logo
    if not path or not Path(path).is_file():
        abort(404)
    return send_file(path, max_age=3600)


class PageNotFound(Exception):
    """A page (not an API route) that does not exist for this viewer: the Indonesian 404 page."""


def not_found() -> PageNotFound:
    return PageNotFound()


@bp.app_errorhandler(PageNotFound)
def _page_not_found(_exc: PageNotFound):
    return render_template("not_found.html"), 404


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"office": office()}


def init_templates(app: Flask) -> None:
    """Filters for Indonesian words; autoescape stays on for every template (Flask's default for .html)."""
    app.jinja_env.filters["waktu"] = lambda value: words.in_office_time(value, office_zone())
    app.jinja_env.filters["tanggal"] = lambda value: words.in_office_time(value, office_zone(), with_time=False)
    app.jinja_env.filters["status_word"] = words.status_word
    app.jinja_env.filters["nama_resmi"] = words.official_name
    app.jinja_env.filters["kind_word"] = words.kind_word
    app.jinja_env.filters["level_word"] = words.level_word


@bp.record_once
def _on_register(state: Any) -> None:
    init_templates(state.app)
