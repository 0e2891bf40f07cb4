"""report-service's settings: the shared ones plus the office, the converters, the deadlines and their e-mail."""

from __future__ import annotations

import re
from dataclasses import dataclass

from naskah_shared.config import ConfigError, DocumentSettings, setting

_ADDRESS = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def parse_recipients(text: str) -> dict[str, tuple[str, ...]]:
    """`Kadis=a@x,b@x;Rahmi Suryantari=r@x` -> {"kadis": (...), "rahmi suryantari": (...)} (keys lower-case)."""
    out: dict[str, tuple[str, ...]] = {}
    for entry in filter(None, (e.strip() for e in text.split(";"))):
        key, sep, addresses = entry.partition("=")
        emails = tuple(a.strip() for a in addresses.split(",") if a.strip())
        if not sep or not key.strip() or not emails or not all(_ADDRESS.fullmatch(a) for a in emails):
            raise ConfigError(f"NASKAH_REMINDER_RECIPIENTS: {entry!r} is not `role or name=address[,address]`")
        out[key.strip().lower()] = emails
    return out


@dataclass(frozen=True)
class ReportSettings(DocumentSettings):
    service: str = setting("NASKAH_SERVICE", "report-service", help="Service name used in logs and events.")
    deadline_tick_seconds: float = setting(
        "NASKAH_DEADLINE_TICK_SECONDS", 60.0,
        help="How often report-service looks for SOP steps past their mutu baku (0: never; the API still lists "
             "them).")
    reminder_repeat_minutes: int = setting(
        "NASKAH_REMINDER_REPEAT_MINUTES", 240,
        help="After the first reminder when a step's deadline passes, remind again every this many minutes.")
    reminder_recipients: str = setting(
        "NASKAH_REMINDER_RECIPIENTS", "",
        help="Who gets the e-mail reminders: `Kadis=a@x.go.id,b@x.go.id;Kabid=…;Tim=…;Rahmi Suryantari=…`, keyed "
             "by the SOP's role (Kadis, Kabid, Kasubid, Tim, Pokja) or by the name of a person who did the step.")
    smtp_host: str = setting("NASKAH_SMTP_HOST", "",
                             help="SMTP server for the reminders' e-mail; no e-mail when empty (events only).")
    smtp_port: int = setting("NASKAH_SMTP_PORT", 587, help="SMTP port.")
    smtp_tls: str = setting("NASKAH_SMTP_TLS", "starttls",
                            help="`starttls`, `ssl` (implicit TLS, usually port 465) or `none` (a local relay only).")
    smtp_sender: str = setting("NASKAH_SMTP_SENDER", "", help="The reminders' From address.")
    smtp_username: str = setting("NASKAH_SMTP_USERNAME", "", help="SMTP login; none when empty.")
    smtp_password: str = setting("NASKAH_SMTP_PASSWORD", "", help="SMTP password.", secret=True)
    smtp_timeout: float = setting("NASKAH_SMTP_TIMEOUT", 10.0, help="Seconds before an SMTP exchange gives up.")

    def validate(self) -> None:
        super().validate()
        if self.deadline_tick_seconds < 0:
            raise ConfigError("NASKAH_DEADLINE_TICK_SECONDS must be 0 (off) or positive")
        if self.reminder_repeat_minutes < 1:
            raise ConfigError("NASKAH_REMINDER_REPEAT_MINUTES must be at least 1")
        parse_recipients(self.reminder_recipients)
        if self.smtp_tls not in ("starttls", "ssl", "none"):
            raise ConfigError("NASKAH_SMTP_TLS must be starttls, ssl or none")
        if self.smtp_host and not _ADDRESS.fullmatch(self.smtp_sender):
            raise ConfigError("NASKAH_SMTP_SENDER must be an e-mail address when NASKAH_SMTP_HOST is set")
        if not 0 < self.smtp_timeout <= 120:
            raise ConfigError("NASKAH_SMTP_TIMEOUT must be between 0 and 120 seconds")
