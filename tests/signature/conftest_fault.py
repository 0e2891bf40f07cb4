"""What the fault tests of signature-service share: the app on the real stack, and itself in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from signature_service.app import create_app as signature_app
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.conftest import keyed

WORKER = Path(__file__).with_name("sign_worker.py")


@pytest.fixture
def sig(real_stack, dev_pki, animator) -> Iterator[tuple[dict[str, Any], Flask]]:
    """signature-service alone on the real stack (its own database), and the settings to start it again."""
    cfg = real_stack(allow_test_pki=True, pki_dir=str(dev_pki.directory), pki_url=dev_pki.base_url,
                     signature_level="B-B", lockout_attempts=5, lockout_minutes=15)
    app = keyed(signature_app(cfg, migrate=True))
    yield cfg, app
    app.extensions["naskah"].close()


def worker(cfg: dict[str, Any], *args: str, crash: str | None = None, passphrase: str = SIGNER_PASSPHRASES["kadis"],
           extra_env: dict[str, str] | None = None, wait: bool = True) -> Any:
    """signature-service in a process of its own; `crash` names the point where it SIGKILLs itself."""
    env = {**os.environ, "NASKAH_TEST_PASSPHRASE": passphrase, **(extra_env or {})}
    env.pop("NASKAH_TEST_CRASH_AT", None)
    if crash:
        env["NASKAH_TEST_CRASH_AT"] = crash
    argv = [sys.executable, str(WORKER), json.dumps(cfg), *args]
    if not wait:
        return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(argv, env=env, capture_output=True, timeout=180)
