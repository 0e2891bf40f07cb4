"""`naskah`: the command people run (`make run` calls `naskah run`)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from naskah_shared import logs

SIGNER_BACKENDS = ("pkcs12", "bsre")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="naskah", description="naskah: SK Tim drafting, signing, reports")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="all three services in one process, then the SOP demo")
    run.add_argument("--var", type=Path, default=Path("var"), help="where state lives (default ./var)")
    run.add_argument("--port", type=int, default=8080)
    run.add_argument("--no-demo", action="store_true", help="serve only")
    run.add_argument("--exit", action="store_true", help="stop after the demo instead of serving")
    run.add_argument("--signer-backend", choices=SIGNER_BACKENDS, default="pkcs12",
                     help="pkcs12: the TEST-ONLY PKI's key files (default); bsre: a loopback BSrE Esign Client "
                          "Service (TEST ONLY) signs for the Kabid and the Kadis")
    demo = sub.add_parser("demo", help="run the SOP demo against running services (embedded or real)")
    demo.add_argument("--signer-backend", choices=SIGNER_BACKENDS,
                      help="without service URLs: run the demo embedded (as `naskah run --exit`) with this key "
                           "backend, e.g. bsre")
    demo.add_argument("--port", type=int, default=8080, help="with --signer-backend: the embedded run's port")
    demo.add_argument("--sk", help="sk-service base URL")
    demo.add_argument("--signatures", help="signature-service base URL")
    demo.add_argument("--reports", help="report-service base URL")
    demo.add_argument("--tokens", type=Path,
                      help="JSON file of the signers' API tokens (the TEST-ONLY PKI's var/pki/signer-tokens.json)")
    demo.add_argument("--people", type=Path,
                      help="JSON file of the people's logins ({username: {login, password, role}}; the embedded "
                           "run's var/people.json)")
    demo.add_argument("--api-key", default=os.environ.get("NASKAH_API_KEY", ""),
                      help="the X-API-Key the services accept (default: $NASKAH_API_KEY)")
    demo.add_argument("--out", type=Path, default=Path("out/demo"))
    key = sub.add_parser("api-key", help="make an API key for an internal system")
    key.add_argument("name", help="who will use it, e.g. simpeg or e-office")
    key.add_argument("--review", action="store_true",
                     help="also let this system review SKs in a person's stead (recorded as vouched by it)")
    user = sub.add_parser("user", help="people's accounts in signature-service (password from a prompt or stdin)")
    user.add_argument("--var", type=Path, default=Path("var"),
                      help="the embedded run's state, when NASKAH_DATABASE_URL is not set (default ./var)")
    actions = user.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="a new person")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["kasubid", "kabid", "kadis", "arsiparis", "admin"])
    add.add_argument("--nama", required=True)
    add.add_argument("--nip", default="")
    add.add_argument("--jabatan", default="")
    add.add_argument("--pangkat", default="")
    add.add_argument("--signer", default=None, help="the signer account this person signs as (kabid, kadis, …)")
    reset = actions.add_parser("reset", help="a new password (also lifts the login lockout)")
    reset.add_argument("username", help="username or NIP")
    actions.add_parser("list", help="every person")
    args = parser.parse_args(argv)
    logs.configure("naskah", "WARNING")

    if args.command == "api-key":
        from naskah_shared.web.auth import new_key

        secret, entry = new_key(args.name, ("review",) if args.review else ())
        print(f"key (give it to {args.name}; it is not stored): {secret}")
        print(f"add to NASKAH_API_KEYS (comma-separated):       {entry}")
        return 0

    if args.command == "user":
        from naskah_cli.people import user_command

        return user_command(args)

    remote = ("sk", "signatures", "reports", "tokens", "people")
    if args.command == "demo" and args.signer_backend:  # the embedded run, its demo, then exit
        if any(getattr(args, name, None) for name in remote):
            parser.error("--signer-backend chooses the embedded run's keys; services running elsewhere sign with "
                         "the keys their NASKAH_SIGNERS_FILE names")
        args.var, args.no_demo, args.exit = Path("var"), False, True
    elif args.command == "demo":
        if not all(getattr(args, name, None) for name in remote):
            parser.error("--sk, --signatures, --reports, --tokens and --people are required "
                         "(or --signer-backend alone, to run the demo embedded)")
        import json

        from naskah_cli.demo import run_demo

        return run_demo(args.sk, args.signatures, args.reports, args.out, tokens=json.loads(args.tokens.read_text()),
                        people=json.loads(args.people.read_text()), api_key=args.api_key)

    from naskah_cli.embedded import embedded

    stop = threading.Event()
    if args.no_demo:  # a service: SIGTERM/SIGINT at any point, even while starting, is an orderly stop
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with embedded(args.var, port=args.port, signer_backend=args.signer_backend) as e:
        print("naskah is running in one process (in-process bus, ./var store, SQLite):")
        for name in ("sk", "signature", "report"):
            print(f"  {name + '-service':18} {e.service_url(name)}   (OpenAPI: {e.service_url(name)}/openapi.json)")
        from naskah_cli.people import print_logins

        print_logins(e.people, e.service_url("signature"))
        code = 0
        if not args.no_demo:
            from naskah_cli.demo import run_demo

            code = run_demo(e.service_url("sk"), e.service_url("signature"), e.service_url("report"),
                            Path("out/demo"), tokens=e.signer_tokens(), people=e.people)
        # After the demo with no terminal to stop it from (CI, a pipe), the run ends; `--no-demo` means serve,
        # so it keeps serving without a terminal too (nohup, systemd, a container) until SIGTERM or SIGINT.
        if args.exit or (not args.no_demo and not sys.stdin.isatty()):
            return code
        print("Serving; press Ctrl-C (or send SIGTERM) to stop.", flush=True)
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
