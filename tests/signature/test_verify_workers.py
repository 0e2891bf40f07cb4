"""Verification in worker processes: a worker past its budget is killed (its CPU is freed at once, not when
its current step ends), a worker that dies is replaced, and what a worker logs reaches the caller's log."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from signature_service.adapters.verification import PadesVerifier, VerificationLimits
from signature_service.adapters.verification.workers import WorkerPool
from signature_service.service_layer.ports import Indication, VerificationError


def _pids(pool: WorkerPool) -> set[int]:
    return {w.process.pid for w in pool._idle}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_worker_past_its_budget_is_killed_and_replaced(verify_corpus, dev_pki):
    pool = WorkerPool(1)
    pool.warm()
    assert pool.ready(60)
    [before] = _pids(pool)
    hurried = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=0.3), pool=pool)
    report = hurried.verify_document(verify_corpus["fields_3000_one_signature"].read_bytes())  # ~2 s of work
    assert not report.complete and report.indication is Indication.INDETERMINATE
    assert not _alive(before) or os.waitpid(before, os.WNOHANG)  # gone, not finishing its step
    assert pool.ready(30) and _pids(pool) != {before}
    patient = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60), pool=pool)
    assert patient.verify_document(verify_corpus["pyhanko_api"].read_bytes()).signatures  # the new one works


def test_a_worker_killed_from_outside_mid_job_is_an_answer_not_a_hang(verify_corpus, dev_pki):
    pool = WorkerPool(1)
    pool.warm()
    assert pool.ready(60)
    [pid] = _pids(pool)
    patient = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60), pool=pool)
    threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()  # as the OOM killer would
    started = time.monotonic()
    report = patient.verify_document(verify_corpus["fields_3000_one_signature"].read_bytes())
    assert time.monotonic() - started < 30  # not the 60 s budget: the caller saw the pipe close
    assert not report.complete
    assert pool.ready(30) and pid not in _pids(pool)


def test_what_a_worker_logs_reaches_the_callers_log(verify_corpus, dev_pki, caplog):
    patient = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60))
    with caplog.at_level(logging.WARNING):
        patient.verify_document(verify_corpus["fields_1000_one_signature"].read_bytes())
    forwarded = [r for r in caplog.records if r.processName == "naskah-verify"]
    assert forwarded, [r.getMessage() for r in caplog.records]
    assert all(r.exc_info is None and "Traceback" not in r.getMessage() for r in forwarded)


def test_reports_hold_plain_values_only(verify_corpus, dev_pki):
    """A report crosses a process boundary per entry: a pyHanko string object in it once pickled the whole
    PDF object graph along (600 KB a message, ten times the verification's own time)."""
    import pickle

    patient = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60))
    checked = 0
    for name, path in verify_corpus.items():
        try:
            report = patient.verify_document(path.read_bytes())
        except VerificationError:
            continue  # refused whole: nothing crossed
        for entry in report.signatures + report.timestamps:
            checked += 1
            assert type(entry.field) is str, name
            assert len(pickle.dumps(entry)) < 20_000, name
    assert checked > 30
