"""`AmqpBus`: the `Bus` port on RabbitMQ with pika (DESIGN §3).

- Publishing: persistent messages on the durable topic exchange, publisher
  confirms; one connection per publishing thread (pika connections are not
  thread-safe), re-opened once when the broker dropped it.
- Consuming: one connection and thread per queue; the handler runs in a worker
  thread so the connection keeps answering heartbeats during long work; the ack
  is sent back to the connection thread (`add_callback_threadsafe`) only after
  the handler returned, i.e. after its transaction committed.
- Failures: the message is re-published to `Q.retry.<ms>` (TTL, dead-lettered
  back to `Q`) with its attempt count, then parked in `Q.parked` with the reason.
  An outage (`bus.transient`) is retried the same way without counting an
  attempt, for at most `transient_limit_s` from its first failure.
- The broker going away: consumers reconnect with exponential backoff.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

from naskah_shared import logs
from naskah_shared.bus import topology as topo
from naskah_shared.bus.ports import BusUnavailable, Handler, ParkedMessage, Subscription
from naskah_shared.bus.transient import TRANSIENT_HEADER, TRANSIENT_LIMIT_S, TRANSIENT_SINCE_HEADER, is_transient
from naskah_shared.messages import Envelope

log = logging.getLogger(__name__)
BACKOFF_FIRST_S, BACKOFF_MAX_S = 0.5, 30.0  # consumers' reconnect delays


def _params(url: str, *, heartbeat: int) -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.heartbeat = heartbeat
    params.blocked_connection_timeout = 30
    params.connection_attempts = 1
    params.socket_timeout = 5
    return params


class AmqpBus:
    def __init__(self, url: str, service: str = "naskah", *, prefetch: int = 4, heartbeat: int = 30,
                 retry_delays_ms: Sequence[int] = topo.RETRY_DELAYS_MS,
                 transient_limit_s: float = TRANSIENT_LIMIT_S) -> None:
        self.params = _params(url, heartbeat=heartbeat)
        self.service, self.prefetch = service, prefetch
        self.retry_delays_ms = tuple(retry_delays_ms)
        self.transient_limit_s = transient_limit_s
        self._subs: list[Subscription] = []
        self._consumers: list[_Consumer] = []
        self._local = threading.local()
        self._channels: list[BlockingChannel] = []  # every thread's publishing channel, closed on stop
        self._started = False

    # --- publishing -----------------------------------------------------------------
    def _channel(self) -> BlockingChannel:
        ch = getattr(self._local, "channel", None)
        if ch is not None and ch.is_open:
            try:
                ch.connection.process_data_events(0)  # answers heartbeats, notices a dead socket
                return ch
            except AMQPError:
                pass
        conn = pika.BlockingConnection(self.params)
        ch = conn.channel()
        ch.confirm_delivery()
        ch.exchange_declare(topo.EXCHANGE, "topic", durable=True)
        self._local.channel = ch
        self._channels.append(ch)
        return ch

    def _drop_channel(self) -> None:
        ch = getattr(self._local, "channel", None)
        self._local.channel = None
        if ch is not None:
            with contextlib.suppress(ValueError):
                self._channels.remove(ch)
            with contextlib.suppress(Exception):
                ch.connection.close()

    def publish(self, envelope: Envelope) -> None:
        props = pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent, content_type="application/json",
            message_id=envelope.id, correlation_id=envelope.correlation_id, type=envelope.type,
            app_id=envelope.producer, timestamp=int(envelope.occurred_at.timestamp()))
        body = envelope.to_json()
        for attempt in (1, 2):
            try:
                # With confirms on, basic_publish returns once the broker has the message durably.
                self._channel().basic_publish(topo.EXCHANGE, envelope.type, body, props)
                return
            except AMQPError as exc:
                self._drop_channel()
                if attempt == 2:
                    raise BusUnavailable(f"publish failed: {type(exc).__name__}") from exc

    # --- consuming ----------------------------------------------------------------------
    def subscribe(self, queue: str, routing_keys: Sequence[str], handler: Handler,
                  *, max_attempts: int = 5) -> None:
        sub = Subscription(queue, tuple(routing_keys), handler, max_attempts)
        self._subs.append(sub)
        if self._started:
            self._start_consumer(sub)

    def declare(self, sub: Subscription, ch: BlockingChannel) -> None:
        ch.exchange_declare(topo.EXCHANGE, "topic", durable=True)
        ch.queue_declare(sub.queue, durable=True, arguments={"x-queue-type": "quorum"})
        for key in sub.routing_keys:
            ch.queue_bind(sub.queue, topo.EXCHANGE, routing_key=key)
        for delay in self.retry_delays_ms:
            ch.queue_declare(topo.retry_queue(sub.queue, delay), durable=True, arguments={
                "x-message-ttl": delay, "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": sub.queue})
        ch.queue_declare(topo.parked_queue(sub.queue), durable=True, arguments={"x-queue-type": "quorum"})

    def _start_consumer(self, sub: Subscription) -> None:
        consumer = _Consumer(self, sub)
        self._consumers.append(consumer)
        consumer.start()

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        for sub in self._subs:
            self._start_consumer(sub)

    def wait_ready(self, timeout: float = 15.0) -> bool:
        """True once every consumer has declared its queues and is consuming."""
        deadline = time.monotonic() + timeout
        return all(c.ready.wait(max(0.0, deadline - time.monotonic())) for c in self._consumers)

    def stop(self) -> None:
        self._started = False
        for c in self._consumers:
            c.stopping.set()
        for c in self._consumers:
            c.join(timeout=30)
        self._consumers.clear()
        self._drop_channel()
        for ch in self._channels:  # other threads' connections (the outbox relay's): closed from here
            with contextlib.suppress(Exception):
                ch.connection.close()
        self._channels.clear()

    def ping(self) -> None:
        """Ready means the broker answers *and* every started consumer is connected and consuming
        (a consumer waiting out its reconnect delay receives nothing, whatever the broker says)."""
        try:
            conn = pika.BlockingConnection(self.params)
            conn.close()
        except AMQPError as exc:
            raise BusUnavailable(f"RabbitMQ unreachable: {type(exc).__name__}") from exc
        down = sorted(c.sub.queue for c in self._consumers if not c.ready.is_set())
        if self._started and down:
            raise BusUnavailable(f"not consuming from {', '.join(down)} (reconnecting)")

    def parked(self, queue: str) -> list[ParkedMessage]:
        """Peek at the parking queue: read every message unacknowledged, then let them go back."""
        out: list[ParkedMessage] = []
        conn = pika.BlockingConnection(self.params)
        try:
            ch = conn.channel()
            while True:
                method, props, body = ch.basic_get(topo.parked_queue(queue), auto_ack=False)
                if method is None:
                    break
                headers = props.headers or {}
                out.append(ParkedMessage(Envelope.from_json(body), int(headers.get(topo.ATTEMPT_HEADER, 0)),
                                         str(headers.get(topo.REASON_HEADER, ""))))
        finally:
            conn.close()  # unacknowledged messages return to the parking queue
        return out


class _Consumer(threading.Thread):
    def __init__(self, bus: AmqpBus, sub: Subscription) -> None:
        super().__init__(name=f"amqp-{sub.queue}", daemon=True)
        self.bus, self.sub = bus, sub
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.work = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"handler-{sub.queue}")

    def run(self) -> None:
        backoff = BACKOFF_FIRST_S
        while not self.stopping.is_set():
            try:
                self._consume()
            except AMQPError as exc:
                # A connection that got as far as consuming resets the delay: only attempts that
                # fail back to back grow it, so after many short broker drops a reconnect is still quick.
                if self.ready.is_set():
                    backoff = BACKOFF_FIRST_S
                self.ready.clear()
                log.warning("broker connection lost; reconnecting",
                            extra={"queue": self.sub.queue, "error": type(exc).__name__, "in_s": backoff})
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
            else:
                backoff = BACKOFF_FIRST_S
        self.ready.clear()
        self.work.shutdown(wait=True)

    def _consume(self) -> None:
        conn = pika.BlockingConnection(self.bus.params)
        try:
            ch = conn.channel()
            ch.confirm_delivery()
            self.bus.declare(self.sub, ch)
            ch.basic_qos(prefetch_count=self.bus.prefetch)
            tag = ch.basic_consume(self.sub.queue, partial(self._on_message, conn))
            self.ready.set()
            while not self.stopping.is_set():
                conn.process_data_events(time_limit=0.2)
            ch.basic_cancel(tag)
            # Let handlers in flight finish and their acks go out before closing.
            self.work.shutdown(wait=True)
            conn.process_data_events(time_limit=0)
        finally:
            if conn.is_open:
                conn.close()

    def _on_message(self, conn: pika.BlockingConnection, ch: BlockingChannel, method: Any,
                    props: pika.BasicProperties, body: bytes) -> None:
        def work() -> None:
            error = self._handle(body)
            conn.add_callback_threadsafe(partial(self._settle, ch, method.delivery_tag, props, body, error))

        self.work.submit(work)

    def _handle(self, body: bytes) -> tuple[str, bool] | None:
        """None when handled; else the reason, and whether it was an outage (not the message's fault)."""
        try:
            envelope = Envelope.from_json(body)
        except Exception as exc:
            return f"malformed: {exc}", False
        try:
            with logs.correlated(envelope.correlation_id):
                self.sub.handler(envelope)
        except Exception as exc:
            transient = is_transient(exc)
            log.warning("handler failed", extra={"queue": self.sub.queue, "type": envelope.type,
                                                 "reason": f"{type(exc).__name__}: {exc}", "transient": transient})
            return f"{type(exc).__name__}: {exc}", transient
        return None

    def _settle(self, ch: BlockingChannel, tag: int, props: pika.BasicProperties, body: bytes,
                failure: tuple[str, bool] | None) -> None:
        if not ch.is_open:
            return  # the broker redelivers it on the next connection
        if failure is None:
            ch.basic_ack(tag)
            return
        error, transient = failure
        headers = dict(props.headers or {})
        attempt = int(headers.get(topo.ATTEMPT_HEADER, 0))
        if transient:  # an outage: retried with capped backoff, not counted, until the outage is too long
            now = time.time()
            since = float(headers.get(TRANSIENT_SINCE_HEADER) or now)
            streak = int(headers.get(TRANSIENT_HEADER, 0)) + 1
            headers[TRANSIENT_SINCE_HEADER], headers[TRANSIENT_HEADER] = str(since), streak
            park = now - since >= self.bus.transient_limit_s
            if park:
                error = f"{error} (an outage for {round(now - since)} s, past {self.bus.transient_limit_s:g} s)"
            delay = topo.retry_delay(self.bus.retry_delays_ms, streak)
        else:
            attempt += 1
            headers.pop(TRANSIENT_SINCE_HEADER, None)
            headers.pop(TRANSIENT_HEADER, None)
            park = attempt >= self.sub.max_attempts or error.startswith("malformed")
            delay = topo.retry_delay(self.bus.retry_delays_ms, attempt)
        headers[topo.ATTEMPT_HEADER] = attempt
        if park:
            headers[topo.REASON_HEADER] = error[:2000]
            target = topo.parked_queue(self.sub.queue)
            log.error("message parked", extra={"queue": self.sub.queue, "reason": error, "attempt": attempt})
        else:
            target = topo.retry_queue(self.sub.queue, delay)
        out = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, headers=headers,
                                   content_type=props.content_type, message_id=props.message_id,
                                   correlation_id=props.correlation_id, type=props.type, app_id=props.app_id)
        try:
            ch.basic_publish("", target, body, out)
        except AMQPError:
            ch.basic_nack(tag, requeue=True)
            return
        ch.basic_ack(tag)
