"""One SK from `POST /api/sk` to `sk.archived` passes each of sk-service's layers once, in order.

sk-service runs on the embedded adapters (SQLite, the filesystem store, the in-process bus, the plain-text
converter) under a profiler, in every thread, that records each call into a layer with the layer of its caller:
the nearest frame below it on the stack that is in a layer, across the libraries, naskah_shared and the
composition root in between. A module's layer is its package (`sk_service.<layer>`), never a function's name,
so moving code inside a layer changes nothing here.
"""

from __future__ import annotations

import copy
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from naskah_shared.bus.topology import Events
from naskah_shared.contracts.base import DocumentRef
from naskah_shared.contracts.signature import DocumentSigned, Signature
from naskah_shared.messages import Envelope
from sk_service.app import create_app
from tests.conftest import TEST_API_KEYS, TEST_SECRET, keyed
from tests.data import sk_payload
from tests.unit.fakes import PlainTextConverter

BY = {"reviewer": "Kabid/Kadis via tests"}  # the tests' API key vouches for reviews
LAYERS = ("api", "consumers", "service_layer", "domain", "adapters")
PORTS = ("ports", "unit_of_work")  # the service layer's modules that adapters implement (STYLE.md)
ENTRIES = {"api", "consumers"}  # where a request or an event comes in
ALLOWED = {  # caller layer -> the layers it may call
    "api": {"api", "service_layer", "domain"},  # the domain only to read: see `mutations`
    "consumers": {"consumers", "service_layer", "domain"},
    "service_layer": {"service_layer", "ports", "domain", "adapters"},
    "ports": {"ports", "domain"},
    "adapters": {"adapters", "ports", "domain"},
    "domain": {"domain"},
}
Edge = tuple[str | None, str]  # (the caller's layer, None when called from outside sk-service; the callee's)


def layer_of(frame: FrameType) -> str | None:
    """sk_service.<layer>...; None for anything else (libraries, naskah_shared, bootstrap, app, settings)."""
    parts = str(frame.f_globals.get("__name__", "")).split(".")
    if parts[0] != "sk_service" or len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return "ports" if parts[1] == "service_layer" and parts[2:3] and parts[2] in PORTS else parts[1]


class LayerTrace:
    """The (caller layer, callee layer) pairs of every call while running, counted, and the calls from an entry
    layer into the domain that changed an argument (an aggregate mutated past the service layer)."""

    def __init__(self) -> None:
        self.edges: Counter[Edge] = Counter()
        self.mutations: list[tuple[str, str]] = []  # (the entry layer, the domain function)
        # frame id -> (the caller's layer, the arguments, copies of their state at the call)
        self._watched: dict[int, tuple[str, list[Any], list[Any]]] = {}

    def profile(self, frame: FrameType, event: str, arg: object) -> None:
        if event == "return" and id(frame) in self._watched:
            layer, objects, copies = self._watched.pop(id(frame))
            if [_state(o) for o in objects] != copies:
                self.mutations.append((layer, f"{frame.f_globals['__name__']}.{frame.f_code.co_qualname}"))
        if event != "call" or (callee := layer_of(frame)) is None:
            return
        below = frame.f_back
        while below is not None and layer_of(below) is None:
            below = below.f_back
        caller = layer_of(below) if below is not None else None
        self.edges[(caller, callee)] += 1
        if caller in ENTRIES and callee == "domain" and frame.f_code.co_name != "__init__":  # making one is no change
            code = frame.f_code
            names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
            objects = [frame.f_locals[n] for n in names if n in frame.f_locals]
            self._watched[id(frame)] = (caller, objects, [_state(o) for o in objects])

    @contextmanager
    def running(self) -> Iterator[LayerTrace]:
        threading.setprofile(self.profile)  # the bus's and the relay's threads, started inside
        sys.setprofile(self.profile)
        try:
            yield self
        finally:
            sys.setprofile(None)
            threading.setprofile(None)


def _state(obj: Any) -> Any:
    return copy.deepcopy(vars(obj) if hasattr(obj, "__dict__") else obj)


def follow_one_sk(tmp_path: Path) -> tuple[LayerTrace, list[Envelope]]:
    """Draft, submit, the Kabid's and the Kadis's approvals over HTTP; signature-service's document.signed on
    the bus; until sk.archived is published."""
    app = keyed(create_app({"database_url": f"sqlite:///{tmp_path / 'sk.db'}", "bus_url": "memory://",
                            "store_url": f"file://{tmp_path / 'store'}", "secret_key": TEST_SECRET,
                            "api_keys": TEST_API_KEYS, "log_level": "WARNING"},
                           converter=PlainTextConverter(), migrate=True))
    container, archived, trace = app.extensions["naskah"], [], LayerTrace()
    container.runtime.bus.subscribe("test-archived", [Events.SK_ARCHIVED], archived.append)
    try:
        with trace.running():
            container.runtime.start()
            c = app.test_client()
            sk_id = c.post("/api/sk", json=sk_payload(members=3)).json["id"]
            assert c.post(f"/api/sk/{sk_id}/submit").status_code == 200
            c.post(f"/api/sk/{sk_id}/reviews", json={"role": "kabid", **BY, "decision": "approve"})
            r = c.post(f"/api/sk/{sk_id}/reviews", json={"role": "kadis", **BY, "decision": "approve"})
            assert r.json["status"] == "signing", r.json
            signed = DocumentSigned(
                kind="sk", document_id=sk_id, nomor=r.json["nomor"],
                document=DocumentRef("naskah-signed", f"sk/{sk_id}/final.pdf", "v1", "cd" * 32),
                signatures=[Signature(signer="kabid", role="kabid", at=datetime.now(UTC)),
                            Signature(signer="kadis", role="kadis", at=datetime.now(UTC))])
            container.runtime.bus.publish(Envelope(type=signed.TYPE, payload=signed.to_payload(),
                                                   producer="signature-service"))
            deadline = time.monotonic() + 15
            while not archived and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        container.close()
    return trace, [e for e in archived if e.payload.get("sk_id") == sk_id]


def violations(trace: LayerTrace) -> list[str]:
    """Entries other than the api and the consumers, calls that skip a layer or go back up, and domain changes
    made from an entry layer."""
    found = [f"entered through {callee}" for caller, callee in trace.edges if caller is None and callee not in ENTRIES]
    found += [f"{caller} -> {callee} ({n}x)" for (caller, callee), n in trace.edges.items()
              if caller is not None and callee not in ALLOWED[caller]]
    return sorted(found) + [f"{name} changed the domain from the {layer}" for layer, name in trace.mutations]


def test_one_sk_passes_each_layer_once_in_order(tmp_path: Path) -> None:
    trace, archived = follow_one_sk(tmp_path)
    assert len(archived) == 1, "the SK was archived"
    # The way down was taken: requests and events come in, the service layer works the domain and the adapters.
    for edge in [(None, "api"), ("api", "service_layer"), (None, "consumers"), ("consumers", "service_layer"),
                 ("service_layer", "domain"), ("service_layer", "adapters")]:
        assert trace.edges[edge], f"{edge} never seen"
    assert violations(trace) == []


def module(name: str, source: str, **names: Any) -> dict[str, Any]:
    """Run `source` as the module `name` (its frames are in that module's layer); its namespace."""
    namespace = {"__name__": name, **names}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace


def test_the_trace_sees_a_view_that_skips_the_service_layer() -> None:
    domain = module("sk_service.domain.probe", "class Draft:\n    def __init__(self): self.status = 'draft'\n"
                                               "    def submit(self): self.status = 'submitted'\n"
                                               "    def awaiting(self): return self.status\n")
    adapters = module("sk_service.adapters.probe", "def save(draft): return draft\n")
    view = module("sk_service.api.probe", "def read(d): return d.awaiting()\n"
                                          "def submit(d): d.submit(); save(d)\n", save=adapters["save"])
    read, submitted, trace = domain["Draft"](), domain["Draft"](), LayerTrace()
    with trace.running():
        view["read"](read)
    assert trace.edges[("api", "domain")] and violations(trace) == [], "reading the domain is the api's right"
    with trace.running():
        view["submit"](submitted)
    assert violations(trace) == ["api -> adapters (1x)",
                                 "sk_service.domain.probe.Draft.submit changed the domain from the api"]
