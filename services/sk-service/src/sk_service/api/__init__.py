"""sk-service's HTTP contract: blueprints and marshmallow schemas; calls only the service layer."""
