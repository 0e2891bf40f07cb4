"""What every contract is made of: `ContractViolation`, the `DocumentRef` value type, and `Message`, the base
of each message type (its routing key, version and marshmallow schema), with the one way to load and dump it.

A schema keeps fields it does not declare (`unknown = INCLUDE`): producers add names of their own (`sk_id`,
`sk_tim`, a letter's Formulir data), which ride along in `extra` and are written back by `to_payload`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, TypeVar

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, post_dump, post_load, validate


class ContractViolation(ValueError):
    """A message that does not have its contract's shape (the producer's defect, or a forged message)."""


class Shape(Schema):
    """A contract's schema: loads into its `model` (a frozen dataclass), keeps unknown fields in `extra`."""

    class Meta:
        unknown = INCLUDE

    model: ClassVar[type[Any]]

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Any:
        names = {f.name for f in dataclasses.fields(self.model)}
        known = {k: v for k, v in data.items() if k in self.fields and k in names}
        if "extra" in names:
            known["extra"] = {k: v for k, v in data.items() if k not in self.fields}
        return self.model(**known)

    @post_dump(pass_original=True)
    def _extra(self, data: dict[str, Any], original: Any, **_: Any) -> dict[str, Any]:
        return {**getattr(original, "extra", {}), **data}


class Message:
    """A message type: its routing key (`TYPE`, from `naskah_shared.bus.topology.Events`), the version of its
    payload's shape (`VERSION`, the envelope's `version`), and its schema (`SCHEMA`, bound by `shape_of`)."""

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    SCHEMA: ClassVar[type[Shape]]

    def to_payload(self) -> dict[str, Any]:
        """The payload a producer puts in the envelope: the schema's fields, then the producer's own."""
        payload: dict[str, Any] = self.SCHEMA().dump(self)
        return payload

    @classmethod
    def from_payload(cls, payload: object) -> Self:
        """The payload in the shape of today, as `check` wants it at the outbox; else ContractViolation."""
        message: Self = _load(cls.SCHEMA(), cls.TYPE, payload)
        return message

    @classmethod
    def load(cls, payload: object) -> Self:
        """What a consumer reads: also a shape of before still in queues and outboxes; else ContractViolation."""
        return cls.from_payload(cls.upgrade(dict(payload)) if isinstance(payload, Mapping) else payload)

    @staticmethod
    def upgrade(payload: dict[str, Any]) -> dict[str, Any]:
        """A payload of a shape of before, in today's (a type whose shape changed says how)."""
        return payload


S = TypeVar("S", bound=type[Shape])


def shape_of(model: type[Any]) -> Callable[[S], S]:
    """Bind a schema to the dataclass it loads into (and, for a message type, the type to its schema)."""
    def bind(schema: S) -> S:
        schema.model = model
        if issubclass(model, Message):
            model.SCHEMA = schema
        return schema

    return bind


@dataclasses.dataclass(frozen=True)
class DocumentRef:
    """One stored version of a document: bucket, key, version id and SHA-256 (never the bytes)."""

    bucket: str
    key: str
    version_id: str | None
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "key": self.key, "version_id": self.version_id, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: object) -> DocumentRef:
        ref: DocumentRef = _load(DocumentRefSchema(), "document", data)
        return ref


@shape_of(DocumentRef)
class DocumentRefSchema(Shape):
    class Meta:
        unknown = RAISE  # exactly the four names

    bucket = fields.String(required=True, validate=validate.Length(min=1, max=63))
    key = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    version_id = fields.String(required=True, allow_none=True, validate=validate.Length(max=1024))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


def document_field(**kwargs: Any) -> fields.Nested:
    return fields.Nested(DocumentRefSchema, **kwargs)


def _load(schema: Schema, name: str, data: object) -> Any:
    if not isinstance(data, Mapping):
        raise ContractViolation(f"{name}: not an object")
    try:
        return schema.load(dict(data))
    except ValidationError as e:
        raise ContractViolation(f"{name}: {e.messages}") from None
