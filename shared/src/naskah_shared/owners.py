"""Who holds a lease (an archive intent, a batch job, a Surat Edaran letter), and whether it is certainly gone.

Shared by signature-service and sk-service (services never import each other).

An owner is `host:pid:boot[:job]`, `boot` being random per process, so a restarted process with a reused pid
is never taken for its predecessor. Gone is said only when it is sure (the same host, and the process no
longer exists or is a zombie); anything else waits for the lease or grace to lapse.
"""

from __future__ import annotations

import os
import secrets
import socket

_boots: dict[int, str] = {}


def process_owner() -> str:
    pid = os.getpid()  # per pid, so a forked gunicorn worker gets its own boot token
    boot = _boots.setdefault(pid, secrets.token_hex(4))
    return f"{socket.gethostname()}:{pid}:{boot}"


def same_process(owner: str) -> bool:
    return owner.split(":")[:3] == process_owner().split(":")


def owner_gone(owner: str) -> bool:
    host, pid, *_ = [*owner.split(":"), "", ""]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return not same_process(owner)  # our pid, another boot: a process before this one
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process has that pid now: not ours, but we cannot tell more
        return False
    try:  # a SIGKILLed worker its parent has not reaped yet is a zombie: gone as well
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
