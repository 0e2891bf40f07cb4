"""Test helpers: real servers for test sessions (SeaweedFS) and pytest fixtures."""
