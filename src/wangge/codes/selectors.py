"""Reads of health codes: a person's colour and its reasons (one person or many at once), the
person behind a reference or a paper code, and the list of codes whose colour worsened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.codes import hooks, rules
from wangge.codes.models import COLOUR_RANK, Colour, HealthCode, PaperCode, Revocation
from wangge.core.errors import NotFound
from wangge.health.models import PersonStatus
from wangge.people.models import Resident
from wangge.people.selectors import resident_in_reach
from wangge.quarantine.models import QuarantineOrder, QuarantineTest

# Ids per query in the bulk form (well under SQLite's and PostgreSQL's parameter limits).
CHUNK = 1000


@dataclass(frozen=True)
class Reason:
    code: str
    colour: str
    text: str


@dataclass(frozen=True)
class CodeColour:
    colour: str
    reasons: tuple[Reason, ...]

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]


GREEN = CodeColour(Colour.GREEN, ())


def worst(colours: Iterable[str]) -> str:
    return max(colours, key=COLOUR_RANK.__getitem__, default=Colour.GREEN)


def is_worse(new: str, old: str) -> bool:
    return COLOUR_RANK[new] > COLOUR_RANK[old]


def _own_reason(code: str) -> Reason:
    colour, text = rules.REASONS[code]
    return Reason(code, rules.colour_of(code, colour), str(text))


def colours(resident_ids: Iterable[int], *, today: dt.date | None = None) -> dict[int, CodeColour]:
    """Each resident's colour and reasons, for any number of ids: three indexed queries per
    thousand ids (status, active orders, overdue tests) and the receivers of ``colour_facts``."""
    today = today or timezone.localdate()
    ids = list(dict.fromkeys(int(i) for i in resident_ids))
    found: dict[int, list[Reason]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for rid, status in PersonStatus.objects.filter(resident_id__in=chunk).values_list("resident_id", "status"):
            if status in rules.STATUS_REASONS:
                found.setdefault(rid, []).append(_own_reason(rules.STATUS_REASONS[status]))
        active = QuarantineOrder.objects.filter(resident_id__in=chunk, status=QuarantineOrder.Status.ACTIVE)
        for rid, phase in active.values_list("resident_id", "phase"):
            code = "quarantine_central" if phase == QuarantineOrder.Phase.CENTRAL else "quarantine_home"
            found.setdefault(rid, []).append(_own_reason(code))
        overdue = QuarantineTest.objects.filter(
            order__resident_id__in=chunk, order__status=QuarantineOrder.Status.ACTIVE,
            result=QuarantineTest.Result.PENDING, due_date__lt=today,
        ).values_list("order__resident_id", flat=True).distinct()
        for rid in overdue:
            found.setdefault(rid, []).append(_own_reason("test_overdue"))
        for answer in hooks.colour_facts.ask(resident_ids=chunk):
            for rid, facts in (answer or {}).items():
                for colour, code, text in facts:
                    found.setdefault(int(rid), []).append(Reason(code, rules.colour_of(code, colour), str(text)))
    out: dict[int, CodeColour] = {}
    for rid in ids:
        reasons = _dedupe(found.get(rid, []))
        if not reasons:
            out[rid] = GREEN
            continue
        reasons.sort(key=lambda r: -COLOUR_RANK[r.colour])
        out[rid] = CodeColour(worst(r.colour for r in reasons), tuple(reasons))
    return out


def _dedupe(reasons: list[Reason]) -> list[Reason]:
    seen, out = set(), []
    for reason in reasons:
        if reason.code not in seen:
            seen.add(reason.code)
            out.append(reason)
    return out


def current_colour(resident: Resident | int, *, today: dt.date | None = None) -> tuple[str, tuple[Reason, ...]]:
    """A person's colour now and the reasons for it (green with no reasons when nothing applies)."""
    rid = resident if isinstance(resident, int) else resident.pk
    found = colours([rid], today=today)[rid]
    return found.colour, found.reasons


def resident_for_ref(ref: str) -> Resident:
    """The resident a code's reference stands for.  Not scoped: the caller (a gate) decides who
    may learn what about them.  Unknown is NotFound with code ``code_unknown``."""
    code = (HealthCode.objects.filter(ref=ref).select_related("resident").first()
            if isinstance(ref, str) and 0 < len(ref) <= 32 else None)
    if code is None:
        raise NotFound(_("未找到该健康码"), code="code_unknown")
    return code.resident


PAPER_PREFIX = "WGP1."
# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is unambiguous.
PAPER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PAPER_LENGTH = 12


def normalise_paper_code(text: str) -> str:
    """What a gate read or typed, as stored: the QR's prefix, spaces and dashes dropped, upper
    case, and the letters people confuse with digits read as the digits."""
    text = (text or "").strip()
    if text.upper().startswith(PAPER_PREFIX):
        text = text[len(PAPER_PREFIX):]
    text = text.upper().replace("-", "").replace(" ", "")
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def resident_for_paper_code(text: str) -> Resident:
    """The resident of a paper code in force.  Not scoped (like ``resident_for_ref``).  Unknown
    is NotFound ``paper_code_unknown``; one that was reissued is NotFound ``paper_code_revoked``."""
    code = normalise_paper_code(text)
    paper = None
    if len(code) == PAPER_LENGTH and all(c in PAPER_ALPHABET for c in code):
        paper = PaperCode.objects.filter(code=code).select_related("resident").first()
    if paper is None:
        raise NotFound(_("未找到该纸质健康码"), code="paper_code_unknown")
    if paper.revoked_at is not None:
        raise NotFound(_("该纸质健康码已作废，请使用新发的纸质码"), code="paper_code_revoked")
    return paper.resident


def paper_code_in_force(resident: Resident) -> PaperCode | None:
    return PaperCode.objects.filter(resident=resident, revoked_at__isnull=True).first()


def revocations(since: dt.datetime | None = None) -> QuerySet[Revocation]:
    """Codes whose colour worsened at or after ``since``, oldest first (keyset order ``at, id``).
    A gate needs only those of the last token lifetime: older tokens have expired anyway."""
    qs = Revocation.objects.all()
    if since is not None:
        qs = qs.filter(at__gte=since)
    return qs.order_by("at", "id")


def revocations_for_gate(*, user, since: dt.datetime | None = None) -> QuerySet[Revocation]:
    """``revocations(since)`` for a gate's device (or anyone who may sync the list)."""
    require(user, "codes.gate.sync")
    return revocations(since)


def health_code_of(resident: Resident) -> HealthCode | None:
    return HealthCode.objects.filter(resident=resident).first()


# --- Staff pages ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeDetail:
    resident: Resident
    colour: str
    reasons: tuple[Reason, ...]
    paper: PaperCode | None


def code_detail(*, actor: Actor, resident_id: int) -> CodeDetail:
    """A resident's code colour, its reasons and the paper code in force, for staff in reach
    (NotFound outside it); the read is audited."""
    resident = resident_in_reach(user=actor.user, pk=resident_id)
    require(actor.user, "codes.view")
    colour, reasons = current_colour(resident)
    audit.record(actor=actor, action=AuditAction.VIEW, obj=resident, field="health_code")
    return CodeDetail(resident, colour, reasons, paper_code_in_force(resident))


def paper_card(*, actor: Actor, resident_id: int) -> CodeDetail:
    """What the printed card shows (the code in force, the person's name and colour now), for those
    who may print it; reading the card's code is audited like any read of the record."""
    resident = resident_in_reach(user=actor.user, pk=resident_id)
    require(actor.user, "codes.paper.print")
    colour, reasons = current_colour(resident)
    audit.record(actor=actor, action=AuditAction.VIEW, obj=resident, field="paper_code")
    return CodeDetail(resident, colour, reasons, paper_code_in_force(resident))
