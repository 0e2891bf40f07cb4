"""schemathesis over the three OpenAPI documents (issue 13 #12): no server error, no schema violation.

Each service runs in-process on the real stack (its own PostgreSQL database, the session's RabbitMQ
vhost and S3, LibreOffice, the test PKI), with the tests' API key; examples are bounded per operation
so the whole run stays within a couple of minutes. Anything found becomes a listed failure.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import TEST_API_KEY
from tests.data import sk_payload

EXAMPLES = int(os.environ.get("NASKAH_SCHEMATHESIS_EXAMPLES", "8"))
# Operations that render and convert a document per call: fewer examples, same checks.
SLOW = ("POST /api/sk", "PUT /api/sk/{sk_id}", "POST /api/activities/{activity_id}/report")


def _run(app) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures: list[str] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"

        @settings(max_examples=2 if label in SLOW else EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:
            calls.append(case.operation.label)
            case.call_and_validate(headers={"X-API-Key": TEST_API_KEY},
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{label}: {str(exc)[:1500]}")
    assert len(set(calls)) >= 3, calls  # the document's operations were exercised
    return failures


def _seed(name: str, app) -> None:
    """Something for the list and item answers to hold (their timestamps are what SQLite lost)."""
    c = app.test_client()
    if name == "sk":
        assert c.post("/api/sk", json=sk_payload(members=2)).status_code == 201
    elif name == "report":
        activity = c.post("/api/activities", json={"kegiatan": "Pendataan", "tahun": 2026}).json["id"]
        assert c.post(f"/api/activities/{activity}/steps", json={
            "step": 1, "actor": "Kadis", "started_at": "2026-01-05T08:00:00+09:00",
            "ended_at": "2026-01-05T08:10:00+09:00"}).status_code == 201


@pytest.mark.parametrize("services", ["postgresql", "sqlite"], indirect=True)
@pytest.mark.parametrize("service", ["report", "sk", "signature"])
def test_no_server_error_and_no_schema_violation(services, service) -> None:
    _seed(service, services[service])
    failures = _run(services[service])
    assert not failures, "\n\n".join(failures)
