"""Sending a message through the configured adapter (``WANGGE_MESSAGING_ADAPTER``)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from wangge.messaging.adapters import Adapter, Outgoing


@cache
def _adapter_class(path: str) -> type[Adapter]:
    return import_string(path)


def adapter() -> Adapter:
    """A fresh instance of the configured adapter (the setting is read at each call, so tests may swap it)."""
    return _adapter_class(settings.WANGGE_MESSAGING_ADAPTER)()


def send(*, recipient: str, text: str, purpose: str) -> None:
    """Send ``text`` to ``recipient`` for ``purpose``; raises ``adapters.SendFailed`` if it cannot.

    Called inside the caller's transaction: the outbox row lands with the change that sent it.
    """
    adapter().send(Outgoing(recipient=recipient, text=text, purpose=purpose))
