"""signature-service service_layer."""
