"""Write deploy/rabbitmq/definitions.json from what the three services subscribe to.

usage: .venv/bin/python scripts/rabbitmq_definitions.py [--check]
The services declare the same queues themselves at start; loading these
definitions first lets RabbitMQ keep events for a service that is still down.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.bus.topology import definitions

TARGET = Path(__file__).resolve().parents[1] / "deploy" / "rabbitmq" / "definitions.json"


def generate() -> str:
    from report_service.app import create_app as report_app
    from signature_service.app import create_app as signature_app
    from sk_service.app import create_app as sk_app

    bus = InProcessBus()
    with tempfile.TemporaryDirectory() as tmp:
        for name, factory in (("sk", sk_app), ("signature", signature_app), ("report", report_app)):
            extra = {"pki_dir": f"{tmp}/pki"} if name == "signature" else {}
            app = factory({"database_url": f"sqlite:///{tmp}/{name}.db", "store_url": f"file://{tmp}/store",
                           "log_level": "ERROR", **extra}, bus=bus)
            app.extensions["naskah"].close()
    return json.dumps(definitions(bus.subscriptions(), vhost="naskah"), indent=2) + "\n"


if __name__ == "__main__":
    text = generate()
    if "--check" in sys.argv:
        sys.exit(0 if TARGET.read_text() == text else "deploy/rabbitmq/definitions.json is out of date")
    TARGET.write_text(text)
