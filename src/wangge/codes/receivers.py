"""What the codes app does when the apps below it announce a change."""

from __future__ import annotations


def recolour_on_status_change(*, actor, resident, transition) -> None:
    """A change of epidemic status changes the code's colour at once, in the same transaction."""
    from wangge.codes.services import recolour

    recolour([resident.pk], reason=f"health.status:{transition.to_status}")


def recolour_on_order_created(*, actor, order) -> None:
    """An order placed on someone turns their code yellow at once (a contact's status usually has)."""
    from wangge.codes.services import recolour

    recolour([order.resident_id], reason="quarantine.order_created")


def connect() -> None:
    from wangge.health.hooks import status_changed
    from wangge.quarantine.hooks import order_created

    status_changed.connect(recolour_on_status_change)
    order_created.connect(recolour_on_order_created)
