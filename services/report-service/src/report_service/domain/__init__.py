"""The report's domain: the SOP and the activity aggregate (standard library only)."""
