"""Database access: engines, the transactional outbox, the unit of work, migrations."""
