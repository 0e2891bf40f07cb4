"""`python -m signature_service migrate|serve|worker`."""

import sys

from naskah_shared.service import main
from signature_service.app import create_app, migrate_database

sys.exit(main("signature_service", "signature_service.app:create_app()", create_app, migrate_database))
