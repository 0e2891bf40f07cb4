"""A minimal service schema for the outbox tests: one state table plus the outbox tables."""

from sqlalchemy import Column, MetaData, String, Table

from naskah_shared.db.outbox import outbox_tables

metadata = MetaData()
sks = Table("sks", metadata, Column("id", String(36), primary_key=True), Column("status", String(30)))
effects = Table("effects", metadata, Column("event_id", String(36), primary_key=True))
tables = outbox_tables(metadata)
