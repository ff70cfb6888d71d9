"""Reads of investigations, their trajectories and contacts, narrowed to the user's reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, Literal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.filters import Filters
from wangge.core.lists import keyset_page
from wangge.grid.models import Building
from wangge.health.hooks import NextStep
from wangge.health.models import EpidemicStatus, PersonStatus
from wangge.quarantine.models import QuarantineOrder, QuarantineTest
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
