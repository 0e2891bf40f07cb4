"""Run in a subprocess by the fault tests: signature-service in a process of its own, on the test's database.

usage: sign_worker.py CONFIG_JSON sign REQUEST_ID SIGNER
       sign_worker.py CONFIG_JSON batch BATCH_ID SIGNER
       sign_worker.py CONFIG_JSON guess REQUEST_ID[,REQUEST_ID…] SIGNER THREADS
The passphrase comes in NASKAH_TEST_PASSPHRASE. NASKAH_TEST_CRASH_AT makes the process SIGKILL itself:
`signature-intent` just before a signed PDF goes to the archive, `signature-stored` just after (before the
commit), `batch-letter-N` once N documents of a batch are signed. `guess` sends THREADS parallel signatures
and prints, as JSON, how many times the key was really tried and the answer each thread got.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from datetime import timedelta

from naskah_shared.storage.ports import Buckets
from signature_service.app import create_app
from signature_service.service_layer.commands import Client, Sign, SignBatch


def arm_crash(box, where: str) -> None:
    """Wrap the store (or the signing call) so that this process dies by SIGKILL exactly at `where`."""
    store, signing = box.signing.store, box.signing
    real_put, real_sign = store.put, signing.sign

    def put(bucket, *args, **kwargs):
        final = bucket == Buckets.SIGNED or "signed-" in args[0]
        if final and where == "signature-intent":
            os.kill(os.getpid(), signal.SIGKILL)
        stored = real_put(bucket, *args, **kwargs)
        if final and where == "signature-stored":
            os.kill(os.getpid(), signal.SIGKILL)
        return stored

    signed = [0]

    def sign(*args, **kwargs):
        result = real_sign(*args, **kwargs)
        signed[0] += 1
        if where == f"batch-letter-{signed[0]}":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    if where.startswith("signature-"):
        store.put = put
    elif where.startswith("batch-letter-"):
        signing.sign = sign


def main() -> int:
    config, mode, target, who = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    app = create_app(config)
    box = app.extensions["naskah"]
    account, passphrase = box.accounts[who], os.environ["NASKAH_TEST_PASSPHRASE"]
    arm_crash(box, os.environ.get("NASKAH_TEST_CRASH_AT", ""))
    if mode == "sign":
        box.signing.sign(Sign(target, account, passphrase, Client("127.0.0.9", "sign-worker")))
        return 0
    if mode == "batch":
        import signature_service.service_layer.batches as batches

        batches.LEASE, batches.HEARTBEAT_S = timedelta(seconds=3), 1.0  # a dead job shows as such in 3 s
        box.batches.sign(SignBatch(target, account, passphrase, Client("127.0.0.9", "sign-worker")))
        for thread in list(box.batches._threads.values()):
            thread.join(timeout=120)
        return 0
    opened, lock = [0], threading.Lock()
    real_open = box.keyring._open

    def counting(acc, phrase):  # the key really tried: what the lockout must bound
        with lock:
            opened[0] += 1
        return real_open(acc, phrase)

    box.keyring._open = counting
    answers: list[str] = []
    targets = target.split(",")
    start = threading.Barrier(int(sys.argv[5]))

    def guess(i: int) -> None:
        start.wait(timeout=30)
        at = float(os.environ.get("NASKAH_TEST_START_AT", "0"))  # two processes start their guesses together
        time.sleep(max(0.0, min(30.0, at - time.time())))
        try:
            request_id = targets[i % len(targets)]  # on many requests: no row lock of one request serialises them
            box.signing.sign(Sign(request_id, account, f"salah-{os.getpid()}-{i}", Client("127.0.0.9", "guess")))
            answers.append("signed")
        except Exception as exc:
            answers.append(getattr(getattr(exc, "code", None), "value", None) or type(exc).__name__)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(int(sys.argv[5]))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    print(json.dumps({"opened": opened[0], "answers": answers}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
