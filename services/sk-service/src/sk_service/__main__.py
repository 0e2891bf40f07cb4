"""`python -m sk_service migrate|serve|worker`."""

import sys

from naskah_shared.service import main
from sk_service.app import create_app, migrate_database

sys.exit(main("sk_service", "sk_service.app:create_app()", create_app, migrate_database))
