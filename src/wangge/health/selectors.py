"""Reads of the four categories: the board, the daily table, the gap lists, monitoring and the
epidemic-free compounds.  Every read for a user narrows by ``.restrict(user)``; the few unscoped
functions (``missing_reports``, ``stale_gap_entries``) are for the background jobs only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal, NamedTuple

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Substr, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator

from wangge.core.codes import PREFIX_LENGTH, Level, is_grid_level_or_below
from wangge.core.datachecks import DataCheckFilters
from wangge.core.errors import NotFound
from wangge.core.filters import Filters, Within
from wangge.core.inputs import Day
from wangge.core.reports import Column, ReportSpec, basis, signatures
from wangge.grid.models import Building, Grid
from wangge.grid.selectors import Area, area_in_reach, area_names, compound_counts, compound_key
from wangge.health.hooks import NextStep, held_under_order
from wangge.health.hooks import next_steps as next_steps_hook
from wangge.health.models import (
    FEVER_THRESHOLD,
    FOUR_CATEGORIES,
    MONITORED_STATUSES,
    EpidemicStatus,
    HealthReport,
    PersonStatus,
    StatusTransition,
)
from wangge.people.models import Resident

# The four categories and the secondary contacts, in the order every table shows them.
BOARD_CATEGORIES = [*FOUR_CATEGORIES, EpidemicStatus.SECONDARY_CONTACT]


class AreaFilters(Filters):
    """The area of a health list (the board, the monitoring list): pages, API and exports."""

    within: Within = ""  # a division or grid code; the top of the caller's reach when omitted

    labels: ClassVar = {"within": gettext_lazy("区域代码"), "date": gettext_lazy("日期"),
                        "kind": gettext_lazy("闭环事项")}


class MonitoringFilters(AreaFilters):
    """The monitoring list (page and API): an area, and whom to show of it."""

    # "missing": no report yet in the slot open now (the morning's until noon, then the
    # afternoon's); "fever": a report today with a fever or a symptom.
    show: Literal["", "missing", "fever"] = ""

    labels: ClassVar = {**AreaFilters.labels, "show": gettext_lazy("显示")}


class AreaDayFilters(AreaFilters):
    """An area and a day: the daily four-category table and the monitoring export."""

    date: Day | None = None  # default today

    def day(self) -> dt.date:
        return self.date or timezone.localdate()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which the local (Asia/Shanghai) ``day`` begins and ends."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return start, end


# --- The board and the daily four-category table ---------------------------------------------


@dataclass
class CategoryFigures:
    current: int = 0
    new: int = 0
    cumulative: int = 0


@dataclass
class TableRow:
    prefix: str
    name: str
    figures: dict[str, CategoryFigures] = field(
        default_factory=lambda: {c: CategoryFigures() for c in BOARD_CATEGORIES}
    )

    @property
    def cells(self) -> list[CategoryFigures]:
        return [self.figures[c] for c in BOARD_CATEGORIES]

    @property
    def has_children(self) -> bool:
        """Whether the row's area opens on a table of its own (a grid's does not)."""
        return not is_grid_level_or_below(self.prefix)


@dataclass
class FourCategoryTable:
    area: Area
    date: dt.date
    rows: list[TableRow]
    total: TableRow


def four_category_table(*, user, area: Area, date: dt.date | None = None) -> FourCategoryTable:
    """The daily four-category table (四类人员日报) for ``area`` on the local ``date``, by child area.

    current: people in the category now; new: transitions into it on ``date``; cumulative: people
    who entered it up to the end of ``date``.  Three grouped queries, whatever the population:
    they read the status tables (a few thousand rows in a bad week), never the residents.
    """
    date = date or timezone.localdate()
    start, end = day_bounds(date)
    child_len = area.child_length
    rows: dict[str, TableRow] = {}

    def row(child: str) -> TableRow:
        if child not in rows:
            rows[child] = TableRow(child, child)
        return rows[child]

    current = (
        PersonStatus.objects.restrict(user).within(area.prefix)
        .filter(status__in=BOARD_CATEGORIES)
        .annotate(child=Substr("grid_code", 1, child_len))
        .values("child", "status")
        .annotate(n=Count("id"))
    )
    for r in current:
        row(r["child"]).figures[r["status"]].current = r["n"]
    entered = (
        StatusTransition.objects.restrict(user).within(area.prefix)
        .filter(to_status__in=BOARD_CATEGORIES, at__lt=end)
        .annotate(child=Substr("grid_code", 1, child_len))
        .values("child", "to_status")
        .annotate(
            cumulative=Count("resident_id", distinct=True),
            new=Count("resident_id", distinct=True, filter=Q(at__gte=start)),
        )
    )
    for r in entered:
        figures = row(r["child"]).figures[r["to_status"]]
        figures.new, figures.cumulative = r["new"], r["cumulative"]
    # Every child area in reach is listed, with zeros where nothing happened.
    if area.has_children:
        children = (
            Grid.objects.restrict(user).within(area.prefix)
            .annotate(child=Substr("code", 1, child_len)).values_list("child", flat=True).distinct()
        )
        for child in children:
            row(child)
    names = area_names(rows)
    ordered = []
    total = TableRow(area.prefix, area.name)
    for child in sorted(rows):
        r = rows[child]
        r.name = names.get(child, child)
        ordered.append(r)
        for category in BOARD_CATEGORIES:
            t, f = total.figures[category], r.figures[category]
            t.current += f.current
            t.new += f.new
            t.cumulative += f.cumulative
    return FourCategoryTable(area=area, date=date, rows=ordered, total=total)


def four_category_report(table: FourCategoryTable, *, user, now: dt.datetime | None = None) -> ReportSpec:
    """The daily table as the report sent upward (四类人员日报表): title, reporting unit, date and
    basis, each category's 现有 / 当日新增 / 累计 under it, the child areas, a totals row and the
    signatures (the exporting user fills it in; the reviewer signs by hand).

    A past day is counted to its end; today (or a later day) as of ``now``, the export time.
    """
    columns = [Column(gettext_lazy("区域代码")), Column(gettext_lazy("区域"))] + [
        Column(part, group=EpidemicStatus(c).label, total=True)
        for c in BOARD_CATEGORIES for part in (gettext_lazy("现有"), gettext_lazy("当日新增"), gettext_lazy("累计"))
    ]
    rows = [[r.prefix, r.name] + [v for f in r.cells for v in (f.current, f.new, f.cumulative)] for r in table.rows]
    return ReportSpec(
        title=format_lazy(gettext_lazy("{area}四类人员日报表"), area=table.area.name),
        sheet_title=gettext_lazy("四类人员日报"),
        meta=[(gettext_lazy("填报单位"), table.area.name), (gettext_lazy("日期"), table.date),
              (gettext_lazy("统计口径"), basis(table.date, now))],
        columns=columns,
        rows=rows,
        footer=signatures(user),
        frozen_columns=2,
    )


# --- The gap lists: 应收尽收、应治尽治、应检尽检、应隔尽隔 ----------------------------------------


class GapEntry(NamedTuple):
    kind: str
    resident: Resident
    grid_code: str
    since: dt.datetime  # when the wait began: the status began, or the test fell due
    waited: dt.timedelta
    object_id: int  # the row behind the entry (a PersonStatus here, a QuarantineTest in quarantine)
    detail: str = ""


class GapAction(NamedTuple):
    """What a gap list's row offers to close the gap: a form that posts (one tap), or a page."""

    url: str
    label: str
    post: bool = True


@dataclass(frozen=True)
class GapList:
    """One closed-loop list.  Health declares the four of a person's status; an app above adds its
    own with ``register_gap_list`` from its ``AppConfig.ready()`` (quarantine: overdue tests)."""

    kind: str
    label: str
    principle: str
    position: int  # the list's place among the tabs, the counts and the export
    rows: Callable[..., QuerySet]  # (*, user, within="") -> rows, longest wait first; user None: city-wide
    entries: Callable[[Iterable, dt.datetime], list[GapEntry]]  # (rows, now) -> their entries
    stale: Callable[..., list[GapEntry]]  # (*, older_than, now) -> city-wide entries waiting longer
    related: str = "resident__household"  # what a page of rows reads with them
    action: Callable[[GapEntry], GapAction | None] | None = None  # what a row offers to close it


GAP_LISTS: dict[str, GapList] = {}
# kind -> label and kind -> principle, in the lists' order (filled by register_gap_list).
GAP_KINDS: dict[str, str] = {}
GAP_PRINCIPLES: dict[str, str] = {}


def register_gap_list(gap: GapList) -> GapList:
    GAP_LISTS[gap.kind] = gap
    ordered = sorted(GAP_LISTS.values(), key=lambda g: g.position)
    GAP_KINDS.clear()
    GAP_KINDS.update((g.kind, g.label) for g in ordered)
    GAP_PRINCIPLES.clear()
    GAP_PRINCIPLES.update((g.kind, g.principle) for g in ordered)
    return gap


def _known_gap(kind: str) -> str:
    # Checked when a query is read, not when the module is: the apps above add their lists at ready().
    if kind not in GAP_LISTS:
        raise ValueError(f"unknown gap list {kind!r}")
    return kind


GapKind = Annotated[str, AfterValidator(_known_gap)]


class GapFilters(AreaFilters):
    """The gap list's page and export: an area and which gap (the API names the gap in its path)."""

    kind: GapKind = "unadmitted"


def _statuses(user, within: str):
    qs = PersonStatus.objects.all() if user is None else PersonStatus.objects.restrict(user)
    return qs.within(within) if within else qs


def confirmed_not_admitted(*, user, within: str = ""):
    """Confirmed cases not yet admitted to a hospital or 方舱 (应收尽收), longest wait first."""
    return _statuses(user, within).filter(status=EpidemicStatus.CONFIRMED, admitted_at__isnull=True).order_by(
        "since", "id"
    )


def suspected_not_isolated(*, user, within: str = ""):
    """Suspected cases not yet isolated (应隔尽隔), longest wait first."""
    return _statuses(user, within).filter(status=EpidemicStatus.SUSPECTED, isolated_at__isnull=True).order_by(
        "since", "id"
    )


def contacts_not_quarantined(*, user, within: str = ""):
    """Close contacts not held under an order (应隔尽隔: quarantine's active orders), longest wait first."""
    qs = _statuses(user, within).filter(status=EpidemicStatus.CLOSE_CONTACT)
    for held in held_under_order.ask(user=None, within="", resident_ids=None):
        qs = qs.exclude(resident_id__in=held)
    return qs.order_by("since", "id")


def fevers_not_seen(*, user, within: str = ""):
    """Fevers under observation not yet seen by a doctor (应治尽治), longest wait first."""
    return _statuses(user, within).filter(status=EpidemicStatus.FEVER, seen_by_doctor_at__isnull=True).order_by(
        "since", "id"
    )


def status_gap_entries(kind: str):
    def entries(rows, now) -> list[GapEntry]:
        rows = rows.select_related("resident__household") if hasattr(rows, "select_related") else rows
        return [GapEntry(kind, s.resident, s.grid_code, s.since, now - s.since, s.pk, s.get_severity_display() or "")
                for s in rows]

    return entries


def status_gap_stale(rows: Callable[..., QuerySet], kind: str):
    def stale(*, older_than: dt.timedelta, now) -> list[GapEntry]:
        return status_gap_entries(kind)(rows(user=None).filter(since__lt=now - older_than), now)

    return stale


# Quarantine's overdue tests (应检尽检) stand at 40, before the fevers.
def _doctor_visit(entry: GapEntry) -> GapAction:
    return GapAction(reverse("health:doctor_visit", args=[entry.resident.pk]), gettext_lazy("已就诊"))


for _kind, _label, _principle, _position, _rows, _action in [
    ("unadmitted", gettext_lazy("确诊未收治"), gettext_lazy("应收尽收"), 10, confirmed_not_admitted, None),
    ("unisolated", gettext_lazy("疑似未隔离"), gettext_lazy("应隔尽隔"), 20, suspected_not_isolated, None),
    ("unquarantined", gettext_lazy("密接未隔离"), gettext_lazy("应隔尽隔"), 30, contacts_not_quarantined, None),
    ("fevers_unseen", gettext_lazy("发热未就诊"), gettext_lazy("应治尽治"), 50, fevers_not_seen, _doctor_visit),
]:
    register_gap_list(GapList(_kind, _label, _principle, _position, rows=_rows, entries=status_gap_entries(_kind),
                              stale=status_gap_stale(_rows, _kind), action=_action))


def gap_list(kind: str) -> GapList:
    if kind not in GAP_LISTS:
        raise NotFound(_("未知的闭环事项类型"))
    return GAP_LISTS[kind]


def gap_queryset(kind: str, *, user, within: str = ""):
    gap = gap_list(kind)
    return gap.rows(user=user, within=within).select_related(gap.related)


def gap_entries(kind: str, *, user, within: str = "", now=None) -> list[GapEntry]:
    """One whole gap list as entries with how long each has waited, longest first (no cap: pages
    take ``gap_queryset`` through a keyset page, exports walk it)."""
    now = now or timezone.now()
    return gap_entries_from(kind, gap_queryset(kind, user=user, within=within), now)


def gap_counts(*, user, within: str = "") -> dict[str, int]:
    return {kind: gap_queryset(kind, user=user, within=within).count() for kind in GAP_KINDS}


def gap_opening_kind(counts: dict[str, int]) -> str:
    """The tab a gap list opens on when none is asked for: the first, in the lists' order, with
    anybody waiting, so the page never opens on an empty list while another has people in it;
    the first list when all are empty."""
    return next((kind for kind in GAP_KINDS if counts.get(kind)), next(iter(GAP_KINDS)))


GAP_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("事项"),
    gettext_lazy("居民编号"),
    gettext_lazy("姓名"),
    gettext_lazy("性别"),
    gettext_lazy("证件号码"),
    gettext_lazy("手机号"),
    gettext_lazy("地址"),
    gettext_lazy("网格代码"),
    gettext_lazy("开始等待"),
    gettext_lazy("已等待（小时）"),
    gettext_lazy("说明"),
]


def gap_export_rows(entries: list[GapEntry]):
    for e in entries:
        r = e.resident
        yield (
            str(GAP_KINDS[e.kind]), r.pk, r.name, r.get_sex_display(), r.id_number_masked, r.phone_masked,
            r.household.address, e.grid_code, e.since, round(e.waited.total_seconds() / 3600, 1), e.detail,
        )


def stale_gap_entries(*, older_than: dt.timedelta, now=None) -> list[GapEntry]:
    """Every gap-list entry, city-wide, that has waited longer than ``older_than`` (for the job that
    raises GAP_STALE alerts).  Unscoped: never call it for a user's page."""
    now = now or timezone.now()
    return [entry for kind in GAP_KINDS for entry in GAP_LISTS[kind].stale(older_than=older_than, now=now)]


def gap_entries_from(kind: str, qs, now) -> list[GapEntry]:
    """Entries for a gap queryset, or for the rows of a page of one (fetched already)."""
    return gap_list(kind).entries(qs, now)


# --- The last days, day by day ------------------------------------------------------------------


@dataclass
class DailySeries:
    dates: list[dt.date]
    series: dict[str, list[int]]  # status -> people who entered it each day


def daily_new(*, user, area: Area, days: int = 14, today: dt.date | None = None) -> DailySeries:
    """How many people entered each of the four categories on each of the last ``days`` local days,
    in ``area`` of the user's reach (the curve on command's landing page)."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    qs = StatusTransition.objects.restrict(user)
    if area.prefix:
        qs = qs.within(area.prefix)
    rows = (
        qs.filter(at__gte=day_bounds(first)[0], at__lt=day_bounds(today)[1], to_status__in=FOUR_CATEGORIES)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", "to_status").annotate(n=Count("resident_id", distinct=True)).order_by()
    )
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    series = {status: [0] * days for status in FOUR_CATEGORIES}
    for row in rows:
        series[row["to_status"]][(row["day"] - first).days] = row["n"]
    return DailySeries(dates=dates, series=series)


# --- The board ----------------------------------------------------------------------------


@dataclass
class BoardRow:
    prefix: str
    name: str
    counts: dict[str, int]
    is_grid: bool

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(c, 0) for c in BOARD_CATEGORIES]


@dataclass
class Board:
    area: Area
    totals: dict[str, int]
    new_today: dict[str, int]
    children: list[BoardRow]
    gaps: dict[str, int]

    @property
    def total_cells(self) -> list[tuple[str, str, int, int]]:
        return [(c, EpidemicStatus(c).label, self.totals.get(c, 0), self.new_today.get(c, 0)) for c in BOARD_CATEGORIES]


def board(*, user, area: Area) -> Board:
    """Counts by category for ``area`` and by child area, today's new entries, and the gap counts."""
    table = four_category_table(user=user, area=area)
    totals = {c: table.total.figures[c].current for c in BOARD_CATEGORIES}
    new_today = {c: table.total.figures[c].new for c in BOARD_CATEGORIES}
    children = [
        BoardRow(r.prefix, r.name, {c: r.figures[c].current for c in BOARD_CATEGORIES},
                 is_grid_level_or_below(r.prefix))
        for r in table.rows
    ]
    return Board(area=area, totals=totals, new_today=new_today, children=children,
                 gaps=gap_counts(user=user, within=area.prefix))


# --- A person's epidemic record --------------------------------------------------------------


def person_status(*, user, resident) -> PersonStatus | None:
    return PersonStatus.objects.restrict(user).filter(resident=resident).first()


def next_steps(*, user, resident, status: str) -> list[NextStep]:
    """What the apps above offer to do next for ``resident`` in ``status`` (investigation, isolation,
    transfer...), in the order they answer; health knows none of them (``hooks.next_steps``)."""
    return [step for answer in next_steps_hook.ask(user=user, resident=resident, status=status) for step in answer]


def person_transitions(*, user, resident):
    return list(StatusTransition.objects.restrict(user).filter(resident=resident).select_related("by")
                .order_by("-at", "-id"))


def person_reports(*, user, resident, days: int = 21):
    since = timezone.localdate() - dt.timedelta(days=days)
    return list(HealthReport.objects.restrict(user).filter(resident=resident, date__gte=since)
                .select_related("reported_by").order_by("-date", "-slot"))


# --- Monitoring ---------------------------------------------------------------------------


@dataclass
class MonitoredPerson:
    resident: Resident
    status: str  # the epidemic status ("none" for someone only under a quarantine order)
    am: HealthReport | None
    pm: HealthReport | None

    @property
    def status_label(self) -> str:
        return EpidemicStatus(self.status).label

    @property
    def slots(self) -> list[tuple[str, str, HealthReport | None]]:
        return [("am", HealthReport.Slot.MORNING.label, self.am), ("pm", HealthReport.Slot.AFTERNOON.label, self.pm)]


def _monitored_residents(residents, statuses, held):
    # One IN over the union of the small tables (the monitored statuses and, from the apps above,
    # the people held under an order), not an OR of INs: with the OR the database cannot join and
    # walks every resident in reach (10 s for a city of 10,000,000 even when nobody is monitored);
    # with the union it starts from the few monitored ids.
    monitored = statuses.filter(status__in=MONITORED_STATUSES).values("resident_id").order_by()
    return residents.filter(id__in=monitored.union(*held) if held else monitored)


# The afternoon report opens at noon (local time), as ``services.current_slot`` turns to it.
AFTERNOON_OPENS = dt.time(12, 0)


def slot_open(slot: str, date: dt.date, now: dt.datetime | None = None) -> bool:
    """Whether ``slot`` of ``date`` has opened: a day before today, its morning, or its afternoon
    from noon.  A slot not yet open is not missing."""
    local = timezone.localtime(now or timezone.now())
    if date != local.date():
        return date < local.date()
    return slot == HealthReport.Slot.MORNING or local.time() >= AFTERNOON_OPENS


def open_slot(now: dt.datetime | None = None) -> str:
    """The slot reports go to now: the morning until noon, then the afternoon."""
    local = timezone.localtime(now or timezone.now())
    return HealthReport.Slot.MORNING if local.time() < AFTERNOON_OPENS else HealthReport.Slot.AFTERNOON


def _fever_reports(date: dt.date):
    return HealthReport.objects.filter(date=date).filter(Q(temperature__gte=FEVER_THRESHOLD) | ~Q(symptoms=[]))


def monitored_queryset(*, user, within: str = "", show: str = "", now: dt.datetime | None = None):
    """People under twice-daily monitoring in reach (a monitored status or an active quarantine
    order), in keyset order (grid_code, id); ``show`` narrows them (``MonitoringFilters.show``)."""
    residents = Resident.objects.restrict(user)
    statuses = PersonStatus.objects.restrict(user)
    if within:
        residents, statuses = residents.within(within), statuses.within(within)
    held = held_under_order.ask(user=user, within=within, resident_ids=None)
    qs = _monitored_residents(residents, statuses, held)
    today = timezone.localdate(now or timezone.now())
    if show == "missing":
        reported = HealthReport.objects.filter(date=today, slot=open_slot(now)).values("resident_id")
        qs = qs.exclude(id__in=reported)
    elif show == "fever":
        qs = qs.filter(id__in=_fever_reports(today).values("resident_id"))
    return qs.select_related("household").order_by("grid_code", "id")


def monitoring_missing_counts(qs, *, date: dt.date, now: dt.datetime | None = None) -> dict[str, int | None]:
    """How many of the whole monitored list (not a page of it) have no morning / afternoon report;
    None for a slot that has not opened yet (the afternoon before noon is not missed)."""
    return {slot: qs.exclude(id__in=HealthReport.objects.filter(date=date, slot=slot).values("resident_id")).count()
            if slot_open(slot, date, now) else None
            for slot in ("am", "pm")}


@dataclass
class MonitoringArea:
    prefix: str
    name: str
    monitored: int
    missing_am: int | None  # None: the slot has not opened
    missing_pm: int | None
    fever: int


def monitoring_summary(*, user, area: Area, now: dt.datetime | None = None) -> list[MonitoringArea]:
    """For command: by child area of ``area``, how many are monitored, how many have not reported
    in each open slot today, and how many reported a fever or a symptom, with a link down."""
    if not area.has_children:
        return []
    child_len = area.child_length
    today = timezone.localdate(now or timezone.now())
    qs = monitored_queryset(user=user, within=area.prefix).order_by().select_related(None)
    reported = {slot: Exists(HealthReport.objects.filter(resident=OuterRef("pk"), date=today, slot=slot))
                for slot in ("am", "pm")}
    rows = (
        qs.annotate(child=Substr("grid_code", 1, child_len), _am=reported["am"], _pm=reported["pm"],
                    _fever=Exists(_fever_reports(today).filter(resident=OuterRef("pk"))))
        .values("child")
        .annotate(n=Count("id"), am=Count("id", filter=Q(_am=False)), pm=Count("id", filter=Q(_pm=False)),
                  fever=Count("id", filter=Q(_fever=True)))
        .order_by("child")
    )
    rows = list(rows)
    names = area_names([r["child"] for r in rows])
    am_open, pm_open = slot_open("am", today, now), slot_open("pm", today, now)
    return [
        MonitoringArea(prefix=r["child"], name=names.get(r["child"], r["child"]), monitored=r["n"],
                       missing_am=r["am"] if am_open else None, missing_pm=r["pm"] if pm_open else None,
                       fever=r["fever"])
        for r in rows
    ]


def monitored_rows(people, *, date: dt.date) -> list[MonitoredPerson]:
    """``people`` (a page or the whole list) each with their morning and afternoon report of ``date``."""
    people = list(people)
    ids = [p.pk for p in people]
    status_by_id = dict(PersonStatus.objects.filter(resident_id__in=ids).values_list("resident_id", "status"))
    reports: dict[tuple[int, str], HealthReport] = {}
    for report in HealthReport.objects.filter(resident_id__in=ids, date=date):
        reports[(report.resident_id, report.slot)] = report
    return [
        MonitoredPerson(p, status_by_id.get(p.pk, EpidemicStatus.NONE), reports.get((p.pk, "am")),
                        reports.get((p.pk, "pm")))
        for p in people
    ]


def monitored_people(*, user, date: dt.date | None = None, within: str = "") -> list[MonitoredPerson]:
    """Every person under monitoring in reach with their reports of ``date`` (no cap: small
    callers and tests; pages take ``monitored_queryset`` through a keyset page)."""
    date = date or timezone.localdate()
    return monitored_rows(monitored_queryset(user=user, within=within), date=date)


def monitored_export_rows(*, user, date: dt.date, within: str = ""):
    """The whole monitored list as export rows, a keyset chunk at a time."""
    from wangge.core.lists import walk

    qs = monitored_queryset(user=user, within=within)
    chunk: list = []
    for person in walk(qs):
        chunk.append(person)
        if len(chunk) == 2000:
            yield from monitoring_export_rows(monitored_rows(chunk, date=date))
            chunk = []
    yield from monitoring_export_rows(monitored_rows(chunk, date=date))


def monitored_in_reach(*, user, resident_id: int) -> MonitoredPerson:
    """One monitored person for a page row (404 when out of reach)."""
    from wangge.people.selectors import resident_in_reach

    resident = resident_in_reach(user=user, pk=resident_id)
    row = PersonStatus.objects.filter(resident=resident).first()
    date = timezone.localdate()
    reports = {r.slot: r for r in HealthReport.objects.filter(resident=resident, date=date)}
    return MonitoredPerson(resident, row.status if row else EpidemicStatus.NONE, reports.get("am"), reports.get("pm"))


MONITORING_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("居民编号"),
    gettext_lazy("姓名"),
    gettext_lazy("性别"),
    gettext_lazy("证件号码"),
    gettext_lazy("手机号"),
    gettext_lazy("地址"),
    gettext_lazy("网格代码"),
    gettext_lazy("状态"),
    gettext_lazy("上午体温"),
    gettext_lazy("上午症状"),
    gettext_lazy("上午来源"),
    gettext_lazy("下午体温"),
    gettext_lazy("下午症状"),
    gettext_lazy("下午来源"),
]


def monitoring_export_rows(people: list[MonitoredPerson]):
    """Rows under ``MONITORING_EXPORT_HEADERS``: a person's am/pm temperatures, ID and phone masked."""
    for p in people:
        r = p.resident
        cells = [r.pk, r.name, r.get_sex_display(), r.id_number_masked, r.phone_masked, r.household.address,
                 r.grid_code, p.status_label]
        for report in (p.am, p.pm):
            if report is None:
                cells += [None, "", "未报"]
            else:
                cells += [float(report.temperature), "、".join(report.symptoms), report.get_source_display()]
        yield cells


def is_monitored(resident) -> bool:
    """Whether ``resident`` is under twice-daily monitoring now (the same rule as the lists)."""
    residents = Resident.objects.filter(pk=resident.pk)
    held = held_under_order.ask(user=None, within="", resident_ids=[resident.pk])
    return _monitored_residents(residents, PersonStatus.objects.filter(resident_id=resident.pk), held).exists()


def household_monitoring(*, household, date: dt.date | None = None) -> list[MonitoredPerson]:
    """The members of ``household`` under monitoring, with their reports of ``date``.  Unscoped:
    for the household's own declaration page, reached only through its link's token."""
    date = date or timezone.localdate()
    members = Resident.objects.filter(household=household)
    ids = list(members.values_list("pk", flat=True))
    held = held_under_order.ask(user=None, within="", resident_ids=ids)
    people = list(_monitored_residents(members, PersonStatus.objects.filter(resident_id__in=ids), held).order_by("id"))
    status_by_id = dict(PersonStatus.objects.filter(resident_id__in=ids).values_list("resident_id", "status"))
    reports = {(r.resident_id, r.slot): r for r in HealthReport.objects.filter(resident_id__in=ids, date=date)}
    return [
        MonitoredPerson(p, status_by_id.get(p.pk, EpidemicStatus.NONE), reports.get((p.pk, "am")),
                        reports.get((p.pk, "pm")))
        for p in people
    ]


def missing_reports(*, date: dt.date, slot: str) -> list[tuple[int, str, str]]:
    """(resident_id, grid_code, name) of everyone monitored with no report for ``date``/``slot``.
    Unscoped: for the job that alerts the responsible grid worker."""
    reported = HealthReport.objects.filter(date=date, slot=slot).values("resident_id")
    held = held_under_order.ask(user=None, within="", resident_ids=None)
    qs = _monitored_residents(Resident.objects.all(), PersonStatus.objects.all(), held)
    return list(qs.exclude(id__in=reported).order_by("grid_code", "id").values_list("id", "grid_code", "name"))


# --- Epidemic-free compounds and communities (无疫情小区/社区) ----------------------------------


@dataclass
class FreeFigures:
    compounds: int = 0
    compounds_free: int = 0
    communities: int = 0
    communities_free: int = 0

    @property
    def compound_share(self) -> float | None:
        return self.compounds_free / self.compounds * 100 if self.compounds else None

    @property
    def community_share(self) -> float | None:
        return self.communities_free / self.communities * 100 if self.communities else None


@dataclass
class EpidemicFreeSummary:
    area: Area
    days: int
    total: FreeFigures
    children: list[tuple[str, str, FreeFigures]]  # (prefix, name, figures)


def affected_residents(*, user, within: str = "", days: int | None = None, now=None):
    """Residents in reach who were confirmed, suspected, fever or close contact at any time in the
    last ``days`` days: in one of them now, or left one less than ``days`` days ago."""
    days = settings.WANGGE_EPIDEMIC_FREE_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    current = _statuses(user, within).filter(status__in=FOUR_CATEGORIES).values("resident_id")
    left = StatusTransition.objects.restrict(user)
    if within:
        left = left.within(within)
    left = left.filter(from_status__in=FOUR_CATEGORIES, at__gt=cutoff).values("resident_id")
    # One IN over a UNION, not an OR of two INs: PostgreSQL plans the OR as a scan of every
    # resident in reach (5.6 s city-wide at 10,000,000), the UNION as index lookups of the few.
    return Resident.objects.restrict(user).filter(id__in=current.order_by().union(left.order_by()))


def epidemic_free_summary(*, user, prefix: str, now=None, days: int | None = None) -> EpidemicFreeSummary:
    """Compounds and communities with no epidemic for N days, in total and by child area."""
    area = prefix if isinstance(prefix, Area) else area_in_reach(user=user, code=prefix)
    days = settings.WANGGE_EPIDEMIC_FREE_DAYS if days is None else days
    child_len = area.child_length
    affected = set(
        compound_key(g, c)
        for g, c in affected_residents(user=user, within=area.prefix, days=days, now=now)
        .values_list("household__unit__building__grid_code", "household__unit__building__compound").distinct()
    )
    affected_communities = {k[0] for k in affected}
    if child_len <= PREFIX_LENGTH[Level.COMMUNITY]:
        # Children are communities or above: each compound lies in one of them, and the registry's
        # counts (cached) less the few affected compounds give the figures.
        total = FreeFigures()
        children = []
        counts = compound_counts(user=user, prefix=area.prefix, child_len=child_len)
        names = area_names(counts)
        for child in sorted(counts):
            compounds, communities = counts[child]
            f = FreeFigures(
                compounds=compounds,
                compounds_free=max(compounds - sum(1 for k in affected if k[0].startswith(child)), 0),
                communities=communities,
                communities_free=max(communities - sum(1 for c in affected_communities if c.startswith(child)), 0),
            )
            children.append((child, names.get(child, child), f))
            for name in ("compounds", "compounds_free", "communities", "communities_free"):
                setattr(total, name, getattr(total, name) + getattr(f, name))
        return EpidemicFreeSummary(area=area, days=days, total=total, children=children)
    # A compound may span grids: it then belongs to every child area it touches.
    touching: dict[tuple[str, str], set[str]] = defaultdict(set)
    # Distinct (community, compound key, child area) in SQL: a city has hundreds of thousands of
    # buildings but far fewer compounds.
    buildings = (
        Building.objects.restrict(user).within(area.prefix).order_by()
        .annotate(
            _community=Substr("grid_code", 1, PREFIX_LENGTH[Level.COMMUNITY]),
            _compound=Case(When(compound="", then=Concat(Value("#"), "grid_code")), default="compound"),
            _child=Substr("grid_code", 1, child_len),
        )
        .values_list("_community", "_compound", "_child").distinct()
    )
    for community, compound, child in buildings:
        touching[(community, compound)].add(child)
    compounds = set(touching)
    by_child: dict[str, FreeFigures] = defaultdict(FreeFigures)
    communities_by_child: dict[str, set[str]] = defaultdict(set)
    total = FreeFigures()
    for key in compounds:
        for child in touching[key]:
            f = by_child[child]
            f.compounds += 1
            f.compounds_free += key not in affected
            communities_by_child[child].add(key[0])
    all_communities = {k[0] for k in compounds}
    total.compounds = len(compounds)
    total.compounds_free = len(compounds - affected)
    total.communities = len(all_communities)
    total.communities_free = len(all_communities - affected_communities)
    for child, communities in communities_by_child.items():
        by_child[child].communities = len(communities)
        by_child[child].communities_free = len(communities - affected_communities)
    names = area_names(by_child)
    children = [(c, names.get(c, c), by_child[c]) for c in sorted(by_child)]
    return EpidemicFreeSummary(area=area, days=days, total=total, children=children)


# --- Data checks (registered in ``health.datachecks``) --------------------------------------------


def reports_dated_in_the_future(*, user, filters: DataCheckFilters, today: dt.date) -> QuerySet[HealthReport]:
    """Health reports in reach dated after today: a date typed wrong at the door or in an import."""
    qs = HealthReport.objects.restrict(user).select_related("resident")
    if filters.within:
        qs = qs.within(filters.within)
    return qs.filter(date__gt=today).order_by("grid_code", "id")
