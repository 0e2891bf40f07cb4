"""signature-service's HTTP contract."""
