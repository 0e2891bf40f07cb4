"""Structured JSON logs carrying a correlation id.

The id lives in a context variable: the web layer sets it from the request's
`X-Request-ID` (or a new one), the bus consumer from the event's
`correlation_id`, so a request and every event it causes share one id.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")
# Which service a log line is from. One process may run all three (the embedded run), so the label is
# not the process's: a request sets it (web/app.py); else the logger's package names its service.
service_name: contextvars.ContextVar[str] = contextvars.ContextVar("service_name", default="")
_PACKAGE_SERVICES = {"sk_service": "sk-service", "signature_service": "signature-service",
                     "report_service": "report-service"}

_RESERVED = set(vars(logging.makeLogRecord({})))


@contextlib.contextmanager
def correlated(cid: str) -> Iterator[None]:
    token = correlation_id.set(cid)
    try:
        yield
    finally:
        correlation_id.reset(token)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": service_name.get() or _PACKAGE_SERVICES.get(record.name.split(".", 1)[0], self.service),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        cid = correlation_id.get()
        if cid:
            entry["correlation_id"] = cid
        # Fields passed as `extra=` join the entry.
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(service: str, level: str = "INFO") -> None:
    """Route the root logger to stderr as JSON lines. Idempotent."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_naskah", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler._naskah = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("pika", "urllib3", "werkzeug", "fontTools", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
