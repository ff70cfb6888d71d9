"""Writes of health codes: issuing a phone code's signed token, verifying one, recolouring people
when a fact changes (recording worsened colours for the gates), and paper codes.

Token format (agreed with the gates; do not change without the lead)::

    WG1.<base64url(payload JSON, no padding)>.<base64url(signature, no padding)>

payload ``{"k": key id, "r": opaque resident reference, "c": "g"|"y"|"r", "i": issued unix s,
"e": expiry unix s}``; the signature is ECDSA P-256 with SHA-256 over the ASCII bytes of
``WG1.<payload part>`` (everything before the last dot), raw ``r || s`` (64 bytes), which is what
WebCrypto's ``crypto.subtle.verify({name: "ECDSA", hash: "SHA-256"}, key, sig, data)`` takes.
The public keys are ``keys.jwks()`` (``GET /api/v1/gates/keys``).

A gate refuses a token that verifies when the revocation list (``selectors.revocations``) holds an
entry for its ``r`` with ``at`` (unix s) >= the token's ``i`` and a worse colour than its ``c``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.codes import keys, selectors
from wangge.codes.models import Colour, HealthCode, PaperCode, Revocation
from wangge.codes.qr import qr_svg
from wangge.codes.selectors import CHUNK, Reason, is_worse
from wangge.core.errors import ValidationFailed
from wangge.people.models import Resident
from wangge.people.selectors import resident_in_reach

log = logging.getLogger(__name__)

PREFIX = "WG1"
MAX_TOKEN_LENGTH = 512
# Clocks of the server and the gate differ a little: a token "issued" this far ahead still counts.
CLOCK_SKEW = 60


@dataclass(frozen=True)
class IssuedCode:
    token: str
    ref: str
    colour: str
    reasons: tuple[Reason, ...]
    issued: dt.datetime
    expires: dt.datetime
    key_id: str

    @property
    def refresh_seconds(self) -> int:
        """When a page showing this code should fetch a new one: a minute before it expires."""
        return max(10, int((self.expires - self.issued).total_seconds()) - 60)

    def qr(self) -> str:
        return qr_svg(self.token)


@dataclass(frozen=True)
class VerifiedCode:
    ref: str
    colour: str
    issued: dt.datetime
    expires: dt.datetime
    key_id: str


def _new_ref() -> str:
    return keys.b64url(secrets.token_bytes(12))


def _lock_residents(ids: list[int]) -> None:
    """Lock the residents' rows, in id order.  Issuing a code and recolouring both take this lock
    first, so one waits for the other: a token is signed either after a status change committed
    (and carries its colour) or before it (and the change then finds the code row and revokes)."""
    list(Resident.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _apply(row: HealthCode, colour: str, reasons: list[str], now: dt.datetime) -> Revocation | None:
    """Set the row's colour; a worsening gives the revocation the gates must learn (unsaved)."""
    revocation = Revocation(ref=row.ref, colour=colour, at=now) if is_worse(colour, row.colour) else None
    row.colour, row.reasons, row.coloured_at = colour, reasons, now
    return revocation


@transaction.atomic
def issue_token(resident: Resident, *, now: dt.datetime | None = None) -> IssuedCode:
    """A fresh signed token of the resident's colour now (the code's reference is made the first
    time).  A worsening noticed here that nothing announced is recorded in the revocation list too."""
    now = now or timezone.now()
    _lock_residents([resident.pk])
    row = HealthCode.objects.filter(resident=resident).first()
    colour, reasons = selectors.current_colour(resident)
    codes = [r.code for r in reasons]
    if row is None:
        row = HealthCode.objects.create(resident=resident, grid_code=resident.grid_code, ref=_new_ref(),
                                        colour=colour, reasons=codes, coloured_at=now)
    elif row.colour != colour or row.reasons != codes:
        revocation = _apply(row, colour, codes, now)
        row.save(update_fields=["colour", "reasons", "coloured_at"])
        if revocation is not None:
            revocation.save()
    kid, private = keys.signing_key(now)
    issued = int(now.timestamp())
    expires = issued + int(keys.token_lifetime().total_seconds())
    payload = json.dumps({"k": kid, "r": row.ref, "c": colour, "i": issued, "e": expires},
                         separators=(",", ":")).encode("ascii")
    signed = f"{PREFIX}.{keys.b64url(payload)}"
    token = f"{signed}.{keys.b64url(keys.sign(private, signed.encode('ascii')))}"
    return IssuedCode(token=token, ref=row.ref, colour=colour, reasons=reasons, key_id=kid,
                      issued=dt.datetime.fromtimestamp(issued, dt.UTC),
                      expires=dt.datetime.fromtimestamp(expires, dt.UTC))


def _malformed() -> ValidationFailed:
    return ValidationFailed(_("无法识别的健康码"), code="code_malformed", errors={"token": _("格式错误")})


def verify_token(token: str, *, now: dt.datetime | None = None) -> VerifiedCode:
    """The facts of a phone code's token, once its signature, key and expiry are checked.

    Refused with ValidationFailed and a code: ``code_malformed`` (not a token of this format),
    ``code_unknown_key`` (a key id never published, or retired long enough for its tokens to have
    expired), ``code_forged`` (the signature does not match), ``code_expired``."""
    now = now or timezone.now()
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise _malformed()
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise _malformed()
    try:
        payload = json.loads(keys.b64url_decode(parts[1]))
        signature = keys.b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise _malformed() from None
    if not isinstance(payload, dict):
        raise _malformed()
    kid, ref, colour, issued, expires = (payload.get(k) for k in ("k", "r", "c", "i", "e"))
    if not (isinstance(kid, str) and isinstance(ref, str) and 0 < len(ref) <= 32 and colour in Colour.values
            and type(issued) is int and type(expires) is int and issued <= expires):
        raise _malformed()
    lifetime = int(keys.token_lifetime().total_seconds())
    if expires - issued > lifetime + int(keys.GRACE.total_seconds()):
        raise _malformed()
    public = keys.public_key(kid, now) if 0 < len(kid) <= 16 else None
    if public is None:
        raise ValidationFailed(_("健康码的签名密钥未知或已停用"), code="code_unknown_key",
                               errors={"token": _("密钥未知")})
    if not keys.verify(public, signature, f"{parts[0]}.{parts[1]}".encode("ascii")):
        raise ValidationFailed(_("健康码签名无效，可能是伪造的"), code="code_forged", errors={"token": _("签名无效")})
    clock = int(now.timestamp())
    if expires <= clock:
        raise ValidationFailed(_("健康码已过期，请刷新后再出示"), code="code_expired", errors={"token": _("已过期")})
    if issued > clock + CLOCK_SKEW:
        raise _malformed()
    return VerifiedCode(ref=ref, colour=colour, issued=dt.datetime.fromtimestamp(issued, dt.UTC),
                        expires=dt.datetime.fromtimestamp(expires, dt.UTC), key_id=kid)


@dataclass(frozen=True)
class Recoloured:
    resident_id: int
    before: str
    after: str


@transaction.atomic
def recolour(resident_ids: Iterable[int], *, reason: str, now: dt.datetime | None = None) -> list[Recoloured]:
    """Compute the colours of these residents again, now, and record each worsening in the
    revocation list in the same transaction.  Apps call it when they change a fact that colours a
    code (health's status changes are connected already).  Only people who have been shown a code
    have a row to update; the others get their colour when their first code is issued."""
    ids = list(dict.fromkeys(int(i) for i in resident_ids))
    changed: list[Recoloured] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        _lock_residents(chunk)
        # Stamped once the locks are held: later than any token signed before this change was seen.
        at = now or timezone.now()
        rows = list(HealthCode.objects.filter(resident_id__in=chunk).order_by("id"))
        if not rows:
            continue
        computed = selectors.colours([r.resident_id for r in rows])
        dirty, revocations = [], []
        for row in rows:
            found = computed[row.resident_id]
            codes = found.reason_codes
            if row.colour == found.colour and row.reasons == codes:
                continue
            before = row.colour
            revocation = _apply(row, found.colour, codes, at)
            if revocation is not None:
                revocations.append(revocation)
            dirty.append(row)
            if before != found.colour:
                changed.append(Recoloured(row.resident_id, before, found.colour))
        HealthCode.objects.bulk_update(dirty, ["colour", "reasons", "coloured_at"])
        Revocation.objects.bulk_create(revocations)
    if changed:
        log.info("recoloured %d code(s) (%s)", len(changed), reason)
    return changed


# --- Staff: a resident's code, and paper codes ---------------------------------------------------

def code_for_resident(*, actor: Actor, resident_id: int) -> IssuedCode:
    """A resident's code now, for staff in reach (NotFound outside it); the read is audited."""
    user = actor.user
    resident = resident_in_reach(user=user, pk=resident_id)
    require(user, "codes.view")
    with transaction.atomic():
        issued = issue_token(resident)
        audit.record(actor=actor, action=AuditAction.VIEW, obj=resident, field="health_code",
                     note=str(Colour(issued.colour).label))
    return issued


def _new_paper_code() -> str:
    return "".join(secrets.choice(selectors.PAPER_ALPHABET) for _i in range(selectors.PAPER_LENGTH))


@transaction.atomic
def paper_code_issue(*, actor: Actor, resident_id: int) -> PaperCode:
    """Print a resident a (new) paper code: the one in force, if any, is revoked at once, so a lost
    card stops working at every gate that looks it up."""
    user = actor.user
    resident = resident_in_reach(user=user, pk=resident_id)
    require(user, "codes.paper.issue")
    list(Resident.objects.select_for_update().filter(pk=resident.pk).values_list("pk"))
    now = timezone.now()
    revoked = PaperCode.objects.filter(resident=resident, revoked_at__isnull=True).update(revoked_at=now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                paper = PaperCode.objects.create(resident=resident, grid_code=resident.grid_code,
                                                 code=_new_paper_code(), issued_at=now,
                                                 issued_by=user if user.is_authenticated else None)
            break
        except IntegrityError:  # 60 random bits collided: draw again
            continue
    else:  # pragma: no cover - five collisions of 60 random bits
        raise ValidationFailed(_("纸质码生成失败，请重试"), code="paper_code_failed")
    audit.record(actor=actor, action=AuditAction.CREATE, obj=resident, field="paper_code",
                 changes={"paper_code": ["revoked" if revoked else None, "issued"]})
    return paper


@transaction.atomic
def paper_code_revoke(*, actor: Actor, resident_id: int) -> int:
    """Stop the resident's paper code in force (a lost card); returns how many were revoked (0 or 1)."""
    user = actor.user
    resident = resident_in_reach(user=user, pk=resident_id)
    require(user, "codes.paper.issue")
    revoked = PaperCode.objects.filter(resident=resident, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=resident, field="paper_code",
                     changes={"paper_code": ["issued", "revoked"]})
    return revoked
