"""What the codes app does when the apps below it announce a change."""

from __future__ import annotations


def recolour_on_status_change(*, actor, resident, transition) -> None:
    """A change of epidemic status changes the code's colour at once, in the same transaction."""
    from wangge.codes.services import recolour

    recolour([resident.pk], reason=f"health.status:{transition.to_status}")


def connect() -> None:
    from wangge.health.hooks import status_changed

    status_changed.connect(recolour_on_status_change)
