"""The demo's people (embedded run) and `naskah user add|reset|list` on signature-service's database.

The embedded run makes five TEST-ONLY people, one per role, with random passwords kept in `var/people.json`
(mode 0600) so the printed logins keep working across runs. The Kabid and the Kadis sign as the TEST-ONLY
signer accounts "kabid" and "kadis" and carry their certificates' NIP. Passwords are read from a prompt or
stdin, never from the command line (where `ps` and the shell history would show them).
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

# username -> (role, nama, jabatan, signer account); the Kabid's and the Kadis's nama come from their accounts.
DEMO_PEOPLE: dict[str, tuple[str, str, str, str | None]] = {
    "kasubid": ("kasubid", "Yohanes Wally, S.Kom", "Kepala Sub Bidang Pengelolaan Data", None),
    "kabid": ("kabid", "", "", "kabid"),
    "kadis": ("kadis", "", "", "kadis"),
    "arsiparis": ("arsiparis", "Martha Ohee, A.Md", "Arsiparis", None),
    "admin": ("admin", "Admin naskah", "Pengelola Sistem", None),
}


def demo_people(var: Path, container: Any) -> dict[str, dict[str, str]]:
    """Make (or keep) the demo's people; {username: {login, password, role, nama}} as in var/people.json."""
    path = var / "people.json"
    known: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.exists() else {}
    people = container.people
    existing = {p.username: p for p in people.list()}
    for username, (role, nama, jabatan, signer) in DEMO_PEOPLE.items():
        account = container.accounts.get(signer) if signer else None
        entry = known.get(username) or {}
        password = entry.get("password") or secrets.token_urlsafe(12)
        if username not in existing:
            people.add(username=username, password=password, role=role, nama=account.nama if account else nama,
                       nip=account.nip if account else "", jabatan=account.jabatan if account else jabatan,
                       pangkat=account.pangkat if account else "", signer_id=signer)
        elif not entry.get("password"):  # the file was lost: a new password, so the printed one is true
            people.reset_password(username, password)
        person = existing.get(username)
        known[username] = {"login": username, "password": password, "role": role,
                           "nama": person.nama if person else (account.nama if account else nama)}
    path.write_text(json.dumps(known, indent=2, ensure_ascii=False))
    path.chmod(0o600)
    return known


def print_logins(people: dict[str, dict[str, str]], signatures_url: str) -> None:
    print(f"\nMasuk di {signatures_url.rstrip('/')}/inbox dengan (TEST-ONLY):")
    for entry in people.values():
        print(f"  {entry['role']:10} login {entry['login']:10} kata sandi {entry['password']:18} {entry['nama']}")


def read_password(*, confirm: bool) -> str:
    """From the terminal (twice, hidden) or one line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Kata sandi: ")
    if confirm and getpass.getpass("Ulangi kata sandi: ") != first:
        raise SystemExit("the passwords differ")
    return first


def user_command(args: Any) -> int:
    from signature_service.app import people_admin
    from signature_service.service_layer.people import PeopleError, PersonNotFound

    overrides: dict[str, Any] = {"log_level": "WARNING"}
    if not os.environ.get("NASKAH_DATABASE_URL"):  # the embedded run's database
        overrides.update(database_url=f"sqlite:///{args.var / 'signature.db'}", pki_dir=str(args.var / "pki"))
    service = people_admin(overrides)
    try:
        if args.action == "list":
            for p in service.list():
                print(f"{p.username:20} {p.role:10} {p.nip or '-':18} {p.signer_id or '-':8} {p.nama}")
            return 0
        password = read_password(confirm=True)
        if args.action == "add":
            person = service.add(username=args.username, password=password, role=args.role, nama=args.nama,
                                 nip=args.nip, jabatan=args.jabatan, pangkat=args.pangkat, signer_id=args.signer)
            print(f"added {person.username} ({person.role}), id {person.id}")
        else:
            person = service.reset_password(args.username, password)
            print(f"new password set for {person.username}; the login lockout is lifted and sessions ended")
    except (PeopleError, PersonNotFound) as exc:
        print(f"naskah user {args.action}: {exc}", file=sys.stderr)
        return 2
    return 0
