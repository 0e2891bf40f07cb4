"""`python -m report_service migrate|serve|worker`."""

import sys

from naskah_shared.service import main
from report_service.app import create_app, migrate_database

sys.exit(main("report_service", "report_service.app:create_app()", create_app, migrate_database))
