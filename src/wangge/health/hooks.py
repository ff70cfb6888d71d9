"""What the health app announces to the apps above it (``core.hooks``); each is sent inside the
transaction of the change."""

from dataclasses import dataclass

from wangge.core.hooks import Hook

# A resident was confirmed as a case (``status_change`` to CONFIRMED): tracing opens an investigation.
case_confirmed = Hook("health.case_confirmed", args=("actor", "resident", "transition"))

# Any change of a resident's epidemic status (``status_change``, every transition): codes recolours
# the person's health code at once.
status_changed = Hook("health.status_changed", args=("actor", "resident", "transition"))

# Who is held under an order of an app above health (quarantine's active orders).  Health asks it
# (``ask``) for the monitoring lists and the 应隔尽隔 gap; each receiver answers with a queryset of
# ``resident_id`` values: in ``user``'s reach (everyone when None), under ``within`` (a code
# prefix, or "" for all) and among ``resident_ids`` (any resident when None).
held_under_order = Hook("health.held_under_order", args=("user", "within", "resident_ids"))


@dataclass(frozen=True)
class NextStep:
    """A next step an app above health offers for a person in a status (a link to its own page).

    ``key`` names the step for pages and tests ("investigation", "quarantine", "transfer"); ``note``
    says what has already happened, when there is something to say ("已开启流调")."""

    key: str
    label: str
    url: str
    note: str = ""


# What the apps above offer to do next for ``resident`` now in ``status``, for ``user``: each
# receiver answers with a list of ``NextStep`` (empty when it has nothing to offer or the user may
# not take it).  Health asks it for the person page after a status change, knowing none of them.
next_steps = Hook("health.next_steps", args=("user", "resident", "status"))
