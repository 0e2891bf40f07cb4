"""E-mail over SMTP (smtplib): the reminders of steps past their deadline.

Every exchange is bounded by `timeout`; STARTTLS and implicit TLS verify the
server's certificate (the system's trust store, or `context`). The password is
never logged: errors carry the server's reply, not the login.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage


class SmtpMailer:
    def __init__(self, host: str, port: int, *, sender: str, tls: str = "starttls", username: str = "",
                 password: str = "", timeout: float = 10.0, context: ssl.SSLContext | None = None) -> None:
        self.host, self.port, self.sender, self.tls = host, port, sender, tls
        self.username, self._password, self.timeout = username, password, timeout
        self.context = context or ssl.create_default_context()

    def __repr__(self) -> str:  # no password in a repr that lands in a log
        return f"SmtpMailer({self.host}:{self.port}, tls={self.tls}, sender={self.sender})"

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, ", ".join(to), subject
        message.set_content(body)
        if self.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.tls == "starttls":
                client.starttls(context=self.context)
            if self.username:
                client.login(self.username, self._password)
            client.send_message(message, to_addrs=list(to))
