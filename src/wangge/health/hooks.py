"""What the health app announces to the apps above it (``core.hooks``); each is sent inside the
transaction of the change."""

from wangge.core.hooks import Hook

# A resident was confirmed as a case (``status_change`` to CONFIRMED): tracing opens an investigation.
case_confirmed = Hook("health.case_confirmed", args=("actor", "resident", "transition"))
