"""Reads of quarantine orders, tests and sites, always narrowed to the user's reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.permissions import can
from wangge.accounts.services import common_prefix
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.datachecks import DataCheckFilters, start_of_day_after
from wangge.core.filters import Filters, SearchText
from wangge.core.inputs import Id
from wangge.core.reports import Column, ReportSpec, basis, signatures
from wangge.grid.selectors import Area
from wangge.health.hooks import NextStep
from wangge.health.models import EpidemicStatus
from wangge.health.selectors import GapEntry, GapList, day_bounds
from wangge.quarantine.hooks import site_guests
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime, Room, Site, TestResultEntry
from wangge.quarantine.services import order_in_reach, release_problems, room_occupancy, site_in_reach

Status = QuarantineOrder.Status
Phase = QuarantineOrder.Phase
Result = QuarantineTest.Result

# Which slice of the order list: every active order, those due for release today, those with overdue tests.
VIEWS = {"active": "隔离中", "due": "今日可解除", "overdue": "核酸逾期", "released": "已解除", "all": "全部"}


class OrderFilters(Filters):
    """The order list's filters: the page, its export and ``GET /quarantine/orders``."""

    # active / due (release due today) / overdue (tests overdue) / released / all
    view: Literal[tuple(VIEWS)] = "active"
    place: Literal["", "home", "central"] = ""
    site_id: Id | None = None
    q: SearchText = ""  # a name prefix

    labels: ClassVar = {"view": gettext_lazy("范围"), "place": gettext_lazy("隔离方式"),
                        "site_id": gettext_lazy("隔离点"), "q": gettext_lazy("姓名")}


def order_queryset(*, user, filters: OrderFilters | None = None, today: dt.date | None = None) -> QuerySet:
    filters = filters or OrderFilters()
    today = today or timezone.localdate()
    qs = QuarantineOrder.objects.restrict(user).select_related("resident", "regime", "site", "room")
    overdue = QuarantineTest.objects.filter(order=OuterRef("pk"), result=Result.PENDING, due_date__lt=today)
    qs = qs.annotate(
        has_overdue=Exists(overdue),
        tests_total=Count("tests", distinct=True),
        tests_done=Count("tests", filter=~Q(tests__result=Result.PENDING), distinct=True),
    )
    if filters.view == "active":
        qs = qs.filter(status=Status.ACTIVE)
    elif filters.view == "due":
        qs = qs.filter(status=Status.ACTIVE, planned_release__lte=today)
    elif filters.view == "overdue":
        qs = qs.filter(status=Status.ACTIVE, has_overdue=True)
    elif filters.view == "released":
        qs = qs.filter(status=Status.RELEASED)
    if filters.place:
        qs = qs.filter(place=filters.place)
    if filters.site_id:
        qs = qs.filter(site_id=filters.site_id)
    if filters.q:
        qs = qs.filter(resident__name__startswith=filters.q)
    if filters.view == "due":
        return qs.order_by("planned_release", "pk")
    return qs.order_by("-start_date", "-pk")


def order_counts(*, user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    active = QuarantineOrder.objects.restrict(user).filter(status=Status.ACTIVE)
    overdue = QuarantineTest.objects.restrict(user).filter(
        order__status=Status.ACTIVE, result=Result.PENDING, due_date__lt=today
    )
    return {
        "active": active.count(),
        "home": active.filter(place=QuarantineOrder.Place.HOME).count(),
        "central": active.filter(place=QuarantineOrder.Place.CENTRAL).count(),
        "due": active.filter(planned_release__lte=today).count(),
        "overdue_orders": overdue.values("order_id").distinct().count(),
    }


def order_detail(*, actor: Actor, pk: int) -> QuarantineOrder:
    """An order in reach; reading it (a person's record) is audited."""
    order = order_in_reach(user=actor.user, pk=pk)
    order = QuarantineOrder.objects.select_related("resident__household", "regime", "site", "room").get(pk=order.pk)
    audit.record(actor=actor, action=AuditAction.VIEW, obj=order)
    return order


def with_entries(tests: QuerySet) -> QuerySet:
    """Tests with their result entries (the first result and each correction), oldest first."""
    entries = TestResultEntry.objects.select_related("recorded_by", "corrects").order_by("recorded_at", "id")
    return tests.prefetch_related(Prefetch("entries", queryset=entries))


def order_tests(order: QuarantineOrder) -> list[QuarantineTest]:
    return list(with_entries(order.tests.order_by("due_date", "phase", "day")))


def tests_of_resident(resident) -> QuerySet[QuarantineTest]:
    """Every test of ``resident``'s quarantine orders, newest first.  Unscoped: for the resident's
    own page (居民端), which reaches ``resident`` only through ``people.selectors.acts_for``."""
    return QuarantineTest.objects.filter(order__resident=resident).order_by("-due_date", "-id")


def test_in_reach(*, user, pk: int) -> QuarantineTest:
    """A test in reach with its order and entries (for a fragment of the order page)."""
    from wangge.core.errors import NotFound

    try:
        return with_entries(QuarantineTest.objects.restrict(user).select_related("order")).get(pk=pk)
    except (QuarantineTest.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该检测，或不在您的管辖范围内")) from None


def due_test_queryset(*, user, today: dt.date | None = None) -> QuerySet:
    """Tests due by ``today`` (today's and overdue) still without a result, of active orders in reach,
    longest due first: the round of a sampling team, whose results come back together (全部阴性)."""
    today = today or timezone.localdate()
    return (
        QuarantineTest.objects.restrict(user)
        .filter(result=Result.PENDING, due_date__lte=today, order__status=Status.ACTIVE)
        .select_related("order__resident__household")
        .order_by("due_date", "grid_code", "id")
    )


def order_release_problems(order: QuarantineOrder, *, today: dt.date | None = None) -> list[str]:
    return release_problems(order, today=today or timezone.localdate())


def certificate_order(*, actor: Actor, pk: int) -> QuarantineOrder:
    """A released order in reach, for its certificate (viewing it is audited)."""
    from wangge.core.errors import NotFound

    order = order_detail(actor=actor, pk=pk)
    if order.status != Status.RELEASED or not order.certificate_number:
        raise NotFound(_("该隔离令尚未解除，没有解除隔离证明"))
    return order


def active_regimes() -> list[Regime]:
    return list(Regime.objects.filter(is_active=True).order_by("central_days", "code"))


@dataclass
class SiteOccupancy:
    """A site's beds and who takes them: the one occupancy figure of a site, wherever it is shown
    (the site list and page, the order form's choice of site, the facility board and the transfer
    destinations when the site is also a transfer facility)."""

    site: Site
    rooms: int = 0
    beds: int = 0
    occupied: int = 0  # people staying: active central-phase orders, and guests
    guests: int = 0  # of those, people admitted by a transfer with no order at the site (no room yet)
    incoming: int = 0  # people on a transfer bound for the site

    @property
    def free(self) -> int:
        return max(self.beds - self.occupied - self.incoming, 0)

    @property
    def percent(self) -> int:
        if not self.beds:
            return 100 if self.occupied + self.incoming else 0
        return min(100, round((self.occupied + self.incoming) * 100 / self.beds))


def site_queryset(*, user, active_only: bool = True) -> QuerySet[Site]:
    """Sites serving the user's area (in reach or run from above), by name then id."""
    sites = Site.objects.serving(user)
    if active_only:
        sites = sites.filter(is_active=True)
    return sites.order_by("name", "pk")


def occupancy_of(sites) -> list[SiteOccupancy]:
    """Rooms, beds, occupied (live from ACTIVE central-phase orders, and the guests the apps above
    report: ``hooks.site_guests``), incoming and free, per site given."""
    sites = list(sites)
    by_id = {s.pk: SiteOccupancy(site=s) for s in sites}
    room_rows = (
        Room.objects.filter(site_id__in=by_id, is_active=True).values("site_id")
        .annotate(rooms=Count("id"), beds=Sum("capacity"))
    )
    for row in room_rows:
        by_id[row["site_id"]].rooms = row["rooms"]
        by_id[row["site_id"]].beds = row["beds"] or 0
    taken = (
        QuarantineOrder.objects.filter(site_id__in=by_id, status=Status.ACTIVE, phase=Phase.CENTRAL)
        .values("site_id").annotate(n=Count("id"))
    )
    for row in taken:
        by_id[row["site_id"]].occupied = row["n"]
    for answer in site_guests.ask(site_ids=list(by_id)) if by_id else []:
        for site_id, (staying, incoming) in answer.items():
            by_id[site_id].occupied += staying
            by_id[site_id].guests += staying
            by_id[site_id].incoming += incoming
    return [by_id[s.pk] for s in sites]


def site_occupancy(*, user, active_only: bool = True) -> list[SiteOccupancy]:
    """Per site serving the user's area: its occupancy (every site, for choosing one)."""
    return occupancy_of(site_queryset(user=user, active_only=active_only))


@dataclass
class RoomState:
    room: Room
    occupied: int
    occupants: list = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(self.room.capacity - self.occupied, 0) if self.room.is_active else 0


def site_rooms(*, user, site_id: int) -> tuple[Site, list[RoomState]]:
    site = site_in_reach(user=user, pk=site_id)
    rooms = list(site.rooms.order_by("number", "pk"))
    taken = room_occupancy(r.pk for r in rooms)
    # Occupants are shown only when the user also reaches the person's order.
    occupants: dict[int, list] = {}
    for order in (QuarantineOrder.objects.restrict(user)
                  .filter(site=site, status=Status.ACTIVE, phase=Phase.CENTRAL).select_related("resident")):
        occupants.setdefault(order.room_id, []).append(order)
    return site, [RoomState(room=r, occupied=taken.get(r.pk, 0), occupants=occupants.get(r.pk, [])) for r in rooms]


def _overall_use(rows) -> str:
    """The use of all the rows' beds together, by the same rule as one site's (``SiteOccupancy.percent``)."""
    beds, occupied = sum(r[6] for r in rows), sum(r[7] for r in rows)
    return f"{SiteOccupancy(None, beds=beds, occupied=occupied).percent}%"


def site_report(*, user, now: dt.datetime | None = None) -> ReportSpec:
    """The site list as a report (集中隔离点使用情况表): the sites serving the user's area with their
    rooms, beds and live use, as the list shows them, all of them together in a totals row, signed
    by the exporting user.  Counted as of ``now``, the export time."""
    now = timezone.localtime(now or timezone.now())
    unit = Area(common_prefix(user), None).name
    rows = [
        [s.site.pk, s.site.name, s.site.address, s.site.phone, s.site.grid_code, s.rooms, s.beds, s.occupied, s.free,
         f"{s.percent}%"]
        for s in site_occupancy(user=user)
    ]
    capacity, use = gettext_lazy("容量"), gettext_lazy("使用情况")
    return ReportSpec(
        title=format_lazy(gettext_lazy("{area}集中隔离点使用情况表"), area=unit),
        sheet_title=gettext_lazy("集中隔离点"),
        meta=[(gettext_lazy("填报单位"), unit), (gettext_lazy("日期"), now.date()),
              (gettext_lazy("统计口径"), basis(now.date(), now))],
        columns=[
            Column(gettext_lazy("隔离点编号")), Column(gettext_lazy("隔离点")), Column(gettext_lazy("地址"), width=30),
            Column(gettext_lazy("联系电话")), Column(gettext_lazy("所属区划前缀")),
            Column(gettext_lazy("房间"), group=capacity, total=True),
            Column(gettext_lazy("床位"), group=capacity, total=True),
            Column(gettext_lazy("已入住"), group=use, total=True), Column(gettext_lazy("空余"), group=use, total=True),
            Column(gettext_lazy("使用率"), group=use, total=_overall_use, centred=True),
        ],
        rows=rows,
        footer=signatures(user),
        frozen_columns=2,
    )


def site_free_rooms(*, user, site_id: int) -> list[Room]:
    _site, states = site_rooms(user=user, site_id=site_id)
    return [s.room for s in states if s.free > 0]


ORDER_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("隔离令编号"), gettext_lazy("姓名"), gettext_lazy("证件号码"), gettext_lazy("手机号"),
    gettext_lazy("网格代码"), gettext_lazy("隔离方案"), gettext_lazy("隔离方式"), gettext_lazy("当前阶段"),
    gettext_lazy("隔离点"), gettext_lazy("房间"), gettext_lazy("开始日期"), gettext_lazy("计划解除日期"),
    gettext_lazy("状态"), gettext_lazy("已检/应检"), gettext_lazy("有逾期检测"), gettext_lazy("隔离原因"),
    gettext_lazy("解除证明编号"),
]


def order_export_rows(qs):
    for o in qs.iterator(chunk_size=2000):
        r = o.resident
        yield (
            o.pk, r.name, r.id_number_masked, r.phone_masked, o.grid_code, o.regime.shown_name, o.get_place_display(),
            o.get_phase_display(), o.site.name if o.site_id else "", o.room.number if o.room_id else "",
            o.start_date, o.planned_release, o.get_status_display(), f"{o.tests_done}/{o.tests_total}",
            "是" if o.has_overdue else "", o.reason, o.certificate_number or "",
        )


# --- What quarantine tells health (registered in apps.py) ---------------------------------------


def residents_under_active_order(*, user, within: str, resident_ids) -> QuerySet:
    """``resident_id`` of every ACTIVE order in reach (all when ``user`` is None), under ``within``
    and among ``resident_ids`` (when given): health's ``held_under_order``."""
    qs = QuarantineOrder.objects.all() if user is None else QuarantineOrder.objects.restrict(user)
    if within:
        qs = qs.within(within)
    if resident_ids is not None:
        qs = qs.filter(resident_id__in=resident_ids)
    return qs.filter(status=QuarantineOrder.Status.ACTIVE).values("resident_id").order_by()


def tests_overdue(*, user, within: str = "", today: dt.date | None = None) -> QuerySet:
    """Quarantine tests still pending after their due date (应检尽检), longest overdue first."""
    today = today or timezone.localdate()
    qs = QuarantineTest.objects.all() if user is None else QuarantineTest.objects.restrict(user)
    if within:
        qs = qs.within(within)
    return qs.filter(result=QuarantineTest.Result.PENDING, due_date__lt=today).order_by("due_date", "id")


def overdue_test_entries(rows, now) -> list[GapEntry]:
    """Health's gap entries for overdue tests: waiting since the start of the day each fell due."""
    rows = rows.select_related("order__resident__household") if hasattr(rows, "select_related") else rows
    out = []
    for test in rows:
        since = day_bounds(test.due_date)[0]
        detail = f"{test.get_phase_display()}第{test.day}天（应检 {test.due_date:%Y-%m-%d}）"
        out.append(GapEntry("tests_overdue", test.order.resident, test.grid_code, since, now - since, test.pk, detail))
    return out


def stale_overdue_test_entries(*, older_than: dt.timedelta, now) -> list[GapEntry]:
    last_due = timezone.localtime(now - older_than).date() - dt.timedelta(days=1)
    entries = overdue_test_entries(tests_overdue(user=None).filter(due_date__lte=last_due), now)
    return [e for e in entries if e.waited > older_than]


OVERDUE_TESTS = GapList(
    "tests_overdue", gettext_lazy("核酸检测逾期"), gettext_lazy("应检尽检"), 40, rows=tests_overdue,
    entries=overdue_test_entries, stale=stale_overdue_test_entries, related="order__resident__household",
)


# Who is isolated under an order when their status calls for it (应隔尽隔).
ISOLATE_STATUSES = {
    EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED, EpidemicStatus.CLOSE_CONTACT,
    EpidemicStatus.SECONDARY_CONTACT,
}


def order_next_steps(*, user, resident, status: str) -> list[NextStep]:
    """For health's ``next_steps``: the order form for the person (isolate), unless an order is
    already active, when it is the order's page; nothing the user may not do."""
    if status not in ISOLATE_STATUSES:
        return []
    active = (QuarantineOrder.objects.restrict(user).filter(resident=resident, status=QuarantineOrder.Status.ACTIVE)
              .order_by("-id").first())
    if active is not None:
        return [NextStep(key="quarantine", label=_("查看隔离单"),
                         url=reverse("quarantine:order_detail", args=[active.pk]), note=_("已在隔离中"))]
    if not can(user, "quarantine.order"):
        return []
    return [NextStep(key="quarantine", label=_("开具隔离单"),
                     url=f"{reverse('quarantine:order_new')}?resident={resident.pk}")]


# --- Data checks (registered in ``quarantine.datachecks``) ----------------------------------------


def test_results_dated_in_the_future(*, user, filters: DataCheckFilters, today: dt.date) -> QuerySet[QuarantineTest]:
    """Quarantine tests in reach whose sampling or result time is after today."""
    qs = QuarantineTest.objects.restrict(user).select_related("order__resident")
    if filters.within:
        qs = qs.within(filters.within)
    tomorrow = start_of_day_after(today)
    return qs.filter(Q(result_at__gte=tomorrow) | Q(sampled_at__gte=tomorrow)).order_by("grid_code", "id")
