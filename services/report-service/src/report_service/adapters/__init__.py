"""Technology adapters of report-service."""
