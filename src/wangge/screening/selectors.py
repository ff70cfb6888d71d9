"""Reads of door-to-door screening: which campaigns a user sees, and live coverage at every level.

Coverage of a campaign on a day, for an area inside the user's reach:

- households total and persons total come from the per-grid counters (``Grid.household_count``,
  ``Grid.resident_count``), so a district is a sum over its grids, not a count of its people;
- a household is covered when it has a visit with outcome "visited" that day, or when any of its
  members declared for themselves that day; "nobody home" and "refused" are still missing;
- a person is covered when found present in a visited household that day, or when they declared.

Every query starts from ``.restrict(user)``; the area (``within``) is a navigation filter on top.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import Field

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import (
    GRID_CODE_LENGTH,
    HOUSEHOLD_CODE_LENGTH,
    Level,
    ancestors,
    child_length,
    grid_code_of,
    is_household_code,
    level_of,
    prefix_at,
)
from wangge.core.datachecks import DataCheckFilters
from wangge.core.errors import NotFound
from wangge.core.filters import Filters
from wangge.core.inputs import CodeFilter, Day
from wangge.core.scoping import prefix_q, user_can_navigate, user_can_reach
from wangge.grid.models import Grid, Household
from wangge.grid.selectors import area_in_reach, area_names
from wangge.health.selectors import GapAction, GapEntry, GapList
from wangge.screening.models import Campaign, CoverageDay, MemberCheck, RiskReport, SelfDeclaration, Visit

LEVEL_NAMES = {
    Level.PROVINCE: "省", Level.CITY: "市", Level.DISTRICT: "区县", Level.STREET: "街道", Level.COMMUNITY: "社区",
    Level.GRID: "网格", Level.BUILDING: "楼栋", Level.UNIT: "单元", Level.HOUSEHOLD: "户",
}
MAX_MISSING_PAGE = 500


# --- Campaigns ---------------------------------------------------------------------------------


class CampaignFilters(Filters):
    """The campaign list's filters: the page, its export and ``GET /screening/campaigns``."""

    on_date: Day | None = None  # only campaigns running that day

    labels: ClassVar = {"on_date": gettext_lazy("进行日期")}


class AreaFilters(Filters):
    """A campaign's dashboard and missing households (page, API, export): an area and a day."""

    within: CodeFilter = ""  # a division or grid code inside the campaign and your reach (default: your part of it)
    date: Day | None = None  # default today

    labels: ClassVar = {"within": gettext_lazy("区域代码"), "date": gettext_lazy("日期")}

    def day(self) -> dt.date:
        return self.date or timezone.localdate()


def campaigns_for(*, user, filters: CampaignFilters | None = None):
    """Campaigns whose area overlaps the user's reach: inside it, or containing it.

    A grid worker must see the district's campaign, so a campaign whose area is an ancestor of one
    of the user's scope prefixes counts too; what they can then *read* of it is still their reach.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    above = {a for p in user.scope_prefixes for a in [*ancestors(p), p] if a}
    qs = Campaign.objects.filter(Q(pk__in=Campaign.objects.restrict(user).values("pk")) | Q(grid_code__in=above))
    if filters is not None and filters.on_date is not None:
        qs = qs.filter(is_active=True, start_date__lte=filters.on_date, end_date__gte=filters.on_date)
    return qs.order_by("-start_date", "-id")


CAMPAIGN_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("编号"),
    gettext_lazy("名称"),
    gettext_lazy("排查范围代码"),
    gettext_lazy("排查范围"),
    gettext_lazy("开始日期"),
    gettext_lazy("结束日期"),
    gettext_lazy("频次"),
    gettext_lazy("状态"),
    gettext_lazy("发起人"),
    gettext_lazy("创建时间"),
]


def campaign_state(campaign: Campaign, today: dt.date) -> str:
    if is_active_on(campaign, today):
        return "进行中"
    return "未在期间" if campaign.is_active else "已结束"


def campaign_export_rows(*, user, filters: CampaignFilters | None = None, today: dt.date | None = None):
    """Rows under ``CAMPAIGN_EXPORT_HEADERS`` of the campaigns the user sees (as on the list page)."""
    today = today or timezone.localdate()
    names: dict[str, str] = {}
    for c in campaigns_for(user=user, filters=filters).select_related("created_by"):
        if c.grid_code not in names:
            names[c.grid_code] = area_name(c.grid_code)
        yield (c.pk, c.name, c.grid_code, names[c.grid_code], c.start_date, c.end_date, c.get_frequency_display(),
               campaign_state(c, today), str(c.created_by) if c.created_by else "", c.created_at)


def campaign_in_reach(*, user, pk) -> Campaign:
    try:
        campaign = campaigns_for(user=user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        campaign = None
    if campaign is None:
        raise NotFound(_("未找到该排查任务，或不在您的管辖范围内"))
    return campaign


def is_active_on(campaign: Campaign, date: dt.date) -> bool:
    return campaign.is_active and campaign.start_date <= date <= campaign.end_date


def default_area(*, user, campaign: Campaign) -> str:
    """Where a user starts on a campaign: its whole area if in reach, else their own part of it."""
    if user_can_reach(user, campaign.grid_code):
        return campaign.grid_code
    mine = [p for p in user.scope_prefixes if p.startswith(campaign.grid_code)]
    return mine[0] if len(mine) == 1 else campaign.grid_code


def area_in_campaign(*, user, campaign: Campaign, within: str = "") -> str:
    """The area prefix to show: inside the campaign, and in or on the way to the user's reach,
    down to a unit (whose rows are its households)."""
    code = (within or "").strip() or default_area(user=user, campaign=campaign)
    return area_in_reach(user=user, code=code, inside=campaign.grid_code, deepest=Level.UNIT).prefix


# --- Coverage ----------------------------------------------------------------------------------


@dataclass
class AreaCoverage:
    prefix: str
    name: str
    households_total: int = 0
    households_covered: int = 0
    persons_total: int = 0
    persons_covered: int = 0
    navigable: bool = True

    @property
    def opens(self) -> bool:
        """Whether the area links to its own coverage: navigable, and above a household."""
        return self.navigable and not is_household_code(self.prefix)

    @property
    def households_missing(self) -> int:
        return max(self.households_total - self.households_covered, 0)

    @property
    def household_share(self) -> float:
        return self.households_covered / self.households_total if self.households_total else 0.0

    @property
    def person_share(self) -> float:
        return self.persons_covered / self.persons_total if self.persons_total else 0.0

    @property
    def household_percent(self) -> int:
        return int(self.household_share * 100)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(level_of(self.prefix), "")


@dataclass
class Coverage:
    campaign: Campaign
    date: dt.date
    area: AreaCoverage
    children: list[AreaCoverage] = field(default_factory=list)


def _area_filter(qs, prefix: str, code_field: str):
    """Narrow a scoped queryset to ``prefix``: by grid code down to a grid, by household code below."""
    qs = qs.within(grid_code_of(prefix))
    if len(prefix) > GRID_CODE_LENGTH:
        qs = qs.filter(prefix_q(code_field, prefix))
    return qs


def _group(qs, *, code_field: str, child_len: int, **aggregates) -> dict[str, dict]:
    field_name = code_field if child_len > GRID_CODE_LENGTH else "grid_code"
    rows = qs.annotate(child=Substr(field_name, 1, child_len)).values("child").annotate(**aggregates).order_by()
    return {r["child"]: r for r in rows}


def _visited(*, user, campaign: Campaign, date: dt.date | None = None):
    qs = Visit.objects.restrict(user).filter(campaign=campaign, outcome=Visit.Outcome.VISITED)
    return qs.filter(date=date) if date else qs


def _declared_not_visited(*, user, campaign: Campaign, prefix: str, date_q: Q):
    """Declarations in the area whose household had no visited visit the same day (no double count)."""
    visited = Visit.objects.filter(
        campaign=campaign, outcome=Visit.Outcome.VISITED, household=OuterRef("household"), date=OuterRef("date")
    )
    qs = SelfDeclaration.objects.restrict(user).filter(date_q)
    return _area_filter(qs, prefix, "household__code").filter(~Exists(visited))


def _totals(*, user, prefix: str, child_len: int) -> dict[str, dict]:
    if child_len <= GRID_CODE_LENGTH:
        return _group(
            Grid.objects.restrict(user).within(prefix), code_field="code", child_len=child_len,
            households=Sum("household_count"), persons=Sum("resident_count"),
        )
    qs = _area_filter(Household.objects.restrict(user), prefix, "code")
    return _group(qs, code_field="code", child_len=child_len, households=Count("id"), persons=Sum("resident_count"))


def area_name(prefix: str) -> str:
    return area_names([prefix]).get(prefix, prefix)


def _counted(*, user, campaign: Campaign, prefix: str, key, **dates) -> dict:
    """The per-grid-day counters (``CoverageDay``) in ``prefix`` summed by ``key``."""
    qs = CoverageDay.objects.restrict(user).filter(campaign=campaign, **dates).within(prefix)
    rows = qs.annotate(key=key).values("key").annotate(h=Sum("households"), p=Sum("persons")).order_by()
    return {r["key"]: (r["h"] or 0, r["p"] or 0) for r in rows}


def coverage(*, user, campaign: Campaign, prefix: str, date: dt.date) -> Coverage:
    """Households and persons covered on ``date`` in ``prefix``, in total and by child area.

    Above a grid the children are grids or divisions: their figures are sums of the per-grid
    counters.  Inside a grid (buildings, units, doors) they are counted from the records."""
    child_len = child_length(prefix)
    totals = _totals(user=user, prefix=prefix, child_len=child_len)
    if child_len <= GRID_CODE_LENGTH:
        covered = _counted(user=user, campaign=campaign, prefix=prefix, key=Substr("grid_code", 1, child_len),
                           date=date)
        return _coverage_of(user=user, campaign=campaign, prefix=prefix, date=date, totals=totals, covered=covered)
    visits = _area_filter(_visited(user=user, campaign=campaign, date=date), prefix, "household__code")
    households = _group(visits, code_field="household__code", child_len=child_len, n=Count("id"))
    declared_households = _group(
        _declared_not_visited(user=user, campaign=campaign, prefix=prefix, date_q=Q(date=date)),
        code_field="household__code", child_len=child_len, n=Count("household", distinct=True),
    )
    present = MemberCheck.objects.restrict(user).filter(
        visit__campaign=campaign, visit__date=date, visit__outcome=Visit.Outcome.VISITED, present=True
    )
    persons = _group(_area_filter(present, prefix, "visit__household__code"), code_field="visit__household__code",
                     child_len=child_len, n=Count("id"))
    checked = MemberCheck.objects.filter(
        resident=OuterRef("resident"), present=True, visit__campaign=campaign, visit__date=date,
        visit__outcome=Visit.Outcome.VISITED,
    )
    declared_persons = _group(
        _area_filter(SelfDeclaration.objects.restrict(user).filter(date=date), prefix, "household__code")
        .filter(~Exists(checked)),
        code_field="household__code", child_len=child_len, n=Count("id"),
    )
    def n(rows, key, name="n"):
        return (rows.get(key) or {}).get(name) or 0

    covered = {
        key: (n(households, key) + n(declared_households, key), n(persons, key) + n(declared_persons, key))
        for key in set(households) | set(declared_households) | set(persons) | set(declared_persons)
    }
    return _coverage_of(user=user, campaign=campaign, prefix=prefix, date=date, totals=totals, covered=covered)


def _coverage_of(*, user, campaign: Campaign, prefix: str, date: dt.date, totals: dict[str, dict],
                 covered: dict[str, tuple[int, int]]) -> Coverage:
    keys = sorted(set(totals) | {k for k, (h, _p) in covered.items() if h})
    names = area_names(keys)
    children = [
        AreaCoverage(
            prefix=key, name=names.get(key, key),
            households_total=(totals.get(key) or {}).get("households") or 0,
            households_covered=covered.get(key, (0, 0))[0],
            persons_total=(totals.get(key) or {}).get("persons") or 0,
            persons_covered=covered.get(key, (0, 0))[1],
            navigable=user_can_navigate(user, key),
        )
        for key in keys
    ]
    area = AreaCoverage(
        prefix=prefix, name=area_name(prefix),
        households_total=sum(c.households_total for c in children),
        households_covered=sum(c.households_covered for c in children),
        persons_total=sum(c.persons_total for c in children),
        persons_covered=sum(c.persons_covered for c in children),
    )
    return Coverage(campaign=campaign, date=date, area=area, children=children)


@dataclass
class DayCoverage:
    date: dt.date
    households_covered: int
    households_total: int
    persons_covered: int
    persons_total: int

    @property
    def share(self) -> float:
        return self.households_covered / self.households_total if self.households_total else 0.0

    @property
    def percent(self) -> int:
        return int(self.share * 100)


def history(*, user, campaign: Campaign, prefix: str, until: dt.date | None = None) -> list[DayCoverage]:
    """Coverage day by day from the campaign's start to today (or its end): a day with no visits
    shows 0%, so a gap stays visible.  Totals are today's counters."""
    until = min(until or timezone.localdate(), campaign.end_date)
    if until < campaign.start_date:
        return []
    # Down to a grid the counters give the area's totals; below one, its households are counted.
    rows_len = len(prefix) if len(prefix) <= GRID_CODE_LENGTH else HOUSEHOLD_CODE_LENGTH
    totals = _totals(user=user, prefix=prefix, child_len=rows_len)
    households_total = sum(r["households"] or 0 for r in totals.values())
    persons_total = sum(r["persons"] or 0 for r in totals.values())
    if len(prefix) <= GRID_CODE_LENGTH:  # a grid or above: the per-grid counters, summed by day
        by_day = _counted(user=user, campaign=campaign, prefix=prefix, key=F("date"),
                          date__gte=campaign.start_date, date__lte=until)
        return [
            DayCoverage(date=day, households_covered=by_day.get(day, (0, 0))[0], households_total=households_total,
                        persons_covered=by_day.get(day, (0, 0))[1], persons_total=persons_total)
            for day in _days(campaign.start_date, until)
        ]
    dates = Q(date__gte=campaign.start_date, date__lte=until)
    visited = dict(
        _area_filter(_visited(user=user, campaign=campaign), prefix, "household__code").filter(dates)
        .values("date").annotate(n=Count("id")).order_by().values_list("date", "n")
    )
    declared = dict(
        _declared_not_visited(user=user, campaign=campaign, prefix=prefix, date_q=dates)
        .values("date").annotate(n=Count("household", distinct=True)).order_by().values_list("date", "n")
    )
    present = dict(
        _area_filter(MemberCheck.objects.restrict(user), prefix, "visit__household__code")
        .filter(visit__campaign=campaign, visit__outcome=Visit.Outcome.VISITED, present=True,
                visit__date__gte=campaign.start_date, visit__date__lte=until)
        .values("visit__date").annotate(n=Count("id")).order_by().values_list("visit__date", "n")
    )
    checked = MemberCheck.objects.filter(
        resident=OuterRef("resident"), present=True, visit__campaign=campaign, visit__date=OuterRef("date"),
        visit__outcome=Visit.Outcome.VISITED,
    )
    self_declared = dict(
        _area_filter(SelfDeclaration.objects.restrict(user).filter(dates), prefix, "household__code")
        .filter(~Exists(checked)).values("date").annotate(n=Count("id")).order_by().values_list("date", "n")
    )
    return [
        DayCoverage(
            date=day, households_covered=visited.get(day, 0) + declared.get(day, 0), households_total=households_total,
            persons_covered=present.get(day, 0) + self_declared.get(day, 0), persons_total=persons_total,
        )
        for day in _days(campaign.start_date, until)
    ]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --- What is still missing ---------------------------------------------------------------------


def missing_queryset(*, user, campaign: Campaign, prefix: str, date: dt.date):
    """Households in ``prefix`` with no visited visit and no declaration on ``date``, in code order
    (grid > building > unit > door), each annotated with ``attempt``: the outcome of a visit that
    did not cover it ("nobody_home", "refused") or None."""
    day_visits = Visit.objects.filter(campaign=campaign, household=OuterRef("pk"), date=date)
    declared = SelfDeclaration.objects.filter(household=OuterRef("pk"), date=date)
    qs = _area_filter(Household.objects.restrict(user), prefix, "code")
    return (
        qs.filter(~Exists(day_visits.filter(outcome=Visit.Outcome.VISITED)), ~Exists(declared))
        .annotate(attempt=Subquery(day_visits.values("outcome")[:1]))
        .select_related("unit__building__grid")
        .order_by("grid_code", "code", "id")
    )


def missing_count(*, user, campaign: Campaign, prefix: str, date: dt.date) -> int:
    """How many households ``missing_queryset`` holds: from the counters down to a grid (households
    minus those covered), counted inside one."""
    if len(prefix) <= GRID_CODE_LENGTH:
        return coverage(user=user, campaign=campaign, prefix=prefix, date=date).area.households_missing
    return missing_queryset(user=user, campaign=campaign, prefix=prefix, date=date).count()


@dataclass
class MissingPage:
    items: list
    next_cursor: str | None


def missing_page(*, user, campaign: Campaign, prefix: str, date: dt.date, cursor: str = "",
                 limit: int | None = None) -> MissingPage:
    """One keyset page of missing households; the cursor is the last household's code."""
    limit = min(limit or settings.WANGGE_PAGE_SIZE, MAX_MISSING_PAGE)
    qs = missing_queryset(user=user, campaign=campaign, prefix=prefix, date=date)
    if cursor:
        if not is_household_code(cursor):
            raise NotFound(_("分页游标无效"))
        # The plain grid_code bound lets the (grid_code, code) index start at the cursor.
        qs = qs.filter(grid_code__gte=grid_code_of(cursor), code__gt=cursor)
    rows = list(qs[: limit + 1])
    next_cursor = rows[limit - 1].code if len(rows) > limit else None
    return MissingPage(items=rows[:limit], next_cursor=next_cursor)


def next_household(*, user, campaign: Campaign, household: Household, date: dt.date) -> Household | None:
    """The next door to knock on: a household not yet tried today, in the same unit, else the same
    building, else the same grid; up the stairwell first, then from the bottom again."""
    tried = Visit.objects.filter(campaign=campaign, household=OuterRef("pk"), date=date)
    code = household.code
    for prefix in (prefix_at(code, Level.UNIT), prefix_at(code, Level.BUILDING), prefix_at(code, Level.GRID)):
        qs = missing_queryset(user=user, campaign=campaign, prefix=prefix, date=date).filter(~Exists(tried)).exclude(
            pk=household.pk
        )
        found = qs.filter(code__gt=code).first() or qs.first()
        if found is not None:
            return found
    return None


@dataclass
class UnitProgress:
    unit_id: int
    building: str
    unit: str
    grid_code: str
    households: int
    missing: int
    first_missing_id: int | None


def units_progress(*, user, campaign: Campaign, prefix: str, date: dt.date) -> list[UnitProgress]:
    """Per unit (stairwell) of a grid or smaller: households and how many are still missing today."""
    qs = _area_filter(Household.objects.restrict(user), prefix, "code")
    missing = {h.pk: h for h in missing_queryset(user=user, campaign=campaign, prefix=prefix, date=date)}
    first_missing: dict[int, int] = {}
    for h in sorted(missing.values(), key=lambda h: h.code):
        first_missing.setdefault(h.unit_id, h.pk)
    rows = (
        qs.values("unit_id", "unit__name", "unit__building__name", "unit__code", "grid_code")
        .annotate(households=Count("id"))
        .order_by("unit__code")
    )
    counts: dict[int, int] = {}
    for h in missing.values():
        counts[h.unit_id] = counts.get(h.unit_id, 0) + 1
    return [
        UnitProgress(
            unit_id=r["unit_id"], building=r["unit__building__name"], unit=r["unit__name"], grid_code=r["grid_code"],
            households=r["households"], missing=counts.get(r["unit_id"], 0),
            first_missing_id=first_missing.get(r["unit_id"]),
        )
        for r in rows
    ]


# --- Risk reports: answers that need checking (the 风险线索 gap list) --------------------------


def risks_open(*, user, within: str = "") -> QuerySet:
    """Risk reports nobody has checked yet, in reach (all when ``user`` is None), oldest first."""
    qs = RiskReport.objects.all() if user is None else RiskReport.objects.restrict(user)
    if within:
        qs = qs.within(within)
    return qs.filter(handled_at__isnull=True).order_by("reported_at", "id")


def _risk_detail(report: RiskReport) -> str:
    detail = f"{report.get_kind_display()}（{report.get_source_display()}）"
    return f"{detail}，来自{report.arrived_from}" if report.arrived_from else detail


def risk_entries(rows, now) -> list[GapEntry]:
    rows = rows.select_related("resident__household") if hasattr(rows, "select_related") else rows
    return [GapEntry("risks_unchecked", r.resident, r.grid_code, r.reported_at, now - r.reported_at, r.pk,
                     _risk_detail(r)) for r in rows]


def risk_stale(*, older_than: dt.timedelta, now) -> list[GapEntry]:
    return risk_entries(risks_open(user=None).filter(reported_at__lt=now - older_than), now)


def _risk_action(entry: GapEntry) -> GapAction:
    return GapAction(reverse("screening:risk", args=[entry.object_id]), gettext_lazy("核查"), post=False)


RISKS_UNCHECKED = GapList(
    "risks_unchecked", gettext_lazy("风险线索待核查"), gettext_lazy("应查尽查"), 60, rows=risks_open,
    entries=risk_entries, stale=risk_stale, action=_risk_action,
)


def risk_detail(*, actor: Actor, pk) -> RiskReport:
    """Open a risk report: it names a person and what they said, so the read is audited."""
    try:
        report = RiskReport.objects.restrict(actor.user).select_related("resident__household", "handled_by").get(pk=pk)
    except (RiskReport.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("未找到该线索，或不在您的管辖范围内"), code="risk_report_not_found") from None
    audit.record(actor=actor, action=AuditAction.VIEW, obj=report, object_repr=report.resident.name)
    return report


class ArrivalFilters(Filters):
    """Arrivals by where they came from (page and API): an area and how many days back."""

    within: CodeFilter = ""
    days: Annotated[int, Field(ge=1, le=60)] = 14

    labels: ClassVar = {"within": gettext_lazy("区域代码"), "days": gettext_lazy("天数")}


@dataclass
class Arrivals:
    since: dt.date
    total: int
    by_origin: list[tuple[str, int]]  # (where from, how many people), most first; "" is not said


def arrivals_by_origin(*, user, within: str = "", days: int = 14, today: dt.date | None = None) -> Arrivals:
    """People in reach who said they had been to a medium or high-risk area in the last ``days``
    days, counted by where they said they came from (one person once, whatever they said last)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    qs = RiskReport.objects.restrict(user).filter(kind=RiskReport.Kind.RISK_AREA, date__gte=since, date__lte=today)
    if within:
        qs = qs.within(within)
    latest: dict[int, str] = {}
    for resident_id, origin in qs.order_by("date", "id").values_list("resident_id", "arrived_from"):
        latest[resident_id] = origin.strip() or latest.get(resident_id, "")
    counts: dict[str, int] = {}
    for origin in latest.values():
        counts[origin] = counts.get(origin, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return Arrivals(since=since, total=len(latest), by_origin=ordered)


# --- Data checks (registered in ``screening.datachecks``) -----------------------------------------


def visits_dated_in_the_future(*, user, filters: DataCheckFilters, today: dt.date):
    """Door-to-door visits in reach dated after today."""
    qs = Visit.objects.restrict(user).select_related("household", "campaign")
    if filters.within:
        qs = qs.within(filters.within)
    return qs.filter(date__gt=today).order_by("grid_code", "id")


def declarations_dated_in_the_future(*, user, filters: DataCheckFilters, today: dt.date):
    """Self-declarations in reach dated after today."""
    qs = SelfDeclaration.objects.restrict(user).select_related("resident", "household")
    if filters.within:
        qs = qs.within(filters.within)
    return qs.filter(date__gt=today).order_by("grid_code", "id")
