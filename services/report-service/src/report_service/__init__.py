"""naskah report-service."""
