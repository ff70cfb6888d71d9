"""Hooks: a lower app tells the apps above it what happened, without importing them.

The lower app defines a named hook with the arguments it will pass, and sends it inside the
transaction of the change (so a receiver's writes commit or roll back with it, and a receiver's
error refuses the change)::

    # health/hooks.py
    case_confirmed = Hook("health.case_confirmed", args=("actor", "resident", "transition"))

    # health/services.py, inside status_change (atomic)
    hooks.case_confirmed.send(actor=actor, resident=resident, transition=transition)

The higher app says what it does about it, in its ``AppConfig.ready()``::

    from wangge.health.hooks import case_confirmed
    case_confirmed.connect(open_investigation)

Unlike a Django signal, a hook is sent with exactly its declared arguments, calls its receivers
in the order they connected, and lets their errors through.

A hook can also ask rather than tell: ``ask`` calls the receivers the same way and returns their
answers, in order.  Health asks who is held under an order of an app above it (quarantine
answers with its active orders) without knowing that app::

    held = hooks.held_under_order.ask(user=user, within=within, resident_ids=None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Receiver = Callable[..., Any]


class Hook:
    def __init__(self, name: str, *, args: tuple[str, ...]) -> None:
        self.name = name
        self.args = frozenset(args)
        self._receivers: list[Receiver] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"

    @property
    def receivers(self) -> tuple[Receiver, ...]:
        return tuple(self._receivers)

    def connect(self, receiver: Receiver) -> Receiver:
        """Call ``receiver(**arguments)`` each time the hook is sent; connecting twice is once."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def send(self, **arguments: Any) -> None:
        self.ask(**arguments)

    def ask(self, **arguments: Any) -> list[Any]:
        """Call every receiver with ``arguments`` and return what each answered, in order."""
        if set(arguments) != self.args:
            raise TypeError(f"{self.name} takes {sorted(self.args)}, not {sorted(arguments)}")
        return [receiver(**arguments) for receiver in list(self._receivers)]
