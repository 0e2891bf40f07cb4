"""naskah signature-service."""
