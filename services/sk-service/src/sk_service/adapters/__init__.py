"""sk-service's implementations of its ports: docxtpl, the formulir PDF, SQLAlchemy."""
