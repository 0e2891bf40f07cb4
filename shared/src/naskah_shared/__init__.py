"""naskah's common code. Imports no service; services import it."""
