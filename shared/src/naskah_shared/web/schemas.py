"""Schemas more than one service's HTTP contract uses."""

from __future__ import annotations

from marshmallow import Schema, fields


class DocumentRefSchema(Schema):
    """One stored object version, as events and APIs name documents (never their bytes)."""

    bucket = fields.String()
    key = fields.String()
    version_id = fields.String()
    sha256 = fields.String()
