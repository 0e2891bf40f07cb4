"""The `Bus` port and its adapters: AMQP (pika) and in-process."""

from naskah_shared.bus.ports import Bus, Handler, ParkedMessage, Subscription

__all__ = ["Bus", "Handler", "ParkedMessage", "Subscription"]
