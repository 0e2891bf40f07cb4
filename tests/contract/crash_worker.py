"""Run in a subprocess by the contract tests: a consumer that dies before acknowledging.

usage: crash_worker.py amqp URL QUEUE MARKER | inprocess JOURNAL QUEUE MARKER
It writes MARKER.ready when consuming, MARKER.got when the handler starts, then
kills its own process (os._exit) before the handler can return.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from naskah_shared.messages import Envelope


def main() -> None:
    kind, target, queue, marker = sys.argv[1:5]
    marker_path = Path(marker)

    def handler(envelope: Envelope) -> None:
        marker_path.with_suffix(".got").write_text(envelope.id)
        os._exit(9)

    if kind == "amqp":
        from naskah_shared.bus.amqp import AmqpBus

        bus = AmqpBus(target, "crash-worker", retry_delays_ms=(100, 300))
        bus.subscribe(queue, ["crash.#"], handler)
        bus.start()
        bus.wait_ready()
    else:
        from naskah_shared.bus.inprocess import InProcessBus

        bus = InProcessBus(journal_path=Path(target))
        bus.subscribe(queue, ["crash.#"], handler)
        bus.publish(Envelope(type="crash.now", payload={"n": 1}, producer="crash-worker"))
        bus.start()
    marker_path.with_suffix(".ready").write_text("ready")
    time.sleep(60)
    sys.exit(3)  # the handler never ran


if __name__ == "__main__":
    main()
