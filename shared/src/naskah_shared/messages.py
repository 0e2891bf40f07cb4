"""The event envelope (DESIGN §3), versioned, with its marshmallow schema.

Payloads reference documents by bucket, key, version id and SHA-256; they never
carry document bytes.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

ENVELOPE_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class Chain(Protocol):
    """What an event follows from: an envelope being handled, or a command kept (its id and correlation)."""

    @property
    def id(self) -> str: ...
    @property
    def correlation_id(self) -> str: ...


@dataclass(frozen=True)
class Envelope:
    type: str
    payload: dict[str, Any]
    producer: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    version: int = ENVELOPE_VERSION
    occurred_at: datetime = field(default_factory=utcnow)
    correlation_id: str = ""
    causation_id: str | None = None

    def __post_init__(self) -> None:
        if not self.correlation_id:
            # A chain starts with itself as its correlation.
            object.__setattr__(self, "correlation_id", self.id)

    @classmethod
    def following(cls, cause: Chain | None, type: str, payload: dict[str, Any], producer: str, *,
                  version: int = ENVELOPE_VERSION, id: str | None = None) -> Envelope:
        """An event's envelope, on `cause`'s chain when it follows from one (its correlation, it as causation);
        without one the outbox gives it the current request's correlation."""
        event_id = id or str(uuid.uuid4())
        if cause is None:
            return cls(type=type, payload=payload, producer=producer, version=version, id=event_id)
        return cls(type=type, payload=payload, producer=producer, version=version, id=event_id,
                   correlation_id=cause.correlation_id, causation_id=cause.id)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = EnvelopeSchema().dump(self)
        return data

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, body: bytes | str) -> Envelope:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(f"not JSON: {exc}") from exc
        envelope: Envelope = EnvelopeSchema().load(data)  # the schema's post_load makes the Envelope
        return envelope


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # newer producers may add fields; older consumers ignore them

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+(\.[a-z_]+)+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    causation_id = fields.String(load_default=None, allow_none=True)
    producer = fields.String(required=True, validate=validate.Length(min=1, max=100))
    payload = fields.Dict(keys=fields.String(), required=True)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Envelope:
        data["id"] = str(data["id"])
        return Envelope(**data)

