"""The SK and the Surat Edaran, their states and the office's rules (standard library only)."""
