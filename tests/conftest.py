"""Fixtures shared by every test tier: real RabbitMQ, PostgreSQL and S3 (SeaweedFS) on loopback."""

pytest_plugins = ["naskah_shared.testing.plugin"]
