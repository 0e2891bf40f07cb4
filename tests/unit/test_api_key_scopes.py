"""API key entries with scopes (`name:sha256:review`), and the person assertion's helpers."""

from __future__ import annotations

import pytest

from naskah_shared.config import ConfigError, Settings, load
from naskah_shared.web.auth import key_hash, key_scopes, new_key, parse_keys
from naskah_shared.web.person import InvalidAssertion, PersonAssertion, issue, verify

SECRET = "unit-secret-0123456789abcdef"


def test_old_entries_stay_valid_and_scopes_are_read():
    plain, scoped = f"a:{key_hash('ka')}", f"b:{key_hash('kb')}:review"
    settings = load(Settings, {}, api_keys=f"{plain},{scoped}")
    assert parse_keys(settings.api_keys) == {"a": key_hash("ka"), "b": key_hash("kb")}
    assert key_scopes(settings.api_keys) == {"a": frozenset(), "b": frozenset({"review"})}
    for bad in (f"b:{key_hash('kb')}:admin", f"b:{key_hash('kb')}:", "b:abc:review"):
        with pytest.raises(ConfigError, match="NASKAH_API_KEYS"):
            load(Settings, {}, api_keys=bad)
    key, entry = new_key("e-office", ("review",))
    assert entry == f"e-office:{key_hash(key)}:review"


def test_a_person_assertion_round_trips_and_refuses_tampering():
    person = PersonAssertion(id="p1", role="kadis", nama="Drs. <Kadis>", nip="1" * 18)
    token = issue(SECRET, person)
    assert verify(SECRET, token) == person
    for bad_secret in ("another-secret-0123456789", ""):
        with pytest.raises(InvalidAssertion):
            verify(bad_secret, token)
    with pytest.raises(InvalidAssertion):
        verify(SECRET, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(InvalidAssertion):
        verify(SECRET, token, max_age=-1)  # older than allowed
