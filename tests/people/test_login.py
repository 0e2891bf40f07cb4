"""Login, sessions, CSRF and the login lockout of signature-service's people, on the real PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import select, update

from signature_service.adapters import tables as t
from signature_service.api.session import SESSION_COOKIE
from signature_service.service_layer.people import LoginFailed, LoginLocked
from tests.people.conftest import PASSWORD, add_people, csrf_of, log_in


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie(SESSION_COOKIE)
    return cookie.value if cookie else None


def test_login_by_username_or_nip_then_logout(sig, caplog):
    caplog.set_level(logging.DEBUG)
    people = add_people(sig)
    client = sig.test_client()
    r = client.get("/inbox")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login?next=/inbox")

    client, r = log_in(sig, people["kabid"].nip)  # by NIP
    assert r.status_code == 302 and r.headers["Location"] == "/inbox"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    sid = _session_cookie(client)
    page = client.get("/inbox")
    assert page.status_code == 200 and people["kabid"].nama in page.text and 'lang="id"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    with sig.extensions["naskah"].runtime.engine.connect() as conn:  # only a hash of the id is stored
        stored = conn.execute(select(t.sessions.c.id_sha256)).scalars().all()
    assert len(stored) == 1 and sid not in stored[0]

    assert client.post("/logout").status_code == 403, "a logout without the CSRF token is refused"
    r = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    with sig.extensions["naskah"].runtime.engine.connect() as conn:
        assert conn.execute(select(t.sessions)).first() is None
    again = sig.test_client()
    again.set_cookie(SESSION_COOKIE, sid, path="/")  # the old cookie opens nothing now
    assert again.get("/inbox").status_code == 302

    _, r = log_in(sig, "arsip")  # by username
    assert r.status_code == 302
    text = caplog.text
    assert PASSWORD not in text and sid not in text


def test_wrong_passwords_and_csrf_on_the_login_form(sig):
    add_people(sig)
    client = sig.test_client()
    form = client.get("/login")
    token = csrf_of(form.text)
    r = client.post("/login", data={"login": "kabid", "password": PASSWORD})
    assert r.status_code == 403 and "tidak sah" in r.text, "no CSRF token: refused before any password check"
    r = client.post("/login", data={"login": "kabid", "password": PASSWORD, "csrf_token": "x" * 43})
    assert r.status_code == 403
    r = client.post("/login", data={"login": "kabid", "password": "salah-sekali", "csrf_token": token})
    assert r.status_code == 401 and "kata sandi salah" in r.text and _session_cookie(client) is None
    r = client.post("/login", data={"login": "tidak-ada", "password": "salah-sekali", "csrf_token": token})
    assert r.status_code == 401 and "kata sandi salah" in r.text, "an unknown name answers alike"
    r = client.post("/login", data={"login": '"><script>alert(1)</script>', "password": "x", "csrf_token": token})
    assert r.status_code == 401 and "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):  # only paths of this service
        fresh = sig.test_client()  # after a login the token is the session's: each try logs in anew
        r = fresh.post("/login", data={"login": "kabid", "password": PASSWORD, "next": target,
                                       "csrf_token": csrf_of(fresh.get("/login").text)})
        assert r.status_code == 302 and r.headers["Location"] == "/inbox", target


def test_five_wrong_passwords_lock_the_login_not_the_signer(sig):
    add_people(sig)
    client = sig.test_client()
    token = csrf_of(client.get("/login").text)
    for _ in range(4):
        r = client.post("/login", data={"login": "kabid", "password": "salah-sekali", "csrf_token": token})
        assert r.status_code == 401
    r = client.post("/login", data={"login": "kabid", "password": "salah-sekali", "csrf_token": token})
    assert r.status_code == 429 and "dikunci" in r.text and int(r.headers["Retry-After"]) > 800
    r = client.post("/login", data={"login": "kabid", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429, "locked: even the right password waits"
    _, other = log_in(sig, "kadis")
    assert other.status_code == 302, "another person is not locked"
    with sig.extensions["naskah"].runtime.engine.connect() as conn:
        assert conn.execute(select(t.signer_lockouts)).first() is None, "the passphrase lockout is apart"

    people = sig.extensions["naskah"].people
    people.reset_password("kabid", "kata-sandi-baru-456")  # `naskah user reset` lifts the lock
    assert people.authenticate("kabid", "kata-sandi-baru-456").username == "kabid"


def test_the_lockout_holds_under_concurrent_guesses(sig):
    add_people(sig)
    people = sig.extensions["naskah"].people
    checks = []
    real_verify = people.hasher.verify

    def counting(hashed: str, password: str) -> bool:
        checks.append(password)
        return real_verify(hashed, password)

    people.hasher.verify = counting
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def guess(i: int) -> None:
        barrier.wait(10)
        try:
            people.authenticate("kabid", PASSWORD if i == 11 else f"tebakan-{i}")
            outcomes.append("ok")
        except LoginLocked:
            outcomes.append("locked")
        except LoginFailed:
            outcomes.append("failed")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(outcomes) == 12
    assert len(checks) <= 5, f"{len(checks)} passwords were checked: parallel guesses outran the counter"
    assert outcomes.count("locked") >= 7
    try:
        people.authenticate("kabid", PASSWORD)
        raise AssertionError("the lock did not hold")
    except LoginLocked:
        pass


def test_an_idle_session_ends(sig):
    people = add_people(sig)
    container = sig.extensions["naskah"]
    client, _ = log_in(sig, "kabid")
    assert client.get("/inbox").status_code == 200
    idle = container.people.idle
    with container.runtime.engine.begin() as conn:  # the last request was longer ago than the idle timeout
        conn.execute(update(t.sessions).values(last_seen=t.sessions.c.last_seen - idle - timedelta(seconds=1)))
    r = client.get("/inbox")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    with container.runtime.engine.connect() as conn:
        assert conn.execute(select(t.sessions)).first() is None, "an idle session is removed"
    sid, _ = container.people.open_session(people["kabid"])
    with container.runtime.engine.begin() as conn:  # past the absolute lifetime, however busy
        conn.execute(update(t.sessions).values(expires_at=t.sessions.c.created_at))
    assert container.people.session(sid) is None


def test_a_role_without_the_page_gets_the_indonesian_403(sig):
    add_people(sig)
    client, _ = log_in(sig, "arsip")
    r = client.get("/review/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 403 and "bukan untuk peran Anda" in r.text


def test_a_flood_of_logins_from_one_address_is_slowed_down(real_stack, dev_pki, animator):
    from signature_service.app import create_app

    app = create_app(real_stack(allow_test_pki=True, pki_dir=str(dev_pki.directory), pki_url=dev_pki.base_url,
                                login_rate_per_minute=1, login_rate_burst=3), migrate=True)
    try:
        client = app.test_client()
        token = csrf_of(client.get("/login").text)
        for i in range(3):  # unknown names too: each try costs an argon2 hash
            r = client.post("/login", data={"login": f"tebak-{i}", "password": "x" * 12, "csrf_token": token})
            assert r.status_code == 401
        r = client.post("/login", data={"login": "tebak-9", "password": "x" * 12, "csrf_token": token})
        assert r.status_code == 429 and "Terlalu banyak percobaan masuk" in r.text and int(r.headers["Retry-After"]) > 1
    finally:
        app.extensions["naskah"].close()
