"""Live deadlines: the overdue API, reminders once per round across workers and restarts, e-mail over SMTP.

Against PostgreSQL (row claims and savepoints as in production) and a local aiosmtpd server on a free
loopback port.
"""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from naskah_shared.web.auth import key_hash
from report_service.adapters.tables import outbox, step_reminders
from report_service.app import create_app
from tests.conftest import TEST_API_KEY, TEST_SECRET, keyed
from tests.report.scenario import WIT

MONDAY = datetime(2026, 11, 2, 9, tzinfo=WIT)  # steps 1 and 2 recorded that morning


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def make_app(pg_url, tmp_path):
    apps = []

    def make(**extra: Any):
        app = create_app({"database_url": pg_url, "bus_url": "memory://", "store_url": f"file://{tmp_path}/store",
                          "secret_key": TEST_SECRET, "api_keys": f"tests:{key_hash(TEST_API_KEY)}",
                          "log_level": "ERROR", "deadline_tick_seconds": 0, **extra}, migrate=True)
        apps.append(app)
        return keyed(app)

    yield make
    for app in apps:
        app.extensions["naskah"].close()


def started_activity(client) -> str:
    """Steps 1 and 2 done on Monday 2 November 2026 (WIT): step 3 (the Kasubid's konsep, 1 hari) runs from 09:00."""
    activity = client.post("/api/activities", json={"kegiatan": "Profil Kampung", "tahun": 2026}).json["id"]
    for step, start, end in ((1, MONDAY - timedelta(minutes=40), MONDAY - timedelta(minutes=30)),
                             (2, MONDAY - timedelta(minutes=20), MONDAY)):
        r = client.post(f"/api/activities/{activity}/steps", json={
            "step": step, "actor": "Drs. Yohanes Rumbiak, M.Si" if step == 1 else "Rahmi Suryantari, ST, M.Si",
            "started_at": start.isoformat(), "ended_at": end.isoformat()})
        assert r.status_code == 201, r.json
    return activity


def overdue_events(app) -> list[dict[str, Any]]:
    engine = app.extensions["naskah"].runtime.engine
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.outbox.c.body).where(outbox.outbox.c.type == "activity.step_overdue"))
        return [json.loads(body) for (body,) in rows]


def reminders(app) -> list[dict[str, Any]]:
    with app.extensions["naskah"].runtime.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(step_reminders).order_by(step_reminders.c.seq)).mappings()]


def test_the_overdue_api_lists_the_step_past_its_deadline(make_app):
    app = make_app()
    c = app.test_client()
    activity = started_activity(c)
    r = c.get(f"/api/activities/{activity}/overdue")
    assert r.status_code == 200
    (item,) = r.json
    assert item["step"] == 3 and item["roles"] == ["Kasubid"] and item["started"] is False
    assert item["overdue"] is True and item["standard"] == "1 hari" and item["reminders"] == 0
    # counted from the end of step 2, one working day: Tuesday 09:00 in Jayapura
    assert datetime.fromisoformat(item["deadline"]) == MONDAY + timedelta(days=1)
    assert item["deadline"].endswith("+09:00")
    assert [i["activity_id"] for i in c.get("/api/overdue").json] == [activity]
    timeline = c.get(f"/api/activities/{activity}").json["timeline"]
    assert timeline[1]["due"] is not None and timeline[1]["late"] is True  # step 2: 20 minutes against 15


def test_bad_queries_are_4xx(make_app):
    c = make_app().test_client()
    r = c.get("/api/activities/no-such/overdue")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    for bad in ("-1", "abc", str(10 ** 9)):
        r = c.get(f"/api/overdue?within_minutes={bad}")
        assert r.status_code == 422 and "error" in r.json, bad


def test_openapi_documents_the_overdue_endpoints(make_app):
    spec = make_app().test_client().get("/openapi.json").json
    assert {"/api/overdue", "/api/activities/{activity_id}/overdue"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/overdue"]["get"]["parameters"]}
    assert "within_minutes" in params


def test_reminder_once_at_the_deadline_then_each_interval_not_after_a_restart(make_app):
    app = make_app(reminder_repeat_minutes=60)
    activity = started_activity(app.test_client())
    deadlines = app.extensions["naskah"].deadlines
    due = MONDAY + timedelta(days=1)
    assert deadlines.tick(now=due - timedelta(minutes=1))["reminded"] == 0
    assert deadlines.tick(now=due + timedelta(minutes=1))["reminded"] == 1
    assert deadlines.tick(now=due + timedelta(minutes=30))["reminded"] == 0  # same round
    restarted = make_app(reminder_repeat_minutes=60)  # another process on the same database
    assert restarted.extensions["naskah"].deadlines.tick(now=due + timedelta(minutes=59))["reminded"] == 0
    assert restarted.extensions["naskah"].deadlines.tick(now=due + timedelta(minutes=61))["reminded"] == 1
    # down for five hours: one reminder for the round due now, not one per missed round
    assert deadlines.tick(now=due + timedelta(hours=6, minutes=1))["reminded"] == 1
    assert [r["seq"] for r in reminders(app)] == [0, 1, 6]
    events = overdue_events(app)
    assert len(events) == 3 and {e["payload"]["activity_id"] for e in events} == {activity}
    assert events[0]["payload"]["step"] == 3 and events[0]["payload"]["reminder"] == 0
    item = app.test_client().get(f"/api/activities/{activity}/overdue").json[0]
    assert item["reminders"] == 3


def test_two_workers_ticking_at_once_remind_once(make_app):
    apps = [make_app(), make_app()]
    started_activity(apps[0].test_client())
    now = MONDAY + timedelta(days=2)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def work(app) -> None:
        barrier.wait(timeout=10)
        results.append(app.extensions["naskah"].deadlines.tick(now=now)["reminded"])

    threads = [threading.Thread(target=work, args=(a,)) for a in apps + apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [0, 0, 0, 1]
    assert len(overdue_events(apps[0])) == 1


def test_reminder_e_mail_goes_to_the_role_once(make_app, smtp):
    controller, inbox = smtp
    app = make_app(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls="none",
                   smtp_sender="naskah@dpmk.jayapurakab.go.id",
                   reminder_recipients="Kasubid=kasubid@dpmk.jayapurakab.go.id;Kadis=kadis@dpmk.jayapurakab.go.id")
    started_activity(app.test_client())
    deadlines = app.extensions["naskah"].deadlines
    now = MONDAY + timedelta(days=1, hours=1)
    assert deadlines.tick(now=now) == {"reminded": 1, "emailed": 1}
    assert deadlines.tick(now=now + timedelta(minutes=5)) == {"reminded": 0, "emailed": 0}
    ((to, message),) = inbox.messages
    assert to == ["kasubid@dpmk.jayapurakab.go.id"]
    assert "langkah 3" in message["Subject"] and "Profil Kampung" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "03-11-2026 09.00 WIT" in body and "1 hari" in body
    assert reminders(app)[0]["email_status"] == "sent"


def test_smtp_down_keeps_the_reminder_and_retries_a_bounded_number_of_times(make_app):
    app = make_app(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls="none", smtp_timeout=2,
                   smtp_sender="naskah@dpmk.jayapurakab.go.id", reminder_recipients="Kasubid=k@dpmk.go.id")
    started_activity(app.test_client())
    deadlines = app.extensions["naskah"].deadlines
    now = MONDAY + timedelta(days=1, hours=1)
    assert deadlines.tick(now=now) == {"reminded": 1, "emailed": 0}  # the event went out all the same
    assert reminders(app)[0]["email_status"] == "pending"
    for _ in range(3):
        deadlines.send_emails()
    (row,) = reminders(app)
    assert row["email_status"] == "failed" and row["email_attempts"] == 3 and "Connection" in row["email_error"]
    assert len(overdue_events(app)) == 1


@pytest.mark.parametrize("extra, variable", [
    ({"smtp_tls": "maybe"}, "NASKAH_SMTP_TLS"),
    ({"reminder_recipients": "Kadis=not-an-address"}, "NASKAH_REMINDER_RECIPIENTS"),
    ({"smtp_host": "127.0.0.1"}, "NASKAH_SMTP_SENDER"),
    ({"reminder_repeat_minutes": 0}, "NASKAH_REMINDER_REPEAT_MINUTES"),
])
def test_bad_settings_name_the_variable(tmp_path, extra, variable):
    from naskah_shared.config import ConfigError

    with pytest.raises(ConfigError, match=variable):
        create_app({"database_url": f"sqlite:///{tmp_path}/db.sqlite", **extra})


def test_the_ticker_runs_in_the_runtime_and_stops(make_app):
    app = make_app(deadline_tick_seconds=0.05)
    started_activity(app.test_client())
    container = app.extensions["naskah"]
    runtime = container.runtime
    assert container.ticker.start in runtime.on_start and container.ticker.stop in runtime.on_stop
    container.ticker.start()  # what runtime.start() does, without warming LibreOffice for nothing
    deadline = datetime.now(UTC) + timedelta(seconds=15)
    while not overdue_events(app) and datetime.now(UTC) < deadline:
        threading.Event().wait(0.05)
    container.close()
    assert len(overdue_events(app)) == 1 and container.ticker is not None and container.ticker.runs >= 1
    assert container.ticker._thread is None  # joined


def test_a_lost_claim_leaves_the_transaction_usable(make_app):
    """The unique key refuses the second claim inside a savepoint: PostgreSQL would otherwise abort the rest."""
    from report_service.adapters.unit_of_work import SqlReportUnitOfWork

    app = make_app()
    runtime = app.extensions["naskah"].runtime
    row = {"activity_id": "a", "step": 3, "deadline_key": "2026-11-03T00:00:00+00:00", "deadline": MONDAY,
           "seq": 0, "event_id": "e", "recipients": [], "email_status": "none"}
    with runtime.unit_of_work(SqlReportUnitOfWork) as uow:
        assert uow.reports.add_reminder({"id": "r1", **row}) is True
        assert uow.reports.add_reminder({"id": "r2", **row}) is False
        assert uow.reports.add_reminder({"id": "r3", **row, "seq": 1}) is True
        uow.commit()
    assert [r["id"] for r in reminders(app)] == ["r1", "r3"]


def _self_signed(tmp_path) -> tuple[str, str]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_mailer_starttls_and_login_and_no_password_in_its_repr(tmp_path):
    import ssl

    from aiosmtpd.smtp import AuthResult, LoginPassword

    from report_service.adapters.mailer import SmtpMailer

    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"rahasia-smtp"
        logins.append((auth_data.login, ok))
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=server_tls,
                            require_starttls=True, auth_required=True, authenticator=authenticator)
    controller.start()
    try:
        trust = ssl.create_default_context(cafile=cert)
        mailer = SmtpMailer("127.0.0.1", controller.port, sender="naskah@dpmk.go.id", tls="starttls",
                            username="naskah", password="rahasia-smtp", timeout=5, context=trust)
        assert "rahasia" not in repr(mailer)
        mailer.send(["kabid@dpmk.go.id"], "Pengingat", "Langkah 4 terlambat.")
        assert logins == [(b"naskah", True)] and inbox.messages[0][0] == ["kabid@dpmk.go.id"]
        # an untrusted certificate is refused before the password is sent
        with pytest.raises(ssl.SSLError):
            SmtpMailer("127.0.0.1", controller.port, sender="naskah@dpmk.go.id", username="naskah",
                       password="rahasia-smtp", timeout=5).send(["kabid@dpmk.go.id"], "x", "y")
        assert len(logins) == 1
    finally:
        controller.stop()
