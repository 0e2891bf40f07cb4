"""People: accounts with roles, password login with a lockout, server-side sessions.

A person is one of the office's people (DESIGN §12); a Kabid or Kadis also names the signer account they
sign as (`signer_id`). Passwords are hashed by the `PasswordHasher` port (argon2 in adapters) and never
logged. Wrong passwords are counted per person in the database, apart from the signers' passphrase
lockout. The counter is reserved *before* the password is checked, in one atomic UPDATE, so that fifty
parallel guesses still get only `lockout_attempts` password checks before the lock holds.

A session id is a random 256-bit token given to the browser once; only its SHA-256 is stored, so a copy
of the database opens no session. A session ends after `idle` without a request or after `lifetime`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from signature_service.service_layer.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)
ROLES = ("kasubid", "kabid", "kadis", "arsiparis", "admin")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")
MIN_PASSWORD = 10
# How often a session's last_seen is written: not on every request (each page load would be a write).
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class Person:
    id: str
    username: str
    nip: str
    nama: str
    role: str
    jabatan: str
    pangkat: str
    signer_id: str | None


@dataclass(frozen=True)
class PersonSession:
    person: Person
    csrf_token: str
    expires_at: datetime


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, hashed: str, password: str) -> bool: ...
    def needs_rehash(self, hashed: str) -> bool: ...


class PeopleError(ValueError):
    """A bad account (unknown role, duplicate username, short password …); the message says which."""


class LoginFailed(Exception):
    """The login name or the password is wrong (never says which)."""


class LoginLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many wrong passwords: login is locked until {until.isoformat(timespec='seconds')}")
        self.until = until


class PersonNotFound(LookupError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class PeopleService:
    def __init__(self, *, uow: UnitOfWorkFactory, hasher: PasswordHasher, lockout_attempts: int = 5,
                 lockout_minutes: int = 15, idle_minutes: int = 30, lifetime_minutes: int = 720,
                 signers: Callable[[], set[str]] = set) -> None:
        self.uow, self.hasher = uow, hasher
        self.attempts, self.lockout = lockout_attempts, timedelta(minutes=lockout_minutes)
        self.idle, self.lifetime = timedelta(minutes=idle_minutes), timedelta(minutes=lifetime_minutes)
        self.signers = signers  # the signer account ids a person may sign as
        # Verified against when the login name is unknown, so the answer takes as long either way.
        self._dummy = hasher.hash(secrets.token_urlsafe(16))

    # --- accounts -------------------------------------------------------------------
    def add(self, *, username: str, password: str, role: str, nama: str, nip: str = "", jabatan: str = "",
            pangkat: str = "", signer_id: str | None = None) -> Person:
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise PeopleError("username: 2-50 characters, lower-case letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise PeopleError(f"role must be one of {', '.join(ROLES)}")
        if not nama.strip():
            raise PeopleError("nama is required")
        if nip and not re.fullmatch(r"\d{18}", nip):
            raise PeopleError("nip must be 18 digits")
        if signer_id and signer_id not in self.signers():
            raise PeopleError(f"no signer account {signer_id!r}")
        _check_password(password)
        person = Person(id=str(uuid.uuid4()), username=username, nip=nip, nama=nama.strip(), role=role,
                        jabatan=jabatan, pangkat=pangkat, signer_id=signer_id or None)
        with self.uow() as uow:
            if uow.people.find(username) or (nip and uow.people.find(nip)):
                raise PeopleError(f"a person with username {username!r} or this NIP exists already")
            uow.people.add(person, self.hasher.hash(password), _now())
            uow.commit()
        log.info("person added", extra={"person": person.id, "role": role})
        return person

    def reset_password(self, login: str, password: str) -> Person:
        """A new password; it also lifts the login lockout and ends the person's sessions."""
        _check_password(password)
        hashed = self.hasher.hash(password)
        with self.uow() as uow:
            found: tuple[Person, str] | None = uow.people.find(login.strip().lower()) or uow.people.find(login.strip())
            if found is None:
                raise PersonNotFound(f"no person {login!r}")
            uow.people.set_password(found[0].id, hashed, _now())
            uow.people.end_sessions(found[0].id)
            uow.commit()
        log.info("password reset", extra={"person": found[0].id})
        return found[0]

    def list(self) -> list[Person]:
        with self.uow() as uow:
            people: list[Person] = uow.people.all()
            return people

    def get(self, person_id: str) -> Person | None:
        with self.uow() as uow:
            person: Person | None = uow.people.get(person_id)
            return person

    # --- login ----------------------------------------------------------------------
    def authenticate(self, login: str, password: str) -> Person:
        """The person whose username or NIP is `login`, when `password` is theirs.

        Raises `LoginFailed` (unknown name or wrong password, alike) or `LoginLocked`.
        """
        login = login.strip()
        with self.uow() as uow:
            found: tuple[Person, str] | None = (uow.people.find(login.lower()) or uow.people.find(login)
                                                if login else None)  # (person, password hash)
        if found is None:
            self.hasher.verify(self._dummy, password)
            raise LoginFailed("wrong login or password")
        person, hashed = found
        now = _now()
        with self.uow() as uow:  # reserve an attempt first: parallel guesses cannot outrun the counter
            attempt, locked_until = uow.people.reserve_attempt(person.id, now)
            uow.commit()
        if locked_until is not None:
            raise LoginLocked(locked_until)
        if attempt > self.attempts:  # parallel guesses already used every attempt: no password check at all
            with self.uow() as uow:
                uow.people.lock(person.id, now + self.lockout)
                uow.commit()
            raise LoginLocked(now + self.lockout)
        ok = self.hasher.verify(hashed, password)
        with self.uow() as uow:
            if ok:
                uow.people.login_succeeded(person.id, now)
                if self.hasher.needs_rehash(hashed):
                    uow.people.set_password(person.id, self.hasher.hash(password), now)
            elif attempt >= self.attempts:
                uow.people.lock(person.id, now + self.lockout)
            uow.commit()
        if not ok:
            log.warning("wrong password", extra={"person": person.id, "attempt": attempt})
            if attempt >= self.attempts:
                raise LoginLocked(now + self.lockout)
            raise LoginFailed("wrong login or password")
        log.info("logged in", extra={"person": person.id})
        return person

    # --- sessions -------------------------------------------------------------------
    def open_session(self, person: Person) -> tuple[str, PersonSession]:
        """A new session for `person`: (the id for the cookie, the session)."""
        session_id, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), _now()
        expires = now + self.lifetime
        with self.uow() as uow:
            uow.people.add_session(session_hash(session_id), person.id, csrf, now, expires)
            uow.people.purge_sessions(now - self.idle, now)
            uow.commit()
        return session_id, PersonSession(person, csrf, expires)

    def session(self, session_id: str) -> PersonSession | None:
        """The live session with this id, its last use noted; None when unknown, idle too long or expired."""
        if not session_id or len(session_id) > 100:
            return None
        now = _now()
        key = session_hash(session_id)
        with self.uow() as uow:
            found = uow.people.get_session(key)
            if found is None:
                return None
            person, csrf, last_seen, expires = found
            if expires <= now or last_seen + self.idle <= now:
                uow.people.end_session(key)
                uow.commit()
                return None
            if now - last_seen >= TOUCH_EVERY:
                uow.people.touch_session(key, now)
                uow.commit()
        return PersonSession(person, csrf, expires)

    def close_session(self, session_id: str) -> None:
        with self.uow() as uow:
            uow.people.end_session(session_hash(session_id))
            uow.commit()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PeopleError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > 200:  # argon2 hashes anything, but a megabyte password is a denial of service
        raise PeopleError("the password is longer than 200 characters")
