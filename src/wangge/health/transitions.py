"""Which epidemic-status changes are allowed: data, read by ``health.services.status_change``.

From seed 000's closed loop: fever > confirmed/suspected > (investigation) > close contacts >
quarantine > test; and out of it by exclusion, recovery or death.
"""

from wangge.health.models import EpidemicStatus as S

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.NONE: {S.FEVER, S.SUSPECTED, S.CONFIRMED, S.CLOSE_CONTACT, S.SECONDARY_CONTACT},
    S.FEVER: {S.SUSPECTED, S.CONFIRMED, S.EXCLUDED},
    S.SUSPECTED: {S.CONFIRMED, S.EXCLUDED},
    S.CONFIRMED: {S.RECOVERED, S.DECEASED},
    S.CLOSE_CONTACT: {S.FEVER, S.SUSPECTED, S.CONFIRMED, S.EXCLUDED},
    S.SECONDARY_CONTACT: {S.CLOSE_CONTACT, S.FEVER, S.SUSPECTED, S.CONFIRMED, S.EXCLUDED},
    S.EXCLUDED: {S.FEVER, S.SUSPECTED, S.CONFIRMED, S.CLOSE_CONTACT, S.SECONDARY_CONTACT},
    S.RECOVERED: {S.FEVER, S.SUSPECTED, S.CONFIRMED, S.CLOSE_CONTACT, S.SECONDARY_CONTACT},
    S.DECEASED: set(),
}

# Transitions that must say what they rest on (a test result, a diagnosis, an investigation).
EVIDENCE_REQUIRED: set[str] = {S.CONFIRMED, S.SUSPECTED, S.EXCLUDED, S.RECOVERED, S.DECEASED}

# Who may make each transition is the action "health.status.<to_status>" in accounts.permissions.


def status_action(to_status: str) -> str:
    return f"health.status.{to_status}"


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, set())
