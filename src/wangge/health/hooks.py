"""What the health app announces to the apps above it (``core.hooks``); each is sent inside the
transaction of the change."""

from wangge.core.hooks import Hook

# A resident was confirmed as a case (``status_change`` to CONFIRMED): tracing opens an investigation.
case_confirmed = Hook("health.case_confirmed", args=("actor", "resident", "transition"))

# Who is held under an order of an app above health (quarantine's active orders).  Health asks it
# (``ask``) for the monitoring lists and the 应隔尽隔 gap; each receiver answers with a queryset of
# ``resident_id`` values: in ``user``'s reach (everyone when None), under ``within`` (a code
# prefix, or "" for all) and among ``resident_ids`` (any resident when None).
held_under_order = Hook("health.held_under_order", args=("user", "within", "resident_ids"))
