"""Sending is an adapter behind one interface: SMS gateways differ by province.

``WANGGE_MESSAGING_ADAPTER`` names the class (a dotted path).  An adapter takes an ``Outgoing``
message (recipient phone, text, purpose) and delivers it, raising ``SendFailed`` when it cannot; it
says nothing about what the message is for beyond ``purpose``, so sign-in codes today and notices
(issue 10) tomorrow go through the same door.

The built-in ``OutboxAdapter`` writes the message to the log and to the outbox table, which a
superuser reads at /messaging/outbox/: everything works on a closed network and in tests.  A
province's adapter subclasses ``Adapter`` and calls its gateway in ``send``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger("wangge.messaging")


@dataclass(frozen=True)
class Outgoing:
    recipient: str  # a mainland mobile number, 11 digits
    text: str
    purpose: str  # messaging.models.Purpose


class SendFailed(Exception):
    """The gateway refused or could not be reached; the caller decides what the user is told."""


class Adapter:
    channel = "sms"

    def send(self, message: Outgoing) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class OutboxAdapter(Adapter):
    """Writes to the log and the outbox: the message is "sent" when its row is written."""

    channel = "outbox"

    def send(self, message: Outgoing) -> None:
        from wangge.messaging.models import OutboxMessage

        OutboxMessage.objects.create(recipient=message.recipient, purpose=message.purpose, text=message.text,
                                     channel=self.channel)
        # The recipient is masked in the log: logs travel further than the outbox does.
        logger.warning("outbox %s %s: %s", message.purpose, message.recipient[:3] + "****" + message.recipient[-4:],
                       message.text)
