"""What the quarantine app asks of the apps above it (``core.hooks``)."""

from wangge.core.hooks import Hook

# Who else stays at, or is on the way to, a centralised quarantine site through an app above
# quarantine (transfer: open admissions to the facility that is the site, and patients on a transfer
# bound for it).  Every occupancy figure of a site asks it, so the site page, the facility board and
# the transfer destination list count the same people.  Each receiver answers
# ``{site_id: (staying, incoming)}``, ``staying`` counting only people with no active order in the
# central phase at that site (those are counted by their order already).
site_guests = Hook("quarantine.site_guests", args=("site_ids",))

# A resident was placed under a quarantine order (``quarantine_order_create``, inside its
# transaction): codes recolours the person's health code at once.
order_created = Hook("quarantine.order_created", args=("actor", "order"))
