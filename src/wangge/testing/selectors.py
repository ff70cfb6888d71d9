"""Reads of 全员核酸, always narrowed to the acting user's reach.

A round is read with ``serving`` (a street's round is open to the grid workers in it, like a shared
facility); what it counts (people, samples, tubes) is narrowed to the reader's reach with
``restrict``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.errors import NotFound
from wangge.core.filters import Filters, SearchText
from wangge.grid.models import Grid
from wangge.people.models import Resident
from wangge.testing.models import (
    Control,
    Exemption,
    Round,
    Sample,
    SamplingPoint,
    SamplingTask,
    Tube,
)

# --- Rounds ------------------------------------------------------------------------------------


def round_queryset(*, user) -> QuerySet[Round]:
    return Round.objects.serving(user, "testing.view").order_by("-starts_on", "-id")


def round_in_reach(*, user, pk) -> Round:
    """A round the user serves; missing and out of reach are the same NotFound."""
    try:
        return round_queryset(user=user).get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该检测轮次，或不在您的管辖范围内")) from None


def step_days(rnd: Round) -> int | None:
    """Days between the sittings of a round; None for a round of one day."""
    return {Round.Repeat.ONCE: None, Round.Repeat.DAILY: 1, Round.Repeat.EVERY_OTHER: 2}.get(
        rnd.repeat, max(1, rnd.every_days or 1))


def round_day(rnd: Round, today: dt.date | None = None) -> dt.date:
    """The day of the round's sitting that ``today`` belongs to: its last scheduled day not after
    ``today`` (the first before it starts, the last once it has ended)."""
    today = today or timezone.localdate()
    step = step_days(rnd)
    if step is None or today <= rnd.starts_on:
        return rnd.starts_on
    if rnd.ends_on and today > rnd.ends_on:
        today = rnd.ends_on
    return rnd.starts_on + dt.timedelta(days=((today - rnd.starts_on).days // step) * step)


def pool_size(rnd: Round) -> int:
    """People per pooled tube in this round: its own choice, else its control level's."""
    if rnd.pool_size:
        return rnd.pool_size
    return int(settings.WANGGE_TESTING_POOLING.get(rnd.control_level, 10)) or 1


def point_queryset(*, user, rnd: Round) -> QuerySet[SamplingPoint]:
    return SamplingPoint.objects.restrict(user, "testing.view").filter(round=rnd).order_by("name", "id")


def point_in_reach(*, user, pk) -> SamplingPoint:
    try:
        return SamplingPoint.objects.restrict(user, "testing.view").select_related("round", "building").get(pk=pk)
    except (SamplingPoint.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该采样点，或不在您的管辖范围内")) from None


def tube_in_reach(*, user, pk) -> Tube:
    try:
        return Tube.objects.restrict(user, "testing.view").select_related("round", "point").get(pk=pk)
    except (Tube.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该采样管，或不在您的管辖范围内")) from None


def open_tube(*, point: SamplingPoint, user) -> Tube | None:
    """The pooled tube this sampler is filling at this point, if any."""
    return (Tube.objects.filter(point=point, opened_by=user, status=Tube.Status.OPEN, capacity__gt=1)
            .order_by("-id").first())


# --- Who gets a single tube ----------------------------------------------------------------------


def single_tube_ids(resident_ids) -> set[int]:
    """Those of ``resident_ids`` who always get a single tube: key groups, people in the four-category
    loop or under a quarantine order, members of a positive pool still under control."""
    from wangge.health.models import MONITORED_STATUSES, EpidemicStatus, PersonStatus
    from wangge.people.models import ResidentTag
    from wangge.quarantine.models import QuarantineOrder

    ids = list(resident_ids)
    if not ids:
        return set()
    tags = ResidentTag.objects.filter(resident_id__in=ids)
    if settings.WANGGE_TESTING_SINGLE_TUBE_TAGS is not None:
        tags = tags.filter(tag__code__in=settings.WANGGE_TESTING_SINGLE_TUBE_TAGS)
    out = set(tags.values_list("resident_id", flat=True))
    loop = [*MONITORED_STATUSES, EpidemicStatus.CONFIRMED]
    out |= set(PersonStatus.objects.filter(resident_id__in=ids, status__in=loop).values_list("resident_id", flat=True))
    out |= set(QuarantineOrder.objects.filter(resident_id__in=ids, status=QuarantineOrder.Status.ACTIVE)
               .values_list("resident_id", flat=True))
    out |= set(Control.objects.filter(resident_id__in=ids, ended_at__isnull=True).values_list("resident_id", flat=True))
    return out


def at_home_under_control(resident_ids) -> set[int]:
    """Those of ``resident_ids`` under an active order in its home phase: sampled at their door."""
    from wangge.quarantine.models import QuarantineOrder

    return set(QuarantineOrder.objects.filter(
        resident_id__in=list(resident_ids), status=QuarantineOrder.Status.ACTIVE, phase=QuarantineOrder.Phase.HOME,
    ).values_list("resident_id", flat=True))


def colour_facts(resident_ids) -> dict[int, list[tuple[str, str, object]]]:
    """Testing's facts that colour a code (answered to ``codes.hooks.colour_facts``): a member of a
    positive pool is yellow until their single-tube retest is negative."""
    out: dict[int, list[tuple[str, str, object]]] = {}
    for rid in Control.objects.filter(resident_id__in=list(resident_ids), ended_at__isnull=True).values_list(
            "resident_id", flat=True).distinct():
        out[rid] = [("y", "positive_pool", _("混管阳性，待单管复检"))]
    return out


# --- The plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    population: int
    points_min: int
    points_max: int
    samplers: int
    points: int  # points set up so far
    staffed_samplers: int  # samplers at them
    hours: float  # expected hours to sample everyone with the samplers at hand (or planned)
    pool_size: int


def round_plan(*, user, rnd: Round) -> Plan:
    """Points and samplers the area needs by the national guidance, from the registry's population,
    and the hours it takes with the samplers set up (the planned number until there are any)."""
    population = Grid.objects.within(rnd.grid_code).aggregate(n=Sum("resident_count"))["n"] or 0
    low, high = settings.WANGGE_TESTING_PEOPLE_PER_POINT
    samplers = math.ceil(population / settings.WANGGE_TESTING_PEOPLE_PER_SAMPLER)
    points = SamplingPoint.objects.filter(round=rnd).aggregate(n=Count("id"), s=Sum("samplers"))
    staffed = points["s"] or 0
    rate = max(1, settings.WANGGE_TESTING_SWABS_PER_HOUR) * max(1, staffed or samplers)
    return Plan(population=population, points_min=math.ceil(population / high), points_max=math.ceil(population / low),
                samplers=samplers, points=points["n"], staffed_samplers=staffed,
                hours=round(population / rate, 1) if population else 0.0, pool_size=pool_size(rnd))


# --- Figures: pooling saved, turnaround --------------------------------------------------------


@dataclass(frozen=True)
class Saving:
    people: int  # people sampled (each counted once a day)
    tubes: int  # tubes tested (pooled and single, retests included)
    pooled_tubes: int
    positive_pools: int
    saved: int  # tests saved against one tube a person
    prevalence: float  # estimated from the positive pools (per person)
    expected_tests: float  # Dorfman's expected tests at that prevalence and the round's pool size


def pooling_saving(*, user, rnd: Round) -> Saving:
    samples = Sample.objects.restrict(user, "testing.view").filter(round=rnd, repeat=False)
    tubes = Tube.objects.restrict(user, "testing.view").filter(round=rnd)
    people = samples.count()
    figures = tubes.aggregate(
        n=Count("id"), pooled=Count("id", filter=Q(capacity__gt=1)),
        pooled_done=Count("id", filter=Q(capacity__gt=1) & Q(result__in=[Tube.Result.NEGATIVE, Tube.Result.POSITIVE])),
        positive=Count("id", filter=Q(capacity__gt=1, result=Tube.Result.POSITIVE)),
    )
    k = pool_size(rnd)
    rate = figures["positive"] / figures["pooled_done"] if figures["pooled_done"] else 0.0
    prevalence = 1 - (1 - rate) ** (1 / k) if k > 1 else rate
    expected = people * (1 / k + 1 - (1 - prevalence) ** k) if k > 1 else float(people)
    return Saving(people=people, tubes=figures["n"], pooled_tubes=figures["pooled"],
                  positive_pools=figures["positive"], saved=max(0, people - figures["n"]),
                  prevalence=round(prevalence, 6), expected_tests=round(expected, 1))


@dataclass
class Turnaround:
    key: str
    tubes: int = 0
    to_lab: list[float] = field(default_factory=list)  # minutes, closed > received
    in_lab: list[float] = field(default_factory=list)  # minutes, received > result

    @staticmethod
    def _mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    @property
    def to_lab_minutes(self) -> float | None:
        return self._mean(self.to_lab)

    @property
    def in_lab_minutes(self) -> float | None:
        return self._mean(self.in_lab)


def turnaround(*, user, rnd: Round, by: str = "point") -> list[Turnaround]:
    """Mean minutes from sampling (the tube sealed) to the lab receiving it, and from receipt to the
    result, per sampling point or per lab; each tube read once as a tuple."""
    rows: dict[str, Turnaround] = {}
    key_field = "point__name" if by == "point" else "lab"
    qs = (Tube.objects.restrict(user, "testing.view").filter(round=rnd)
          .values_list(key_field, "closed_at", "received_at", "resulted_at").order_by())
    for key, closed, received, resulted in qs.iterator(chunk_size=5000):
        row = rows.setdefault(key or "", Turnaround(key or ""))
        row.tubes += 1
        if closed and received:
            row.to_lab.append((received - closed).total_seconds() / 60)
        if received and resulted:
            row.in_lab.append((resulted - received).total_seconds() / 60)
    return sorted(rows.values(), key=lambda r: r.key)


# --- Coverage (应检尽检) -------------------------------------------------------------------------


class UntestedFilters(Filters):
    """The untested list's filters (page, API and export alike)."""

    building: SearchText = ""


def _sampled(rnd: Round, day: dt.date):
    return Sample.objects.filter(round=rnd, day=day, repeat=False).values("resident_id")


def _away(rnd: Round):
    return Exemption.objects.filter(round=rnd, kind=Exemption.Kind.AWAY).values("resident_id")


def untested_queryset(*, user, rnd: Round, day: dt.date | None = None,
                      filters: UntestedFilters | None = None) -> QuerySet[Resident]:
    """Who in the round's area (and the user's reach) has not been sampled on the round's day, those
    away excluded; bedridden people stay on it until sampled at their door."""
    day = day or round_day(rnd)
    qs = (Resident.objects.restrict(user, "testing.view").within(rnd.grid_code)
          .exclude(pk__in=_sampled(rnd, day)).exclude(pk__in=_away(rnd)))
    if filters and filters.building:
        qs = qs.filter(household__unit__building__name=filters.building.replace("\x00", ""))
    return qs.select_related("household__unit__building").order_by("grid_code", "id")


@dataclass(frozen=True)
class UnitGap:
    building: str
    unit: str
    untested: int


@dataclass(frozen=True)
class Coverage:
    day: dt.date
    population: int
    sampled: int
    away: int
    bedridden: int
    untested: int
    by_unit: list[UnitGap]

    @property
    def percent(self) -> float:
        due = self.population - self.away
        return round(100 * self.sampled / due, 1) if due else 100.0


def coverage(*, user, rnd: Round, day: dt.date | None = None) -> Coverage:
    """The round's coverage on its day, live: in the area and the user's reach."""
    day = day or round_day(rnd)
    people = Resident.objects.restrict(user, "testing.view").within(rnd.grid_code)
    untested = untested_queryset(user=user, rnd=rnd, day=day)
    by_unit = (untested.order_by().values("household__unit__building__name", "household__unit__name",
                                          "household__unit__code")
               .annotate(n=Count("id")).order_by("household__unit__code"))
    exempt = Exemption.objects.restrict(user, "testing.view").filter(round=rnd).aggregate(
        away=Count("id", filter=Q(kind=Exemption.Kind.AWAY)),
        bedridden=Count("id", filter=Q(kind=Exemption.Kind.BEDRIDDEN)))
    gaps = [UnitGap(r["household__unit__building__name"], r["household__unit__name"], r["n"]) for r in by_unit]
    return Coverage(day=day, population=people.count(),
                    sampled=Sample.objects.restrict(user, "testing.view").within(rnd.grid_code)
                    .filter(round=rnd, day=day, repeat=False).count(),
                    away=exempt["away"], bedridden=exempt["bedridden"], untested=sum(g.untested for g in gaps),
                    by_unit=gaps)


def exemptions_by_resident(rnd: Round, resident_ids) -> dict[int, Exemption]:
    return {e.resident_id: e for e in Exemption.objects.filter(round=rnd, resident_id__in=list(resident_ids))}


# --- Tasks, recall lists, history --------------------------------------------------------------


def task_queryset(*, user, rnd: Round | None = None, tube: Tube | None = None) -> QuerySet[SamplingTask]:
    qs = SamplingTask.objects.restrict(user, "testing.view")
    if rnd is not None:
        qs = qs.filter(round=rnd)
    if tube is not None:
        qs = qs.filter(tube=tube)
    return qs.select_related("resident__household").order_by("grid_code", "id")


def positive_tubes(*, user, rnd: Round) -> QuerySet[Tube]:
    return (Tube.objects.restrict(user, "testing.view").filter(round=rnd, result=Tube.Result.POSITIVE)
            .select_related("point").order_by("grid_code", "id"))


def test_history(resident) -> QuerySet[Sample]:
    """Every sample of a person, newest first, with its tube's result, round and point (the resident
    page and the resident portal show it; the caller has already read the person in reach)."""
    return (Sample.objects.filter(resident=resident).select_related("tube__point", "round")
            .order_by("-sampled_at", "-id"))


def resident_test_history(*, actor, pk: int) -> tuple[Resident, list[Sample]]:
    """A resident's record (in reach, the read audited like the resident page) and every sample of
    theirs, for the staff page of their mass-testing history."""
    from wangge.people.selectors import resident_detail

    resident = resident_detail(actor=actor, pk=pk)
    return resident, list(test_history(resident))


def samples_by_point(*, user, point: SamplingPoint, day: dt.date) -> dict[str, int]:
    qs = Sample.objects.filter(tube__point=point, day=day)
    return qs.aggregate(people=Count("id", filter=Q(repeat=False)), repeats=Count("id", filter=Q(repeat=True)),
                        tubes=Count("tube", distinct=True))


def recent_samples(*, point: SamplingPoint, user) -> QuerySet[Sample]:
    """This sampler's samples at this point today, newest first (the page shows a keyset page)."""
    return (Sample.objects.filter(tube__point=point, by=user, day=timezone.localdate())
            .select_related("resident", "tube").order_by("-id"))


# --- Exposures (answered to ``tracing.hooks.exposures``) -----------------------------------------

# People sampled at the same point within this many minutes of the case stood in its queue.
QUEUE_MINUTES = 10


def exposures(*, user, resident, since, until) -> list:
    """Who shared a tube pool with the case (rank 10, close) or stood in the same point's queue
    within ``QUEUE_MINUTES`` of them (rank 25, secondary), between ``since`` and ``until``; residents
    in ``user``'s reach only, never the case."""
    from wangge.tracing.hooks import Exposure

    own = list(Sample.objects.filter(resident=resident, sampled_at__gte=since, sampled_at__lte=until)
               .values_list("tube_id", "tube__point_id", "tube__point__name", "sampled_at"))
    if not own:
        return []
    reach = Sample.objects.restrict(user, "testing.view").exclude(resident=resident)
    out, seen = [], set()
    pool_label, queue_label = str(_("同一混管")), str(_("同一采样点排队"))
    for tube_id, _point, name, _at in own:
        for rid, when in reach.filter(tube_id=tube_id).values_list("resident_id", "sampled_at"):
            if (rid, "tube_pool") not in seen:
                seen.add((rid, "tube_pool"))
                out.append(Exposure(rid, "tube_pool", pool_label, 10, "close", when, name))
    window = dt.timedelta(minutes=QUEUE_MINUTES)
    for _tube, point_id, name, at in own:
        queue = reach.filter(tube__point_id=point_id, sampled_at__gte=at - window, sampled_at__lte=at + window)
        for rid, when in queue.values_list("resident_id", "sampled_at"):
            if (rid, "tube_pool") not in seen and (rid, "sampling_queue") not in seen:
                seen.add((rid, "sampling_queue"))
                out.append(Exposure(rid, "sampling_queue", queue_label, 25, "secondary", when, name))
    return out
