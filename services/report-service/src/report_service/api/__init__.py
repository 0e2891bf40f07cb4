"""report-service's HTTP contract."""
