"""A signed person assertion: how sk-service trusts that a logged-in person (not just a caller) reviews.

signature-service, where people log in, signs {id, role, nama, nip} with NASKAH_SECRET_KEY (itsdangerous,
HMAC-SHA256 with a salt of its own, so no other signed value of naskah's can pass for it) and sends it in
the `X-Naskah-Person` header; sk-service checks the signature and that it is at most `MAX_AGE` seconds
old. A stolen header is worth a minute's replay at most, and only together with a valid API key.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

HEADER = "X-Naskah-Person"
SALT = "naskah.person"
MAX_AGE = 60  # seconds


@dataclass(frozen=True)
class PersonAssertion:
    id: str
    role: str
    nama: str
    nip: str = ""


class InvalidAssertion(ValueError):
    """The header is forged, made with another secret, too old or malformed."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    if not secret:
        raise InvalidAssertion("no secret key is configured for person assertions")
    return URLSafeTimedSerializer(secret, salt=SALT)


def issue(secret: str, person: PersonAssertion) -> str:
    return _serializer(secret).dumps({"id": person.id, "role": person.role, "nama": person.nama, "nip": person.nip})


def verify(secret: str, token: str, *, max_age: int = MAX_AGE) -> PersonAssertion:
    if not token or len(token) > 2000:
        raise InvalidAssertion("no person assertion")
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except BadSignature as exc:  # SignatureExpired is one too
        raise InvalidAssertion(f"the person assertion is not valid: {type(exc).__name__}") from None
    if not (isinstance(data, dict) and all(isinstance(data.get(k), str) and data.get(k) for k in ("id", "role"))):
        raise InvalidAssertion("the person assertion is malformed")
    return PersonAssertion(id=data["id"], role=data["role"], nama=str(data.get("nama") or ""),
                           nip=str(data.get("nip") or ""))
