"""Reads of investigations, their trajectories and contacts, narrowed to the user's reach."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import Field

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.filters import Filters
from wangge.core.inputs import Id
from wangge.core.lists import keyset_page
from wangge.grid.models import Building
from wangge.health.hooks import NextStep
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.people.models import Resident
from wangge.people.selectors import resident_in_reach
from wangge.quarantine.models import QuarantineOrder, QuarantineTest
from wangge.tracing import hooks
from wangge.tracing.hooks import Exposure
from wangge.tracing.models import Contact, Investigation, TrajectoryEntry
from wangge.tracing.services import investigation_in_reach


class InvestigationFilters(Filters):
    """The investigation list's filters: the page, its export and ``GET /tracing/investigations``."""

    status: Literal[("", *Investigation.Status.values)] = ""

    labels: ClassVar = {"status": gettext_lazy("状态")}


def investigations_matching(*, user, filters: InvestigationFilters | None = None) -> QuerySet[Investigation]:
    """Investigations in reach matching ``filters``, in keyset order (grid_code, id)."""
    filters = filters or InvestigationFilters()
    qs = Investigation.objects.restrict(user).select_related("case")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("grid_code", "id")


def investigation_queryset(*, user, filters: InvestigationFilters | None = None) -> QuerySet[Investigation]:
    """Investigations in reach, open ones first, newest first.

    "open" sorts after "closed", so ``-status`` puts open ones first with a plain column a keyset
    cursor can carry."""
    qs = investigations_matching(user=user, filters=filters)
    return qs.annotate(
        contact_count=Count("contacts", distinct=True),
        place_count=Count("trajectory", distinct=True),
    ).order_by("-status", "-opened_at", "-id")


def investigation_count(*, user, filters: InvestigationFilters | None = None) -> int:
    """How many investigations ``investigation_queryset`` lists: the page's headline, over all pages."""
    return investigations_matching(user=user, filters=filters).count()


INVESTIGATION_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("流调编号"), gettext_lazy("病例"), gettext_lazy("证件号码"), gettext_lazy("手机号"),
    gettext_lazy("网格代码"), gettext_lazy("状态"), gettext_lazy("开始时间"), gettext_lazy("完成时间"),
    gettext_lazy("轨迹"), gettext_lazy("接触者"), gettext_lazy("调查结论"),
]


def investigation_export_rows(qs: QuerySet[Investigation]):
    """Rows for the Excel download of ``investigation_queryset``, the case's ID number and phone masked."""
    for inv in qs.iterator(chunk_size=2000):
        case = inv.case
        yield (
            inv.pk, case.name, case.id_number_masked, case.phone_masked, inv.grid_code, inv.get_status_display(),
            inv.opened_at, inv.closed_at, inv.place_count, inv.contact_count, inv.summary,
        )


def investigation_detail(*, actor: Actor, pk: int) -> Investigation:
    """An investigation in reach; opening it (a case's record) is audited."""
    investigation = investigation_in_reach(user=actor.user, pk=pk)
    audit.record(actor=actor, action=AuditAction.VIEW, obj=investigation)
    return investigation


def trajectory(investigation: Investigation) -> list[TrajectoryEntry]:
    return list(investigation.trajectory.order_by("start", "pk"))


def map_points(entries: list[TrajectoryEntry]) -> list[dict]:
    return [
        {"lat": e.lat, "lng": e.lng, "place": e.place, "start": timezone.localtime(e.start).strftime("%m-%d %H:%M")}
        for e in entries if e.lat is not None and e.lng is not None
    ]


PLACE_SUGGESTIONS = 20
PLACE_QUERY_LENGTH = 50


@dataclass(frozen=True)
class PlaceMatches:
    """The registered places a search suggests for a trajectory point, and whether there are more."""

    places: list[Building]
    more: bool


def place_search(*, user, q: str) -> PlaceMatches:
    """Buildings in reach whose name, compound or address contains ``q``: a trajectory point picked
    from the registry, so nobody types coordinates.  Suggestions, not a list page: the first keyset
    page and ``more`` when there are more (the picker asks for more words), never a silent cut."""
    text = (q or "").replace("\x00", "").strip()[:PLACE_QUERY_LENGTH]  # PostgreSQL refuses a NUL
    if not text:
        return PlaceMatches(places=[], more=False)
    where = Q(name__contains=text) | Q(compound__contains=text) | Q(address__contains=text)
    qs = (Building.objects.restrict(user, "tracing.trajectory.add").filter(where).select_related("grid")
          .order_by("grid_code", "id"))
    page = keyset_page(qs, limit=PLACE_SUGGESTIONS)
    return PlaceMatches(places=page.items, more=page.next_cursor is not None)


@dataclass
class ContactRow:
    """One contact and where they are in the loop: marked > quarantined > tested."""

    contact: Contact
    status: str
    status_label: str
    order: QuarantineOrder | None
    tests_done: int
    tests_due: int  # tests due up to today
    tests_total: int

    @property
    def quarantined(self) -> bool:
        return self.order is not None and self.order.status == QuarantineOrder.Status.ACTIVE

    @property
    def tests_behind(self) -> int:
        return max(self.tests_due - self.tests_done, 0)


def contact_rows(*, user, investigation: Investigation, today: dt.date | None = None) -> list[ContactRow]:
    today = today or timezone.localdate()
    contacts = list(
        Contact.objects.restrict(user).filter(investigation=investigation).select_related("resident")
        .order_by("created_at", "pk")
    )
    resident_ids = [c.resident_id for c in contacts]
    statuses = dict(PersonStatus.objects.filter(resident_id__in=resident_ids).values_list("resident_id", "status"))
    # The order that quarantines each contact: the one the contact raised, else the person's latest order.
    orders: dict[int, QuarantineOrder] = {}
    for order in (QuarantineOrder.objects.restrict(user).filter(resident_id__in=resident_ids)
                  .order_by("resident_id", "-start_date", "-pk")):
        orders.setdefault(order.resident_id, order)
    for order in QuarantineOrder.objects.restrict(user).filter(contact__in=contacts):
        orders[order.resident_id] = order
    order_ids = [o.pk for o in orders.values()]
    done = dict(QuarantineTest.objects.filter(order_id__in=order_ids).exclude(result=QuarantineTest.Result.PENDING)
                .values("order_id").annotate(n=Count("id")).values_list("order_id", "n"))
    due = dict(QuarantineTest.objects.filter(order_id__in=order_ids, due_date__lte=today)
               .values("order_id").annotate(n=Count("id")).values_list("order_id", "n"))
    total = dict(QuarantineTest.objects.filter(order_id__in=order_ids)
                 .values("order_id").annotate(n=Count("id")).values_list("order_id", "n"))
    rows = []
    for c in contacts:
        status = statuses.get(c.resident_id, EpidemicStatus.NONE)
        order = orders.get(c.resident_id)
        key = order.pk if order else None
        rows.append(ContactRow(
            contact=c, status=status, status_label=str(EpidemicStatus(status).label), order=order,
            tests_done=done.get(key, 0), tests_due=due.get(key, 0), tests_total=total.get(key, 0),
        ))
    return rows


def loop_summary(rows: list[ContactRow]) -> dict[str, int]:
    """The closed loop in numbers: contacts found > quarantined > tested (every due test done)."""
    return {
        "contacts": len(rows),
        "quarantined": sum(1 for r in rows if r.order is not None),
        "tested": sum(1 for r in rows if r.order is not None and r.tests_done and not r.tests_behind),
    }


def investigation_next_steps(*, user, resident, status: str) -> list[NextStep]:
    """A confirmed case's investigation (opened by ``case_confirmed``), for health's ``next_steps``:
    the newest one of the case the user may see, with whether it is still open."""
    if status != EpidemicStatus.CONFIRMED:
        return []
    investigation = Investigation.objects.restrict(user).filter(case=resident).order_by("-opened_at", "-id").first()
    if investigation is None:
        return []
    return [NextStep(
        key="investigation", label=_("查看流调"),
        url=reverse("tracing:investigation_detail", args=[investigation.pk]),
        note=_("已开启流调（%(status)s）") % {"status": investigation.get_status_display()},
    )]


# ---------------------------------------------------------------------------------------------
# Exposures (流调 from the records)

EXPOSURE_DAYS_MAX = 28


class ExposureFilters(Filters):
    """An exposure search: how many days back, and the person of a second hop (``via``)."""

    days: Annotated[int, Field(ge=1, le=EXPOSURE_DAYS_MAX)] = 14
    via: Id | None = None

    labels: ClassVar = {"days": gettext_lazy("天数"), "via": gettext_lazy("二跳")}


# What the registry itself says: sharing a home, a stairwell, a building.
HOME_REASONS = {
    "household": (gettext_lazy("同住"), 0, Contact.Kind.CLOSE),
    "unit": (gettext_lazy("同单元"), 30, Contact.Kind.SECONDARY),
    "building": (gettext_lazy("同楼栋"), 50, Contact.Kind.SECONDARY),
}


def home_exposures(*, user, resident, since, until) -> list[Exposure]:
    """The people in reach who share the case's household, unit or building (one reason each, the
    closest), from the registry.  A receiver of ``hooks.exposures`` like any other."""
    household = resident.household
    if household is None:
        return []
    rows = (
        Resident.objects.restrict(user)
        .filter(household__unit__building_id=household.unit.building_id)
        .exclude(pk=resident.pk)
        .values_list("pk", "household_id", "household__unit_id")
    )
    found = []
    for pk, household_id, unit_id in rows:
        reason = "household" if household_id == household.pk else "unit" if unit_id == household.unit_id else "building"
        label, rank, suggested = HOME_REASONS[reason]
        found.append(
            Exposure(
                resident_id=pk,
                reason=reason,
                label=str(label),
                rank=rank,
                suggested=suggested,
                where=str(household) if reason == "household" else "",
            )
        )
    return found


@dataclass
class ExposedPerson:
    """One person and every reason found to think they were exposed, closest first."""

    resident: Resident
    reasons: list[Exposure]
    status: str = EpidemicStatus.NONE
    contact: Contact | None = None  # already a contact of the investigation asked about

    @property
    def closest(self) -> Exposure:
        return self.reasons[0]

    @property
    def suggested(self) -> str:
        return self.closest.suggested

    @property
    def last_at(self) -> dt.datetime | None:
        times = [e.at for e in self.reasons if e.at is not None]
        return max(times) if times else None

    @property
    def status_label(self) -> str:
        return str(EpidemicStatus(self.status).label)


@dataclass
class ExposureReport:
    subject: Resident
    since: dt.datetime
    until: dt.datetime
    people: list[ExposedPerson]
    counts: dict[str, int] = field(default_factory=dict)  # reason label: people


def gather_exposures(*, user, resident, since, until, exclude=frozenset()) -> dict[int, list[Exposure]]:
    by_person: dict[int, list[Exposure]] = {}
    for answer in hooks.exposures.ask(user=user, resident=resident, since=since, until=until):
        for exposure in answer:
            if exposure.resident_id == resident.pk or exposure.resident_id in exclude:
                continue
            by_person.setdefault(exposure.resident_id, []).append(exposure)
    return by_person


def _report(*, user, subject, since, until, by_person, investigation=None) -> ExposureReport:
    residents = Resident.objects.restrict(user).in_bulk(list(by_person))
    statuses = dict(PersonStatus.objects.filter(resident_id__in=list(residents)).values_list("resident_id", "status"))
    contacts = {}
    if investigation is not None:
        contacts = {
            c.resident_id: c
            for c in Contact.objects.filter(investigation=investigation, resident_id__in=list(residents))
        }
    people = []
    counts: dict[str, int] = {}
    for pk, reasons in by_person.items():
        person = residents.get(pk)
        if person is None:  # a receiver answered someone out of reach: never shown
            continue
        reasons.sort(key=lambda e: (e.rank, -(e.at.timestamp() if e.at else 0)))
        for label in dict.fromkeys(e.label for e in reasons):
            counts[label] = counts.get(label, 0) + 1
        people.append(
            ExposedPerson(
                resident=person, reasons=reasons, status=statuses.get(pk, EpidemicStatus.NONE), contact=contacts.get(pk)
            )
        )
    people.sort(key=lambda p: (p.closest.rank, -(p.last_at.timestamp() if p.last_at else 0), p.resident.pk))
    return ExposureReport(subject=subject, since=since, until=until, people=people, counts=counts)


def exposure_window(days: int, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    until = now or timezone.now()
    return until - dt.timedelta(days=days), until


def exposures_of(
    *,
    actor: Actor,
    resident_id: int,
    days: int = 14,
    investigation: Investigation | None = None,
    exclude=frozenset(),
    now: dt.datetime | None = None,
) -> ExposureReport:
    """The people in reach likely exposed to a resident over the last ``days`` days, each with the
    reasons (every app's answer to ``hooks.exposures``), closest first.

    Reading who was near a person is a read of that person: audited (the resident, "exposures")."""
    user = actor.user
    resident = resident_in_reach(user=user, pk=resident_id)
    require(user, "tracing.exposures.view")
    since, until = exposure_window(days, now)
    audit.record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=resident,
        field="exposures",
        note=_("查看可能暴露人员（%(days)s 天）") % {"days": days},
    )
    by_person = gather_exposures(user=user, resident=resident, since=since, until=until, exclude=exclude)
    return _report(
        user=user, subject=resident, since=since, until=until, by_person=by_person, investigation=investigation
    )


def investigation_exposures(
    *, actor: Actor, investigation: Investigation, filters: ExposureFilters, now: dt.datetime | None = None
) -> ExposureReport:
    """The exposures of an investigation's case or, with ``filters.via``, a second hop: the exposures
    of one of them, less the case and the first hop's people."""
    if filters.via is None:
        return exposures_of(
            actor=actor, resident_id=investigation.case_id, days=filters.days, investigation=investigation, now=now
        )
    first = exposures_of(actor=actor, resident_id=investigation.case_id, days=filters.days, now=now)
    exclude = frozenset({investigation.case_id, *(p.resident.pk for p in first.people)})
    return exposures_of(
        actor=actor, resident_id=filters.via, days=filters.days, investigation=investigation, exclude=exclude, now=now
    )


# ---------------------------------------------------------------------------------------------
# Transmission chains (传播链)


@dataclass
class Chain:
    nodes: list[dict]
    links: list[dict]
    cases: int
    contacts: int


def transmission_chain(*, actor: Actor, investigation: Investigation) -> Chain:
    """The cluster an investigation belongs to, as a graph: cases and the contacts their
    investigations found, linked case > contact; a contact who became a case carries on the chain,
    and so does the case of an investigation that listed this case as a contact.  Only records in
    reach; reading it is audited on the investigation."""
    user = actor.user
    audit.record(actor=actor, action=AuditAction.VIEW, obj=investigation, field="chain", note=_("查看传播链"))
    investigations = Investigation.objects.restrict(user)
    contacts = Contact.objects.restrict(user)
    cases: set[int] = set()
    edges: dict[tuple[int, int], str] = {}
    people: set[int] = set()
    queue = deque([investigation.case_id])
    while queue:
        batch = set()
        while queue:
            batch.add(queue.popleft())
        batch -= cases
        if not batch:
            continue
        cases |= batch
        people |= batch
        # Down: the contacts the batch's investigations found.
        for case_id, contact_id, kind in contacts.filter(
            investigation__in=investigations.filter(case_id__in=batch)
        ).values_list("investigation__case_id", "resident_id", "kind"):
            edges[(case_id, contact_id)] = kind
            people.add(contact_id)
        # Up: the cases whose investigations listed someone of the batch as a contact.
        for case_id, contact_id, kind in contacts.filter(
            resident_id__in=batch, investigation__in=investigations
        ).values_list("investigation__case_id", "resident_id", "kind"):
            edges[(case_id, contact_id)] = kind
            people.add(case_id)
            queue.append(case_id)
        # A contact who became a case (has an investigation of their own) carries the chain on.
        found = {c for (_src, c) in edges if c not in cases}
        queue.extend(investigations.filter(case_id__in=found).values_list("case_id", flat=True).distinct())
    residents = Resident.objects.restrict(user).in_bulk(list(people))
    statuses = dict(PersonStatus.objects.filter(resident_id__in=list(residents)).values_list("resident_id", "status"))
    nodes = []
    for pk, person in sorted(residents.items()):
        status = statuses.get(pk, EpidemicStatus.NONE)
        category = 0 if pk in cases else 1 if status in (EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED) else 2
        nodes.append(
            {
                "id": str(pk),
                "name": person.name,
                "category": category,
                "status": str(EpidemicStatus(status).label),
                "root": pk == investigation.case_id,
            }
        )
    links = [
        {"source": str(a), "target": str(b), "kind": str(Contact.Kind(kind).label)}
        for (a, b), kind in sorted(edges.items())
        if a in residents and b in residents
    ]
    return Chain(nodes=nodes, links=links, cases=len(cases & set(residents)), contacts=len(set(residents) - cases))


CONTACT_EXPORT_HEADERS = [  # the tracing list of one investigation, in the language of the request
    gettext_lazy("姓名"),
    gettext_lazy("证件号码"),
    gettext_lazy("手机号"),
    gettext_lazy("网格代码"),
    gettext_lazy("类型"),
    gettext_lazy("接触地点"),
    gettext_lazy("末次暴露时间"),
    gettext_lazy("当前状态"),
    gettext_lazy("隔离"),
    gettext_lazy("已检"),
    gettext_lazy("应检"),
    gettext_lazy("共检"),
]


def contact_export_rows(rows: list[ContactRow]):
    """Rows of an investigation's tracing list (密接名单) for Excel, ID numbers and phones masked."""
    for r in rows:
        person = r.contact.resident
        order = r.order
        yield (
            person.name,
            person.id_number_masked,
            person.phone_masked,
            r.contact.grid_code,
            r.contact.get_kind_display(),
            r.contact.place,
            r.contact.last_exposure,
            r.status_label,
            f"{order.get_place_display()}·{order.get_status_display()}" if order else _("未隔离"),
            r.tests_done,
            r.tests_due,
            r.tests_total,
        )
