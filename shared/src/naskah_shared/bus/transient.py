"""Which handler failures are an outage of the infrastructure rather than a bad message.

A store that cannot be reached (`StoreUnavailable`), a database connection lost or refused, the broker
away for a publish, no LibreOffice converter to be had (`ConverterUnavailable`, `ConverterBusy`):
retrying the same message later will work, so such a failure must not use up the attempts meant for
messages that can never succeed (a letter parked because S3 restarted for 15 s, seen in the chaos run).
Both bus adapters retry these with capped backoff, without counting them, for at most `TRANSIENT_LIMIT_S`
from the first of them; then the message is parked with the reason like any other.
"""

from __future__ import annotations

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from naskah_shared.bus.ports import BusUnavailable
from naskah_shared.convert.ports import ConverterBusy, ConverterUnavailable
from naskah_shared.db.engine import DatabaseUnavailable
from naskah_shared.storage.ports import StoreUnavailable

TRANSIENT_LIMIT_S = 15 * 60.0  # generous: an outage longer than this is parked for a person to look at
TRANSIENT_HEADER = "x-naskah-transient"  # how many transient failures in a row (sets the backoff)
TRANSIENT_SINCE_HEADER = "x-naskah-transient-since"  # epoch seconds of the first of them
_TRANSIENT = (StoreUnavailable, DatabaseUnavailable, OperationalError, InterfaceError, DisconnectionError,
              BusUnavailable, ConnectionError, ConverterUnavailable, ConverterBusy)


def is_transient(exc: BaseException) -> bool:
    """True when `exc`, or an exception it was raised from, is an outage (bounded walk of the chain)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, _TRANSIENT):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
