"""Flask helpers every service joins through `init_web(app, ...)`."""

from naskah_shared.web.api import init_web
from naskah_shared.web.errors import ApiError

__all__ = ["ApiError", "init_web"]
