"""sk-service's use cases and the ports they need."""
