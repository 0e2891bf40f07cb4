"""Issue 13: the SOP flow on the real stack while faults are injected, in turn, round after round.

Separate processes (`python -m X serve`, two gunicorn workers for sk-service and signature-service), the
real RabbitMQ, PostgreSQL, SeaweedFS S3, LibreOffice and PKI. Each flow meets one fault at the phase where
it hurts: the broker closing every connection of the run's vhost while letters are produced, the S3 server
stopped and started while documents are prepared for signing, PostgreSQL backends terminated while the
batch is signed, a worker SIGKILLed mid-conversion (the one holding a letter's lease) and mid-signature
(the one between a letter's archive write and its commit). After each round every store is reconciled
with the others; the table at the end must show zeros.

NASKAH_CHAOS_ROUNDS (default 5) rounds of each fault; NASKAH_CHAOS_LANES (default 4) flows at once.
"""

from __future__ import annotations

import os
import queue
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from minio.error import S3Error

from naskah_shared.storage.ports import ObjectNotFound, StoreUnavailable
from tests.chaos.client import Client, Stats
from tests.chaos.flow import run_flow
from tests.chaos.reconcile import reconcile
from tests.chaos.stack import ChaosStack

pytestmark = [
    pytest.mark.chaos, pytest.mark.slow, pytest.mark.timeout(1200),
    # Found by this run, in sk-service, and fixed (tests/sk/test_letter_outages.py): a letter whose store write
    # failed through an S3 outage longer than its consumer's retries was parked (now an outage is retried
    # without counting, bus/transient.py); a letter leased by a SIGKILLed worker waited out the 180 s lease
    # (now a dead owner on this host is taken over at once, naskah_shared.owners). Then, and fixed: a POST
    # whose worker was SIGKILLed held its Idempotency-Key for 10 min, its retries 409 (now its dead owner's
    # key is taken over at once, tests/security/test_idempotency.py); the Kadis's approval got a 409 when
    # other takers won its peeked nomor three times (tests/sk/test_no_lock_while_converting.py).
]
ROUNDS = int(os.environ.get("NASKAH_CHAOS_ROUNDS", "5"))
LANES = int(os.environ.get("NASKAH_CHAOS_LANES", "6"))
# How long a reconcile waits for the servers a fault stopped to be back (an S3 restart is up to 3 x 60 s).
RECONCILE_S = 240.0
# Where each fault meets its flow. The worker kills watch the databases for their moment in a thread
# started at `archived` (just before the Surat Edaran, then the batch, is asked for).
PHASE = {"broker": "converting", "s3": "approved", "postgres": "signing", "kill-convert": "archived",
         "kill-sign": "archived"}


class Injector:
    def __init__(self, stack: ChaosStack) -> None:
        self.stack = stack
        self.s3_requests: queue.Queue[threading.Event | None] = queue.Queue()  # one restart at a time
        self.errors: list[str] = []
        self.injected: dict[str, int] = {k: 0 for k in PHASE}
        self.hit: dict[str, int] = {"kill-convert": 0, "kill-sign": 0}
        self.lock = threading.Lock()

    def inject(self, fault: str, flow: dict[str, Any]) -> threading.Thread:
        """Start the fault in a thread of its own (the flow carries on into it); answer the thread."""
        target = {"broker": self._broker, "s3": self._s3, "postgres": self._postgres,
                  "kill-convert": self._kill_convert, "kill-sign": self._kill_sign}[fault]
        thread = threading.Thread(target=self._run, args=(fault, target, flow), daemon=True)
        thread.start()
        return thread

    def _run(self, fault: str, target: Any, flow: dict[str, Any]) -> None:
        flow["injected_at"] = time.monotonic()
        try:
            if target(flow) is False:
                return
        except Exception as exc:  # an injection that failed is a failure of the run, said at the end
            self.errors.append(f"{fault}: {exc!r}"[:500])
            return
        with self.lock:
            self.injected[fault] += 1

    def _broker(self, flow: dict[str, Any]) -> None:
        self.stack.close_broker_connections()

    def _s3(self, flow: dict[str, Any]) -> None:
        # weed dies with the thread that started it (PR_SET_PDEATHSIG follows the thread), so it is
        # restarted by one thread that lives as long as the run.
        done = threading.Event()
        self.s3_requests.put(done)
        assert done.wait(timeout=120), "the S3 server did not restart"

    def s3_keeper(self) -> None:
        while (done := self.s3_requests.get()) is not None:
            try:
                self.stack.restart_s3(down_s=2.0)
            except Exception as exc:
                self.errors.append(f"s3 restart: {exc!r}"[:500])
            done.set()

    def _postgres(self, flow: dict[str, Any]) -> None:
        self.stack.kill_database_backends()

    def _kill_convert(self, flow: dict[str, Any]) -> bool:
        """SIGKILL the sk-service worker that holds a lease on one of this flow's letters, as it converts."""
        return self._kill_owner(flow, "sk", "kill-convert", lambda conn: [
            c for (c,) in conn.execute(
                "SELECT l.claimed_by FROM surat_edaran_letters l JOIN surat_edaran s ON s.id = "
                "l.surat_edaran_id WHERE s.sk_id = %s AND l.status = 'pending' AND l.claimed_until > now()",
                (flow["sk_id"],)).fetchall() if c])

    def _kill_sign(self, flow: dict[str, Any]) -> bool:
        """SIGKILL the signature-service worker writing one of this flow's letters to the locked archive."""
        return self._kill_owner(flow, "signature", "kill-sign", lambda conn: [
            o for (o,) in conn.execute(
                "SELECT i.owner FROM archive_intents i JOIN signature_requests r ON r.id = "
                "i.request_id WHERE r.batch_id = %s", (flow.get("se_id") or "-",)).fetchall()])

    def _kill_owner(self, flow: dict[str, Any], service: str, fault: str, owners: Any) -> bool:
        """Watch for the moment through one kept connection: an archive intent lives only while its S3 write
        runs (tens of ms), and a new connection per look (as before) missed one batch of five on a loaded
        machine. Bounded: until the flow is done, at most 600 s (a flow held up by another lane's S3 outage reaches
        its window minutes late: a 90 s watch gave up on one before its letters were signed, and it went unhit)."""
        deadline = time.monotonic() + 600
        conn: psycopg.Connection[Any] | None = None
        try:
            while time.monotonic() < deadline and not flow.get("done"):
                try:
                    conn = conn or self.stack.connect(service)
                    found = owners(conn)
                except psycopg.Error:  # a database backend another fault just ended: look again
                    if conn is not None:
                        conn.close()
                    conn, found = None, []
                pids = {int(o.split(":")[1]) for o in found if o.count(":") >= 2 and o.split(":")[1].isdigit()}
                live = [p for p in pids if p in self.stack.workers(service)]
                if live:
                    self.stack.kill_worker(service, live[0])
                    flow["injected_at"] = time.monotonic()
                    with self.lock:
                        self.hit[fault] += 1
                    return True
                time.sleep(0.005)
        finally:
            if conn is not None:
                conn.close()
        return False  # the flow got past the window before the worker could be caught in it


def test_the_sop_through_faults(tmp_path, amqp_url, dev_pki, animator):
    stack = ChaosStack(tmp_path, amqp_url, dev_pki)
    stats, flows, rounds, failures = Stats(), [], [], []
    # The kills mid-conversion first and together: a dead worker's leases are taken over at once now, but
    # should that regress each would cost its letters sk-service's 180 s lease, and the waits overlap.
    others = [f for _ in range(ROUNDS) for f in ("broker", "s3", "postgres", "kill-sign")]
    random.Random(13).shuffle(others)
    schedule = ["kill-convert"] * ROUNDS + others
    try:
        stack.start()
        injector = Injector(stack)
        keeper = threading.Thread(target=injector.s3_keeper, name="s3-keeper", daemon=True)
        keeper.start()
        client = Client(stats, timeout=300)

        def one(n: int, fault: str) -> dict[str, Any]:
            flow: dict[str, Any] = {"n": n, "fault": fault}
            threads: list[threading.Thread] = []

            def at(phase: str) -> None:
                if phase == PHASE[fault]:
                    threads.append(injector.inject(fault, flow))

            flows.append(flow)
            try:
                flow.update(run_flow(stack, client, n, at, flow))
                flow["done"] = True
                print(f"flow {n:2d} ({fault}) done in {flow['seconds']:.0f} s", flush=True)
            finally:
                flow["ended_at"] = time.monotonic()
                for t in threads:
                    t.join(timeout=120)
            return flow

        with ThreadPoolExecutor(max_workers=LANES) as pool:
            futures = [pool.submit(one, n, fault) for n, fault in enumerate(schedule)]
            for i, future in enumerate(futures):
                try:
                    future.result(timeout=900)
                except Exception as exc:  # a flow that did not finish: counted as lost, the others go on
                    failures.append(f"{schedule[i]}: {exc!r}"[:400])
                if i % LANES == LANES - 1 or i == len(futures) - 1:
                    # Other lanes' flows still run: their outbox rows need not be waited for here.
                    rounds.append(_reconcile(stack, injector, [f for f in flows if f.get("ended_at")],
                                             settle_s=5.0))
        final = _reconcile(stack, injector, flows)
    finally:
        if "injector" in locals():
            injector.s3_requests.put(None)
        stack.stop()
    recovery = max((f["ended_at"] - f["injected_at"] for f in flows if f.get("injected_at")), default=0.0)
    table = {"faults injected": sum(injector.injected.values()), "flows completed": sum(1 for f in flows
                                                                                         if f.get("done")),
             "documents lost": final["lost"], "produced or signed twice": final["produced_twice"]
             + final["signed_twice"], "orphan archive versions": final["orphan_versions"],
             "5xx answered": len(stats.fivexx), "outbox unpublished": final["unpublished"],
             "parked messages": final["parked"], "nomor gaps": final["nomor_gaps"],
             "longest recovery (s)": round(recovery, 1)}
    print("\n" + _table(injector, table, stats))
    for line in [*failures, *injector.errors]:  # why a flow was lost, said (-q would hide it)
        print(f"  {line}")
    assert not failures, failures
    assert not injector.errors, injector.errors
    assert len(stats.fivexx) == 0, stats.fivexx[:5]
    assert all(injector.injected[f] >= ROUNDS for f in PHASE), injector.injected
    assert table["flows completed"] == len(schedule)
    assert all(round_[k] == 0 for round_ in rounds for k in ("lost", "produced_twice", "signed_twice",
                                                             "orphan_versions")), rounds
    assert [table[k] for k in ("documents lost", "produced or signed twice", "orphan archive versions",
                               "outbox unpublished", "parked messages", "nomor gaps")] == [0] * 6, table


def _reconcile(stack: ChaosStack, injector: Injector, flows: list[dict[str, Any]], *,
               settle_s: float = 30.0) -> dict[str, int]:
    """Reconcile once every server a fault stopped is back and healthy (`ChaosStack.unhealthy`), with the S3
    server held up meanwhile (`s3_lock`: no restart starts under the listing); an error from a store a
    fault of another lane is still hitting (a terminated backend) is looked at again. Bounded: RECONCILE_S."""
    deadline = time.monotonic() + RECONCILE_S
    last: object = None
    revived = False
    while time.monotonic() < deadline:
        if not stack.s3_lock.acquire(timeout=max(0.1, deadline - time.monotonic())):
            break  # a restart outlasted the bound: said below
        try:
            problems = stack.unhealthy()
            if not problems:
                try:
                    return reconcile(stack, flows, settle_s=settle_s)
                except (StoreUnavailable, ObjectNotFound, S3Error, psycopg.Error) as exc:
                    last = exc
            else:
                last = problems
            if not stack.s3.running and injector.s3_requests.empty() and not revived:
                # Down with no restart under way (the lock is ours) nor to come: a restart failed (said in
                # injector.errors); the keeper, whose thread the server must live in, starts it again.
                injector.s3_requests.put(threading.Event())
                revived = True
        finally:
            stack.s3_lock.release()
        time.sleep(1.0)
    raise AssertionError(f"the stores were not back and healthy within {RECONCILE_S:.0f} s: {last!r}")


def _table(injector: Injector, table: dict[str, Any], stats: Stats) -> str:
    rows = [("faults injected", ", ".join(f"{k} {v}" for k, v in injector.injected.items())
             + f" (caught in the window: kill-convert {injector.hit['kill-convert']}, "
               f"kill-sign {injector.hit['kill-sign']})"),
            *((k, str(v)) for k, v in table.items()),
            ("503 with Retry-After / connections cut (retried)", f"{stats.unavailable} / {stats.cut}")]
    width = max(len(k) for k, _ in rows)
    return "\n".join(["chaos run", "-" * (width + 40), *(f"{k:<{width}}  {v}" for k, v in rows)])
