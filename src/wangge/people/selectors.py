"""Reads of residents.  Every one narrows by the acting user's reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from pydantic import BeforeValidator, WithJsonSchema

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.datachecks import DataCheckFilters
from wangge.core.errors import NotFound
from wangge.core.filters import ChoiceCode, Filters, SearchText, Within
from wangge.core.inputs import Id, coded_error
from wangge.core.lists import keyset_page
from wangge.grid.models import Household
from wangge.people.idcard import MOBILE_RE
from wangge.people.models import HouseholdMove, KeyGroupTag, Resident, ResidentTag
from wangge.people.validation import RESIDENCE_LOOKUP, duplicate_id_number_refusal


def tag_lookup() -> dict[str, int]:
    """Active key-group tags by code and by Chinese name."""
    lookup: dict[str, int] = {}
    for tag in KeyGroupTag.objects.filter(is_active=True):
        lookup[tag.code] = tag.pk
        lookup[tag.name] = tag.pk
    return lookup


def household_members(*, user, household):
    """The people of a household, each with ``age`` set (whole years today)."""
    members = list(
        Resident.objects.restrict(user).filter(household=household).prefetch_related("tags").order_by("id")
    )
    today = dt.date.today()
    for member in members:
        member.age = age_on(member.birth_date, today)
    return members


def age_on(birth_date: dt.date | None, today: dt.date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _residence_type(value):
    text = str(value).strip()
    if not text:
        return ""
    found = RESIDENCE_LOOKUP.get(text.lower()) or RESIDENCE_LOOKUP.get(text)
    if not found:
        raise coded_error("invalid_population_type", _("人口类型“%(value)s”无效") % {"value": text[:20]})
    return found


# A population type by its code or its Chinese name (户籍 / 常住 / 流动, 流动人口 ...).
ResidenceType = Annotated[
    Literal["", "registered", "permanent", "floating"],
    BeforeValidator(_residence_type),
    WithJsonSchema({"type": "string",
                    "description": "人口类型：registered / permanent / floating（或 户籍 / 常住 / 流动）"}),
]


class ResidentFilters(Filters):
    """The resident list's filters: the page, the API (``GET /residents``) and the export."""

    q: SearchText = ""  # a name (prefix), an 11-digit phone, the last 4 characters or all 18 of an ID number
    tag: ChoiceCode = ""  # key-group tag code
    residence_type: ResidenceType = ""
    within: Within = ""  # a division or grid code: only residents in its subtree
    household_id: Id | None = None


def _search_q(text: str) -> Q:
    text = text.strip()
    if not text:
        return Q()
    if text.isdigit() and len(text) == 11:
        return Q(phone=text)
    if len(text) == 4 and (text.isdigit() or (text[:3].isdigit() and text[3] in "xX")):
        return Q(id_tail=text.upper())
    if len(text) == 18:
        return Q(id_number=text.upper())
    return Q(name__startswith=text)


def resident_queryset(*, user, filters: ResidentFilters | None = None) -> QuerySet[Resident]:
    """Residents in reach matching ``filters``, in keyset order (grid_code, id)."""
    filters = filters or ResidentFilters()
    qs = Resident.objects.restrict(user)
    if filters.within:
        qs = qs.within(filters.within)
    if filters.household_id:
        qs = qs.filter(household_id=filters.household_id)
    if filters.q:
        qs = qs.filter(_search_q(filters.q))
    if filters.residence_type:
        qs = qs.filter(residence_type=filters.residence_type)
    if filters.tag:
        # The tag's id, not a join on its code: with the id the planner knows how common the tag
        # is, and for a common one (75,000 migrant workers in a city) walks the residents in page
        # order and stops at the page's end, instead of fetching and sorting every tagged one.
        tag_id = KeyGroupTag.objects.filter(code=filters.tag).values_list("pk", flat=True).first()
        if tag_id is None:
            qs = qs.none()
        qs = qs.filter(Exists(ResidentTag.objects.filter(resident_id=OuterRef("pk"), tag_id=tag_id)))
    return qs.order_by("grid_code", "id")


def after_position(qs: QuerySet, grid_code: str, pk: int) -> QuerySet:
    """Rows after (grid_code, pk) in keyset order (what a deep page costs; used by the bench)."""
    return qs.filter(grid_code__gte=grid_code).filter(Q(grid_code__gt=grid_code) | Q(grid_code=grid_code, id__gt=pk))


def resident_page(*, user, filters: ResidentFilters | None = None, cursor: str = "", limit: int | None = None):
    qs = resident_queryset(user=user, filters=filters).select_related("household")
    return keyset_page(qs, cursor=cursor, limit=limit)


def resident_in_reach(*, user, pk: int) -> Resident:
    """A resident in reach, without auditing: for services that go on to audit their own act."""
    try:
        return Resident.objects.restrict(user).select_related("household__unit__building__grid").get(pk=pk)
    except (Resident.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该居民，或不在您的管辖范围内")) from None


def resident_by_id_number(*, user, id_type: str, id_number: str) -> Resident | None:
    """The resident in reach registered under this ID number, or None when nobody is.

    A holder outside the reach is refused as a duplicate is (registered elsewhere, nobody named):
    the number cannot be registered again, and who holds it is not this user's to learn.
    """
    holder = Resident.objects.filter(id_type=id_type, id_number=id_number).values_list("pk", "grid_code").first()
    if holder is None:
        return None
    try:
        return resident_in_reach(user=user, pk=holder[0])
    except NotFound:
        raise duplicate_id_number_refusal(user=user, id_type=id_type, id_number=id_number, holder_pk=holder[0],
                                          holder_grid_code=holder[1]) from None


def resident_detail(*, actor: Actor, pk: int) -> Resident:
    """Open a resident's record: the read itself is audited."""
    resident = resident_in_reach(user=actor.user, pk=pk)
    audit.record(actor=actor, action=AuditAction.VIEW, obj=resident)
    return resident


def resident_moves(*, user, resident):
    """A resident's household moves that lie in the user's reach, newest first."""
    return list(
        HouseholdMove.objects.restrict(user)
        .filter(resident=resident)
        .select_related("from_household", "to_household", "moved_by")
        .order_by("-moved_at", "-id")
    )


# --- The person picker ----------------------------------------------------------------------------

PICKER_SUGGESTIONS = 20
PICKER_QUERY_LENGTH = 30


@dataclass
class PersonMatches:
    """What the picker shows for a search: the first suggestions, and whether there are more."""

    people: list[Resident]
    more: bool


def _picker_q(text: str) -> Q | None:
    """A name prefix, an 11-digit phone, or the last 4 or more characters of an ID number."""
    compact = text.replace(" ", "").upper()
    if compact[:-1].isdigit() and (compact[-1:].isdigit() or compact[-1:] == "X") and len(compact) >= 4:
        # Digits: the tail of an ID number (its indexed last four, then the rest of what was typed),
        # and an 11-digit string may be a phone as well.
        q = Q(id_tail=compact[-4:], id_number__endswith=compact)
        if len(compact) == 11 and compact.isdigit():
            q |= Q(phone=compact)
        return q
    if compact.isdigit():
        return None  # fewer than 4 digits narrows nothing
    return Q(name__startswith=text)


def person_search(*, user, q: str) -> PersonMatches:
    """People in the user's reach matching ``q`` (for the one person picker every form uses).

    Suggestions to pick from, not a list page: the first keyset page, and ``more`` when there are
    more (the picker says to type more), never a silent cut.  Any text is a search; none fails."""
    text = (q or "").replace("\x00", "").strip()[:PICKER_QUERY_LENGTH]  # PostgreSQL refuses a NUL
    where = _picker_q(text) if text else None
    if where is None:
        return PersonMatches(people=[], more=False)
    qs = Resident.objects.restrict(user).filter(where).select_related("household").order_by("grid_code", "id")
    page = keyset_page(qs, limit=PICKER_SUGGESTIONS)
    return PersonMatches(people=page.items, more=page.next_cursor is not None)


def household_search_queryset(*, user, text: str) -> QuerySet[Household] | None:
    """Households in reach matching ``text`` (cleaned), in keyset order; None when too short."""
    if len(text) < 2:
        return None
    where = Q(address__contains=text) | Q(door_number__startswith=text)
    if text.isdigit():
        where |= Q(code__startswith=text)
    return (Household.objects.restrict(user).filter(where).select_related("unit__building__grid")
            .order_by("grid_code", "id"))


def household_search(*, user, q: str) -> PersonMatches:
    """Households in reach whose address, door number or code starts with ``q`` (for registering a
    new person from the picker); same shape as ``person_search``."""
    text = (q or "").replace("\x00", "").strip()[:PICKER_QUERY_LENGTH]  # PostgreSQL refuses a NUL
    qs = household_search_queryset(user=user, text=text)
    if qs is None:
        return PersonMatches(people=[], more=False)
    page = keyset_page(qs, limit=PICKER_SUGGESTIONS)
    return PersonMatches(people=page.items, more=page.next_cursor is not None)


# --- Data checks (registered in ``people.datachecks``) --------------------------------------------


def _heads():
    return Resident.objects.filter(household=OuterRef("pk"), relation=Resident.Relation.HEAD)


def households_with_two_heads(*, user, filters: DataCheckFilters, today: dt.date) -> QuerySet[Household]:
    """Households in reach with more than one head (户主): data from before the rule, or written
    around it.  The database refuses a second head since people.0005, so this is normally empty."""
    qs = Household.objects.restrict(user).select_related("unit__building")
    if filters.within:
        qs = qs.within(filters.within)
    earlier = Resident.objects.filter(household=OuterRef(OuterRef("pk")), relation=Resident.Relation.HEAD,
                                      pk__lt=OuterRef("pk"))
    doubled = _heads().filter(Exists(earlier))
    return qs.filter(Exists(doubled)).order_by("grid_code", "id")


def households_without_head(*, user, filters: DataCheckFilters, today: dt.date) -> QuerySet[Household]:
    """Households in reach where people are registered but none of them is the head.  An empty
    household (a door without registered people) is not a problem."""
    qs = Household.objects.restrict(user).select_related("unit__building")
    if filters.within:
        qs = qs.within(filters.within)
    return (qs.filter(Exists(Resident.objects.filter(household=OuterRef("pk"))))
            .exclude(Exists(_heads())).order_by("grid_code", "id"))


def residents_registered_twice(*, user, filters: DataCheckFilters, today: dt.date) -> QuerySet[Resident]:
    """Residents in reach with the same name and birth date as someone else in their household:
    the same person most likely registered twice under two ID numbers.  Both rows are listed."""
    qs = Resident.objects.restrict(user).select_related("household")
    if filters.within:
        qs = qs.within(filters.within)
    twin = Resident.objects.filter(household_id=OuterRef("household_id"), name=OuterRef("name"),
                                   birth_date=OuterRef("birth_date")).exclude(pk=OuterRef("pk"))
    return qs.filter(birth_date__isnull=False).filter(Exists(twin)).order_by("grid_code", "id")


# --- Residents' own accounts (居民端): whom an account acts for (代办) -------------------------------
#
# A resident account has no reach (``User.scope_prefixes`` is empty, so every ``restrict`` is empty);
# it reaches people through this one selector instead, and every resident-facing read starts here.
# An account is its verified mobile number (``User.phone``).  It acts for exactly:
#
# 1. every resident whose recorded phone is that number (the account holder, and anyone registered
#    under the same number, e.g. a parent's number recorded for a child), and
# 2. the members of those residents' households who have no phone of their own (children, elderly
#    people without a phone), when both are family there: neither is a tenant (租客) or "other"
#    (其他, as in a collective household, a dormitory or a care home), so a lodger's number never
#    reaches the phoneless people they share a door with, nor theirs the lodger.
#
# Nobody else: not a member of the same household who has a different phone (they sign in
# themselves), not a relative in another household.  It is read from the registry at every request,
# so a phone corrected by staff moves the reach at once; an account whose number no longer matches
# anyone acts for nobody.


# Relations to the head that make someone family in a household (all but 租客 and 其他).
FAMILY_RELATIONS = [r for r in Resident.Relation.values
                    if r not in (Resident.Relation.TENANT, Resident.Relation.OTHER)]


def acts_for(user) -> QuerySet[Resident]:
    """The residents ``user`` acts for (see above), in (household, id) order; none for staff."""
    phone = getattr(user, "phone", "") or ""
    if (user is None or not getattr(user, "is_authenticated", False) or not user.is_active
            or not user.may("people.self") or not MOBILE_RE.match(phone)):
        return Resident.objects.none()
    family = Resident.objects.filter(phone=phone, relation__in=FAMILY_RELATIONS)
    phoneless_family = Q(household_id__in=family.values("household_id"), phone="", relation__in=FAMILY_RELATIONS)
    return Resident.objects.filter(Q(phone=phone) | phoneless_family).order_by("household_id", "id")


def phone_has_residents(phone: str) -> bool:
    """Whether anyone is registered under ``phone`` (may it sign in at all?)."""
    return Resident.objects.filter(phone=phone).exists()


def resident_for_self(*, actor: Actor, pk) -> Resident:
    """One of the residents ``actor``'s account acts for, audited like a staff read; anyone else is
    NotFound, exactly like a missing record."""
    require(actor.user, "people.self")
    try:
        resident = acts_for(actor.user).select_related("household__unit__building").get(pk=int(pk))
    except (Resident.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该居民，或不在您的管辖范围内")) from None
    audit.record(actor=actor, action=AuditAction.VIEW, obj=resident, note="居民端：本人或代办")
    return resident


@dataclass
class SelfHousehold:
    household: Household
    members: list[Resident]


def households_for_self(*, actor: Actor) -> list[SelfHousehold]:
    """The households of the residents ``actor`` acts for, each with only those members; each
    household shown leaves one audit entry naming the members shown."""
    require(actor.user, "people.self")
    members = list(acts_for(actor.user).select_related("household__unit__building"))
    grouped: dict[int, SelfHousehold] = {}
    for m in members:
        grouped.setdefault(m.household_id, SelfHousehold(m.household, [])).members.append(m)
    for entry in grouped.values():
        audit.record(actor=actor, action=AuditAction.VIEW, obj=entry.household,
                     object_repr=entry.household.address or entry.household.code,
                     changes={"residents": [m.pk for m in entry.members]}, note="居民端：我的家庭成员")
    return list(grouped.values())
