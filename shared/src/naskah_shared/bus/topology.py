"""Every exchange, queue and header name on the broker, made in one place (DESIGN §3).

For a consumer queue `Q`:
- `Q` (quorum, durable) is bound to `naskah.events` with the service's routing keys;
- `Q.retry.<ms>` (durable, per-queue TTL) holds a failed message for a growing
  delay and dead-letters it back to `Q` through the default exchange;
- `Q.parked` (quorum, durable) keeps a message after its last attempt, with the
  failure reason in its headers, for a person to inspect and replay.
"""

from __future__ import annotations

from typing import Any

EXCHANGE = "naskah.events"


class Queues:
    """Every consumer queue, by the service that owns it (a queue has one consumer service)."""

    SK_EVENTS = "sk-service.events"  # signature-service's answers about SKs and letters
    SK_LETTERS = "sk-service.letters"  # its own batch of letters: long work, apart from the SKs' answers
    SIGNATURE_EVENTS = "signature-service.events"  # signature.requested
    SIGNATURE_INBOX = "signature-service.inbox"  # sk-service's sk.* events for the inbox's read model
    SIGNATURE_DISPOSISI = "signature-service.disposisi"  # report-service's disposisi.* events for the inbox
    REPORT_EVENTS = "report-service.events"  # the SK's steps, for the activity's timeline
    REPORT_FORMULIR = "report-service.formulir"  # the batch's letters, apart from the SK's steps
    REPORT_DISPOSISI = "report-service.disposisi"  # disposisi.created: the sheet printed, retried until it is


class Events:
    """Every routing key (an envelope's ``type``) on the exchange."""

    SK_DRAFTED = "sk.drafted"
    SK_REVISED = "sk.revised"
    SK_SUBMITTED = "sk.submitted"
    SK_REVIEWED = "sk.reviewed"
    SK_APPROVED = "sk.approved"
    SK_ARCHIVED = "sk.archived"
    SIGNATURE_REQUESTED = "signature.requested"
    DOCUMENT_SIGNED = "document.signed"
    SIGNATURE_REJECTED = "signature.rejected"
    SURAT_EDARAN_REQUESTED = "surat_edaran.requested"
    SURAT_EDARAN_REJECTED = "surat_edaran.rejected"
    DISPOSISI_CREATED = "disposisi.created"
    DISPOSISI_DONE = "disposisi.done"

    SK_LIFECYCLE = (SK_DRAFTED, SK_REVISED, SK_SUBMITTED, SK_REVIEWED, SK_APPROVED, SK_ARCHIVED)
ATTEMPT_HEADER = "x-naskah-attempt"
REASON_HEADER = "x-naskah-reason"
RETRY_DELAYS_MS = (1_000, 5_000, 30_000, 120_000)


def retry_queue(queue: str, delay_ms: int) -> str:
    return f"{queue}.retry.{delay_ms}"


def parked_queue(queue: str) -> str:
    return f"{queue}.parked"


def retry_delay(delays_ms: tuple[int, ...], attempt: int) -> int:
    """Delay before attempt `attempt + 1` (attempts count from 1): grows, then stays at the longest."""
    return delays_ms[min(attempt - 1, len(delays_ms) - 1)]


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: `*` is one word, `#` zero or more words."""
    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and (p[0] == "*" or p[0] == k[0]) and match(p[1:], k[1:])

    return match(pattern.split("."), key.split("."))


def definitions(subscriptions: dict[str, tuple[str, ...]], *, vhost: str = "/",
                delays_ms: tuple[int, ...] = RETRY_DELAYS_MS) -> dict[str, Any]:
    """RabbitMQ definitions (for `load_definitions`) of exactly what `AmqpBus.declare` creates."""
    queues, bindings = [], []
    for queue, keys in sorted(subscriptions.items()):
        queues.append({"name": queue, "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": {"x-queue-type": "quorum"}})
        bindings += [{"source": EXCHANGE, "vhost": vhost, "destination": queue, "destination_type": "queue",
                      "routing_key": key, "arguments": {}} for key in keys]
        queues += [{"name": retry_queue(queue, d), "vhost": vhost, "durable": True, "auto_delete": False,
                    "arguments": {"x-message-ttl": d, "x-dead-letter-exchange": "",
                                  "x-dead-letter-routing-key": queue}} for d in delays_ms]
        queues.append({"name": parked_queue(queue), "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": {"x-queue-type": "quorum"}})
    return {"vhosts": [{"name": vhost}],
            "exchanges": [{"name": EXCHANGE, "vhost": vhost, "type": "topic", "durable": True, "auto_delete": False,
                           "internal": False, "arguments": {}}],
            "queues": queues, "bindings": bindings}
