"""Who is looking at a page: the person's session cookie, role checks and CSRF, for every page blueprint.

- `current_person()`: the logged-in person, or None (no cookie, logged out, idle too long, expired).
- `@require_person("kabid", "kadis")`: not logged in → 302 to the login page with `?next=`; logged in
  with another role → the Indonesian 403 page. With no roles, any logged-in person may enter.
- CSRF: every POST/PUT/PATCH/DELETE to a page (any path outside `/api/`) must carry the token as the
  form field `csrf_token` or the header `X-CSRF-Token` (fetch() from static JS), else 403. A logged-in
  person's token lives in their server-side session; before login (the login form, the public upload
  form) it is a random value in its own cookie (double submit), which another site can neither read nor set.
- Templates get `csrf_token()` and `person` as Jinja globals.

The session cookie is HttpOnly, SameSite=Lax, Secure over https, scoped to the service's script root.
Session ids and passwords are never logged.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, g, redirect, render_template, request, url_for

from signature_service.api.container import container
from signature_service.service_layer.people import Person, PersonSession

SESSION_COOKIE = "naskah_session"
CSRF_COOKIE = "naskah_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
F = TypeVar("F", bound=Callable[..., Any])


def _people() -> Any:
    return container().people


def _session() -> PersonSession | None:
    if "person_session" not in g:
        sid = request.cookies.get(SESSION_COOKIE, "")
        g.person_session = _people().session(sid) if sid else None
    return g.person_session


def current_person() -> Person | None:
    """The person logged in on this request (last use refreshed), or None."""
    session = _session()
    return session.person if session else None


def csrf_token() -> str:
    """The token a form or fetch() on this page must send back."""
    session = _session()
    if session is not None:
        return session.csrf_token
    token = request.cookies.get(CSRF_COOKIE, "")
    if not (20 <= len(token) <= 100):
        token = g.get("new_csrf") or secrets.token_urlsafe(32)
        g.new_csrf = token  # set as a cookie after the request
    return token


def safe_next(target: str | None, default: str = "/inbox") -> str:
    """`target` when it is a path inside this service (never another host, scheme or `//host`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def forbidden(message: str = "Halaman ini bukan untuk peran Anda.") -> tuple[str, int]:
    """The Indonesian 403 page."""
    return render_template("forbidden.html", message=message), 403


def require_person(*roles: str) -> Callable[[F], F]:
    """A page view for logged-in people with one of `roles` (any role when none is given)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            person = current_person()
            if person is None:
                here = request.full_path if request.query_string else request.path
                return redirect(url_for("people.login", next=here))
            if roles and person.role not in roles:
                return forbidden()
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def start_session(response: Response, session_id: str) -> None:
    """Put a new session id in its cookie (after login)."""
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Lax", secure=_secure(),
                        path=_cookie_path(), max_age=int(_people().lifetime.total_seconds()))


def end_session(response: Response) -> None:
    """Close the request's session (logout) and clear its cookie."""
    sid = request.cookies.get(SESSION_COOKIE, "")
    if sid:
        _people().close_session(sid)
    g.person_session = None
    response.delete_cookie(SESSION_COOKIE, path=_cookie_path(), secure=_secure(), httponly=True, samesite="Lax")


def _secure() -> bool:
    settings = container().settings
    return request.is_secure or settings.public_url.startswith("https://")


def _cookie_path() -> str:
    return request.script_root or "/"


def _is_page_write() -> bool:
    # A route that does not exist (or not for this method) answers its own JSON 404/405 first.
    return request.method in UNSAFE and request.url_rule is not None and not request.path.startswith("/api/")


def init_people(app: Flask) -> None:
    """Install the CSRF check and the Jinja globals on `app`."""
    app.jinja_env.globals.update(csrf_token=csrf_token)

    @app.context_processor
    def _person() -> dict[str, Any]:  # `person` as a value in templates, the function stays callable too
        return {"person": current_person() if request else None}

    @app.before_request
    def _check_csrf() -> Any:
        if not _is_page_write():
            return None
        given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
        session = _session()
        expected = session.csrf_token if session else request.cookies.get(CSRF_COOKIE, "")
        if not (given and expected and hmac.compare_digest(given.encode(), expected.encode())):
            return forbidden("Formulir ini kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
        return None

    @app.after_request
    def _set_csrf_cookie(response: Response) -> Response:
        token = g.get("new_csrf")
        if token:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Lax", secure=_secure(),
                                path=_cookie_path())
        if g.get("person_session") is not None or token:
            response.headers["Cache-Control"] = "no-store"  # a person's page must not sit in a shared cache
        return response
