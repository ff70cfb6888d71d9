"""Reads of facilities, transfers and admissions, narrowed to the user's reach.

Facilities are run by a district or street (``Facility.grid_code`` is that division's prefix).
A community worker must be able to send patients to their district's hospitals, so the
facilities *available* to a user are those in reach plus those run by a division above their
reach (the same "on the way" rule as the grid breadcrumb).  Transfers are seen by the sending
side (the transfer's ``grid_code`` is the origin's) and by the receiving side (the destination
facility in reach).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from wangge.accounts.permissions import can
from wangge.accounts.services import common_prefix
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import ancestors
from wangge.core.errors import NotFound
from wangge.core.filters import Filters
from wangge.core.inputs import Id
from wangge.core.lists import walk
from wangge.core.reports import Column, ReportSpec, basis, signatures
from wangge.grid.selectors import Area
from wangge.health.hooks import NextStep
from wangge.health.models import EpidemicStatus
from wangge.quarantine.models import QuarantineOrder, Site
from wangge.quarantine.selectors import occupancy_of as quarantine_occupancy_of
from wangge.transfer.models import (
    Admission,
    CheckIn,
    ClosedRoad,
    Facility,
    TransferEscort,
    TransferOrder,
    TransferPatient,
    TransferVehicle,
    Vehicle,
)

# Alerts and the "late" highlight on the list share these thresholds.
ARRIVAL_GRACE = dt.timedelta(minutes=15)  # late arrival alert after planned_arrival + this
DEPARTURE_GRACE = dt.timedelta(minutes=30)  # not departed alert after planned_departure + this
HANDOVER_GRACE = dt.timedelta(minutes=30)  # arrived but not handed over after this

# Statuses that still hold seats at the destination (the patients are on their way).
ACTIVE_STATUSES = [TransferOrder.Status.PLANNED, TransferOrder.Status.EN_ROUTE, TransferOrder.Status.ARRIVED]


def transfer_alert_keys(transfer_id: int) -> dict[str, str]:
    """Dedupe keys of every alert a transfer can raise, so the steps and the jobs agree on them."""
    return {
        "late_departure": f"transfer:{transfer_id}:late_departure",
        "late_arrival": f"transfer:{transfer_id}:late_arrival",
        "handover_command": f"transfer:{transfer_id}:handover:command",
        "handover_cdc": f"transfer:{transfer_id}:handover:cdc",
    }


def silent_alert_key(transfer_id: int, since: dt.datetime) -> str:
    """The key of the "no word from the convoy" alert for the gap that began at ``since`` (the
    departure or the last check-in): one alert per gap, a new one if a later gap opens."""
    return f"transfer:{transfer_id}:silent:{int(since.timestamp())}"


def silent_alert_prefix(transfer_id: int) -> str:
    return f"transfer:{transfer_id}:silent:"


def check_in_gap() -> dt.timedelta:
    return dt.timedelta(minutes=settings.WANGGE_TRANSFER_CHECK_IN_MINUTES)


def patients_per_escort() -> int:
    return max(1, settings.WANGGE_TRANSFER_PATIENTS_PER_ESCORT)


# --- Facilities ------------------------------------------------------------------------------


def facilities_available(*, user) -> QuerySet[Facility]:
    """Facilities in reach, and those run by a division above the user's reach."""
    return Facility.objects.serving(user)


def facility_in_reach(*, user, pk) -> Facility:
    try:
        return facilities_available(user=user).get(pk=pk)
    except (Facility.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该收治机构，或不在您的管辖范围内")) from None


@dataclass
class FacilityOccupancy:
    facility: Facility
    occupied: int  # open admissions (at a quarantine site: everyone staying there)
    incoming: int  # patients on transfers not yet handed over
    capacity: int  # beds (at a quarantine site: its rooms' beds)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupied - self.incoming)

    @property
    def percent(self) -> int:
        if not self.capacity:
            return 100 if self.occupied else 0
        return min(100, round((self.occupied + self.incoming) * 100 / self.capacity))


def occupancy_counts(facility_ids) -> tuple[dict[int, int], dict[int, int]]:
    """Open admissions and incoming patients per facility (aggregates, not personal data)."""
    occupied = dict(
        Admission.objects.filter(facility_id__in=facility_ids, discharged_at__isnull=True)
        .values_list("facility_id").annotate(n=Count("id")).values_list("facility_id", "n")
    )
    incoming = dict(
        TransferPatient.objects.filter(
            transfer__destination_id__in=facility_ids, transfer__status__in=ACTIVE_STATUSES
        ).values_list("transfer__destination_id").annotate(n=Count("id")).values_list("transfer__destination_id", "n")
    )
    return occupied, incoming


def occupancy_of(facilities: list[Facility]) -> list[FacilityOccupancy]:
    """Beds, occupied, incoming and free of each facility given.  A facility that is a centralised
    quarantine site has no figures of its own: the site's (``quarantine.selectors.occupancy_of``:
    its rooms' beds, its orders, and the admissions and transfers this app reports to it) are the
    one count, so the site page, the facility board and the destination list agree."""
    linked = [f for f in facilities if f.quarantine_site_id]
    sites = {o.site.pk: o for o in quarantine_occupancy_of(Site.objects.filter(pk__in=[f.quarantine_site_id
                                                                                       for f in linked]))}
    occupied, incoming = occupancy_counts([f.pk for f in facilities if not f.quarantine_site_id])
    out = []
    for f in facilities:
        site = sites.get(f.quarantine_site_id) if f.quarantine_site_id else None
        if site is not None:
            out.append(FacilityOccupancy(f, site.occupied, site.incoming, site.beds))
        else:
            out.append(FacilityOccupancy(f, occupied.get(f.pk, 0), incoming.get(f.pk, 0), f.capacity))
    return out


def facility_occupancy(*, user, tier: int | None = None, active_only: bool = True) -> list[FacilityOccupancy]:
    """Facilities available to the user, by tier, each with capacity and live occupancy."""
    qs = facilities_available(user=user)
    if active_only:
        qs = qs.filter(is_active=True)
    if tier:
        qs = qs.filter(tier=tier)
    return occupancy_of(list(qs.order_by("tier", "name", "id")))


def site_guests(*, site_ids) -> dict[int, tuple[int, int]]:
    """Quarantine's ``site_guests``: per site that is a facility, the people admitted there with no
    active central-phase order at the site, and the patients on a transfer bound for it."""
    facilities = dict(Facility.objects.filter(quarantine_site_id__in=site_ids).values_list("pk", "quarantine_site_id"))
    if not facilities:
        return {}
    with_order = QuarantineOrder.objects.filter(
        resident=OuterRef("resident"), site_id=OuterRef("facility__quarantine_site_id"),
        status=QuarantineOrder.Status.ACTIVE, phase=QuarantineOrder.Phase.CENTRAL,
    )
    staying = dict(
        Admission.objects.filter(facility_id__in=facilities, discharged_at__isnull=True).filter(~Exists(with_order))
        .values_list("facility_id").annotate(n=Count("id")).values_list("facility_id", "n")
    )
    _occupied, incoming = occupancy_counts(list(facilities))
    return {site_id: (staying.get(pk, 0), incoming.get(pk, 0)) for pk, site_id in facilities.items()}


BED_COLUMNS = (gettext_lazy("床位"), gettext_lazy("在院"), gettext_lazy("在途"), gettext_lazy("剩余"))


def _overall_percent(rows) -> str:
    """The occupancy of all the rows' beds together, by the same rule as one facility's."""
    capacity, occupied, incoming = (sum(r[i] for r in rows) for i in (6, 7, 8))
    return f"{FacilityOccupancy(None, occupied, incoming, capacity).percent}%"


def facility_report(*, user, now: dt.datetime | None = None) -> ReportSpec:
    """The facility board as a report (收治机构床位情况表): the facilities available to the user with
    live occupancy, as the page shows them, the beds of all of them in a totals row, signed by the
    exporting user.  Counted as of ``now``, the export time."""
    now = timezone.localtime(now or timezone.now())
    unit = Area(common_prefix(user), None).name
    rows = []
    for o in facility_occupancy(user=user):
        f = o.facility
        rows.append([f.pk, f.get_tier_display(), f.name, f.address, f.phone, f.grid_code, o.capacity, o.occupied,
                     o.incoming, o.free, f"{o.percent}%"])
    beds = gettext_lazy("床位情况")
    return ReportSpec(
        title=format_lazy(gettext_lazy("{area}收治机构床位情况表"), area=unit),
        sheet_title=gettext_lazy("收治机构床位"),
        meta=[(gettext_lazy("填报单位"), unit), (gettext_lazy("日期"), now.date()),
              (gettext_lazy("统计口径"), basis(now.date(), now))],
        columns=[
            Column(gettext_lazy("机构编号")), Column(gettext_lazy("层级")), Column(gettext_lazy("名称")),
            Column(gettext_lazy("地址"), width=30), Column(gettext_lazy("联系电话")),
            Column(gettext_lazy("所属区划前缀")),
            *(Column(label, group=beds, total=True) for label in BED_COLUMNS),
            Column(gettext_lazy("占用率"), group=beds, total=_overall_percent, centred=True),
        ],
        rows=rows,
        footer=signatures(user),
        frozen_columns=3,
    )


def free_beds(facility: Facility) -> int:
    return occupancy_of([facility])[0].free


# --- Vehicles and closed roads ----------------------------------------------------------------


def vehicles_available(*, user) -> QuerySet[Vehicle]:
    """Vehicles in reach and those run by a division above it (like facilities), in keyset order."""
    return Vehicle.objects.serving(user).order_by("grid_code", "plate", "id")


def vehicle_in_reach(*, user, pk) -> Vehicle:
    try:
        return vehicles_available(user=user).get(pk=pk)
    except (Vehicle.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该车辆，或不在您的管辖范围内")) from None


def busy_vehicle_ids(*, exclude_transfer_id: int | None = None) -> set[int]:
    """Vehicles on a transfer not yet arrived (a bus cannot be in two convoys at once)."""
    qs = TransferVehicle.objects.filter(
        transfer__status__in=[TransferOrder.Status.PLANNED, TransferOrder.Status.EN_ROUTE])
    if exclude_transfer_id:
        qs = qs.exclude(transfer_id=exclude_transfer_id)
    return set(qs.values_list("vehicle_id", flat=True))


def closed_roads_visible(*, user) -> QuerySet[ClosedRoad]:
    """Closed roads in reach and those of the divisions above it, in keyset order."""
    return ClosedRoad.objects.serving(user).order_by("grid_code", "id")


def closed_road_in_reach(*, user, pk) -> ClosedRoad:
    try:
        return ClosedRoad.objects.restrict(user).get(pk=pk)
    except (ClosedRoad.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该封闭路段，或不在您的管辖范围内")) from None


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text or "").casefold()


def _area_q(codes) -> Q:
    """Closed roads of an area that concerns a route from or to ``codes``: a road of the division
    above (the district's bridge) or of a part below (a community's lane)."""
    q = Q()
    for code in {c for c in codes if c}:
        q |= Q(grid_code__in=[*ancestors(code), code]) | Q(grid_code__startswith=code)
    return q


def closed_roads_on_route(*, route_note: str, area_codes, departure: dt.datetime,
                          arrival: dt.datetime) -> list[ClosedRoad]:
    """The active closed roads of the route's areas, closed at some time between departure and
    arrival, whose name the route note mentions (spaces and case aside).  Read as a rule, not a
    view: every road counts, whoever registered it."""
    route = _plain(route_note)
    if not route:
        return []
    roads = ClosedRoad.objects.filter(_area_q(area_codes), is_active=True, starts_at__lte=arrival).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gte=departure)).order_by("grid_code", "id")
    return [road for road in roads if _plain(road.name) and _plain(road.name) in route]


def escorts_needed(patients: int) -> int:
    return math.ceil(patients / patients_per_escort()) if patients else 0


# --- Transfers -------------------------------------------------------------------------------


def transfers_visible(*, user) -> QuerySet[TransferOrder]:
    """Transfers sent from the user's reach, or bound for a facility in it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return TransferOrder.objects.none()
    return TransferOrder.objects.filter(
        Q(pk__in=TransferOrder.objects.restrict(user).values("pk"))
        | Q(destination_id__in=Facility.objects.restrict(user).values("pk"))
    )


class TransferFilters(Filters):
    """The transfer list's filters: the page, its export and ``GET /transfers``."""

    status: Literal[("", *TransferOrder.Status.values)] = ""
    late: bool = False  # only the late ones (not arrived in time, or not handed over in time)
    destination_id: Id | None = None

    labels: ClassVar = {"status": gettext_lazy("状态"), "late": gettext_lazy("只看延误"),
                        "destination_id": gettext_lazy("目的地")}



def late_q(now: dt.datetime) -> Q:
    """Not arrived after the planned arrival, or arrived and not handed over for too long."""
    return Q(status__in=[TransferOrder.Status.PLANNED, TransferOrder.Status.EN_ROUTE], planned_arrival__lt=now) | Q(
        status=TransferOrder.Status.ARRIVED, arrived_at__lt=now - HANDOVER_GRACE
    )


def is_late(transfer: TransferOrder, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if transfer.status in (TransferOrder.Status.PLANNED, TransferOrder.Status.EN_ROUTE):
        return now > transfer.planned_arrival
    if transfer.status == TransferOrder.Status.ARRIVED:
        return transfer.arrived_at is not None and now - transfer.arrived_at > HANDOVER_GRACE
    return False


STATUS_ORDER = {
    TransferOrder.Status.EN_ROUTE: 0,
    TransferOrder.Status.ARRIVED: 1,
    TransferOrder.Status.PLANNED: 2,
    TransferOrder.Status.HANDED_OVER: 3,
    TransferOrder.Status.CANCELLED: 4,
}


def transfer_queryset(*, user, filters: TransferFilters | None = None, now: dt.datetime | None = None) -> QuerySet:
    """Transfers in sight matching ``filters``, in keyset order (grid_code, id)."""
    filters = filters or TransferFilters()
    qs = transfers_visible(user=user).select_related("destination")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.destination_id:
        qs = qs.filter(destination_id=filters.destination_id)
    if filters.late:
        qs = qs.filter(late_q(now or timezone.now()))
    return qs.order_by("grid_code", "id")


def transfer_board(*, user, filters: TransferFilters | None = None, now: dt.datetime | None = None) -> QuerySet:
    """The list page's order of ``transfer_queryset``: en route first, then arrived, planned, done;
    within each the late ones first, then the latest departure, ending in id (a keyset order the
    page pages; the ranks are annotations a cursor carries).  ``mark_late`` sets ``late``."""
    now = now or timezone.now()
    return transfer_queryset(user=user, filters=filters, now=now).annotate(
        patient_count=Count("patients"),
        status_rank=Case(*(When(status=s, then=Value(rank)) for s, rank in STATUS_ORDER.items()),
                         default=Value(9), output_field=IntegerField()),
        late_rank=Case(When(late_q(now), then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).order_by("status_rank", "late_rank", "-planned_departure", "-id")


def mark_late(transfers) -> list[TransferOrder]:
    """The rows given, each with ``late`` set (for a page or the export)."""
    items = list(transfers)
    for t in items:
        t.late = not t.late_rank
    return items


def transfer_export_rows(*, user, filters: TransferFilters | None = None):
    """Rows for the Excel download: one per patient on each transfer, names only (no identifiers);
    every transfer, fetched a keyset page at a time (nothing is cut)."""
    now = timezone.now()
    for t in walk(transfer_board(user=user, filters=filters, now=now)):
        t.late = not t.late_rank
        names = "、".join(p.resident.name for p in t.patients.select_related("resident").order_by("id"))
        convoy = transfer_convoy(transfer=t)
        drivers = "、".join(cv.driver for cv in convoy if cv.driver)
        escorts = "、".join(e.name for cv in convoy for e in cv.crew)
        phones = "、".join(e.phone for cv in convoy for e in cv.crew if e.phone)
        yield (
            t.pk, t.get_status_display(), "是" if t.late else "", t.origin, str(t.destination),
            t.vehicle, drivers, escorts, phones, t.patient_count, names, t.planned_departure,
            t.departed_at, t.planned_arrival, t.arrived_at, t.handed_over_at, t.received_by, t.grid_code,
        )


TRANSFER_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("转运单号"), gettext_lazy("状态"), gettext_lazy("延误"), gettext_lazy("出发地"),
    gettext_lazy("目的地"), gettext_lazy("车辆"), gettext_lazy("司机"), gettext_lazy("随车人员"),
    gettext_lazy("随车人员电话"), gettext_lazy("人数"), gettext_lazy("转运人员"), gettext_lazy("计划出发"),
    gettext_lazy("实际出发"), gettext_lazy("计划到达"), gettext_lazy("实际到达"), gettext_lazy("交接时间"),
    gettext_lazy("接收人"), gettext_lazy("网格代码"),
]


def transfer_in_reach(*, user, pk) -> TransferOrder:
    try:
        return transfers_visible(user=user).select_related("destination", "created_by").get(pk=pk)
    except (TransferOrder.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该转运单，或不在您的管辖范围内")) from None


def transfer_detail(*, actor: Actor, pk) -> TransferOrder:
    """Open a transfer order: it names the patients and their condition, so the read itself is
    audited, like a person's record.  Pages and the API show a transfer only through this."""
    transfer = transfer_in_reach(user=actor.user, pk=pk)
    audit.record(actor=actor, action=AuditAction.VIEW, obj=transfer)
    return transfer


def transfer_patients(*, transfer: TransferOrder) -> list[TransferPatient]:
    """The patients of a transfer the user already may see (the transfer is in sight)."""
    return list(transfer.patients.select_related("resident__household").order_by("id"))


def transfer_convoy(*, transfer: TransferOrder) -> list[TransferVehicle]:
    """The convoy of a transfer in sight: its vehicles in order, each with ``crew`` (its escorts)."""
    convoy = list(transfer.vehicles.select_related("vehicle").order_by("position", "id"))
    escorts: dict[int, list[TransferEscort]] = {}
    for e in TransferEscort.objects.filter(convoy_vehicle__transfer=transfer).order_by("id"):
        escorts.setdefault(e.convoy_vehicle_id, []).append(e)
    for cv in convoy:
        cv.crew = escorts.get(cv.pk, [])
    return convoy


def transfer_check_ins(*, transfer: TransferOrder) -> list[CheckIn]:
    """The crew's check-ins of a transfer in sight, latest first (a convoy reports a few dozen)."""
    return list(transfer.check_ins.select_related("recorded_by").order_by("-at", "-id"))


def last_signal(transfer: TransferOrder) -> dt.datetime | None:
    """When the convoy was last heard of: its last check-in, else its departure."""
    last = transfer.check_ins.order_by("-at").values_list("at", flat=True).first()
    return max(x for x in (last, transfer.departed_at) if x) if (last or transfer.departed_at) else None


def crew_contacts(transfer: TransferOrder) -> str:
    """Who to call about a transfer: each escort and driver with their phone (for alerts)."""
    parts = []
    for cv in transfer_convoy(transfer=transfer):
        for e in cv.crew:
            parts.append(f"{e.name} {e.phone}".strip())
        if cv.driver:
            parts.append(f"{cv.driver} {cv.driver_phone}".strip())
    return "、".join(parts)


@dataclass
class TimelineStep:
    label: str
    planned: dt.datetime | None
    actual: dt.datetime | None
    done: bool
    note: str = ""


def transfer_timeline(transfer: TransferOrder) -> list[TimelineStep]:
    cancelled = transfer.status == TransferOrder.Status.CANCELLED
    steps = [
        TimelineStep(gettext_noop("登记"), None, transfer.created_at, True,
                     gettext("登记人：%(name)s") % {"name": transfer.created_by} if transfer.created_by_id else ""),
        TimelineStep(gettext_noop("接收方确认"), None, transfer.acknowledged_at, transfer.acknowledged_at is not None,
                     gettext("确认人：%(name)s") % {"name": transfer.acknowledged_name}
                     if transfer.acknowledged_name else ""),
        TimelineStep(gettext_noop("出发"), transfer.planned_departure, transfer.departed_at,
                     transfer.departed_at is not None),
        TimelineStep(gettext_noop("到达"), transfer.planned_arrival, transfer.arrived_at,
                     transfer.arrived_at is not None),
        TimelineStep(gettext_noop("交接"), None, transfer.handed_over_at, transfer.handed_over_at is not None,
                     gettext("接收人：%(name)s") % {"name": transfer.received_by} if transfer.received_by else ""),
    ]
    if cancelled:
        steps.append(TimelineStep("已取消", None, None, True))
    return steps


# --- Admissions ------------------------------------------------------------------------------


def admissions_in_reach(*, user, open_only: bool = True) -> QuerySet[Admission]:
    qs = Admission.objects.restrict(user).select_related("facility", "resident")
    if open_only:
        qs = qs.filter(discharged_at__isnull=True)
    return qs.order_by("-admitted_at", "-id")


def admission_in_reach(*, user, pk) -> Admission:
    try:
        return Admission.objects.restrict(user).select_related("facility", "resident").get(pk=pk)
    except (Admission.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该收治记录，或不在您的管辖范围内")) from None


# Who is admitted to a hospital or 方舱 when their status calls for it (应收尽收).
ADMIT_STATUSES = {EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED}
UNFINISHED = (TransferOrder.Status.PLANNED, TransferOrder.Status.EN_ROUTE, TransferOrder.Status.ARRIVED)


def transfer_next_steps(*, user, resident, status: str) -> list[NextStep]:
    """For health's ``next_steps``: a new transfer with the person picked (admit), unless one is
    under way, when it is that transfer's page; nothing the user may not do."""
    if status not in ADMIT_STATUSES:
        return []
    under_way = (transfers_visible(user=user).filter(patients__resident=resident, status__in=UNFINISHED)
                 .order_by("-id").first())
    if under_way is not None:
        return [NextStep(key="transfer", label=_("查看转运单"), url=reverse("transfer:detail", args=[under_way.pk]),
                         note=under_way.get_status_display())]
    if not can(user, "transfer.step.planned"):
        return []
    return [NextStep(key="transfer", label=_("安排转运收治"), url=f"{reverse('transfer:new')}?resident={resident.pk}")]
