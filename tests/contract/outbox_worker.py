"""Run in a subprocess: commit a state change with its event, then die before any relay runs.

usage: outbox_worker.py DATABASE_URL  (prints the event id)
"""

from __future__ import annotations

import os
import sys

from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from naskah_shared.db.engine import make_engine
from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.messages import Envelope
from tests.contract.outbox_schema import metadata, sks, tables


def main() -> None:
    engine = make_engine(sys.argv[1])
    metadata.create_all(engine)
    uow = SqlUnitOfWork(sessionmaker(engine), tables, producer="sk-service")
    with uow:
        uow.session.execute(insert(sks).values(id="sk-1", status="submitted"))
        event = uow.emit(Envelope(type="sk.submitted", payload={"sk_id": "sk-1", "by": "kasubid-1"},
                                  producer="sk-service"))
        uow.commit()
    print(event.id, flush=True)
    os._exit(9)  # killed after the commit, before the relay could publish


if __name__ == "__main__":
    main()
