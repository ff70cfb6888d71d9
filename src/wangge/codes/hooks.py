"""What the codes app asks of the apps above it (``core.hooks``)."""

from wangge.core.hooks import Hook

# Facts of an app above codes that colour a code (testing: a positive pool, an overdue test of a
# round).  Codes asks it each time it computes colours, for ``resident_ids`` (a list of ids); each
# receiver answers ``{resident_id: [(colour, reason_code, reason_text), ...]}`` with ``colour`` one
# of "g", "y", "r" (``codes.models.Colour``), a stable snake_case ``reason_code`` and the words in
# the user's language (a lazy translation is fine).  Only people with a fact need a key.  An app
# that changes such a fact calls ``codes.services.recolour(resident_ids, reason=...)`` in the same
# transaction, so a worsened colour reaches the gates' revocation list at once.
colour_facts = Hook("codes.colour_facts", args=("resident_ids",))
