"""Demo data of the four categories: people in every status across the city, the transitions that
brought them there over the last days, and twice-daily monitoring reports, so the board, the gap
lists and the daily table look alive.  Written with bulk_create: fast whatever the population."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from wangge.health.models import (
    MONITORED_STATUSES,
    EpidemicStatus,
    HealthReport,
    PersonStatus,
    Severity,
    StatusTransition,
)
from wangge.people.models import Resident

S = EpidemicStatus
# How each demo person reached their status: the chain of statuses after "none".
PATHS = {
    S.CONFIRMED: [S.FEVER, S.CONFIRMED],
    S.SUSPECTED: [S.FEVER, S.SUSPECTED],
    S.FEVER: [S.FEVER],
    S.CLOSE_CONTACT: [S.CLOSE_CONTACT],
    S.SECONDARY_CONTACT: [S.SECONDARY_CONTACT],
    S.EXCLUDED: [S.FEVER, S.EXCLUDED],
    S.RECOVERED: [S.CONFIRMED, S.RECOVERED],
}
DEMO_COUNTS = {
    S.CONFIRMED: 8, S.SUSPECTED: 10, S.FEVER: 16, S.CLOSE_CONTACT: 40, S.SECONDARY_CONTACT: 20,
    S.EXCLUDED: 10, S.RECOVERED: 4,
}
REASONS = {
    S.FEVER: "入户排查发现发热", S.SUSPECTED: "发热门诊初筛，CT影像异常", S.CONFIRMED: "核酸检测阳性",
    S.CLOSE_CONTACT: "流调判定为密切接触者", S.SECONDARY_CONTACT: "流调判定为次密切接触者",
    S.EXCLUDED: "两次核酸阴性，排除", S.RECOVERED: "连续两次核酸阴性，治愈出院",
}
EVIDENCE = {
    S.SUSPECTED: {"diagnosis": "肺部磨玻璃影"}, S.CONFIRMED: {"test_result": "核酸阳性"},
    S.EXCLUDED: {"test_result": "两次核酸阴性"}, S.RECOVERED: {"test_result": "连续两次核酸阴性"},
}
# Ids of one outbreak's people lie within this many ids of each other: a few buildings.
CLUSTER_SPAN = 600


def sample_residents(rng: random.Random, n: int, *, within: str = "", clusters: int = 0) -> list[tuple[int, str]]:
    """``n`` distinct residents, (id, grid_code), drawn by id without reading the whole table.

    With ``clusters``, people are drawn near that many random residents (ids run building by
    building), so cases gather in a few compounds as outbreaks do."""
    qs = Resident.objects.within(within) if within else Resident.objects.all()
    bounds = qs.aggregate(lo=Min("id"), hi=Max("id"))
    # Nobody already in the loop (a person has one status row).
    qs = qs.exclude(id__in=PersonStatus.objects.values("resident_id"))
    if bounds["lo"] is None:
        return []
    found: dict[int, str] = {}
    for _attempt in range(20):
        need = n - len(found)
        if need <= 0:
            break
        if clusters:
            centres = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(clusters)]
            ids = {rng.choice(centres) + rng.randint(0, CLUSTER_SPAN) for _ in range(need * 2)} - found.keys()
        else:
            ids = {rng.randint(bounds["lo"], bounds["hi"]) for _ in range(need * 2)} - found.keys()
        rows = sorted(qs.filter(id__in=ids).values_list("id", "grid_code"))
        for pk, grid_code in rng.sample(rows, min(need, len(rows))):
            found[pk] = grid_code
    people = sorted(found.items())
    rng.shuffle(people)
    return people


def seed_statuses(
    *, rng: random.Random, today: dt.date, counts: dict[str, int], days: int = 14, reason_prefix: str = "",
    within: str = "", by=None, clusters: int = 0,
) -> tuple[int, int]:
    """Put randomly drawn residents into statuses, with their transitions spread over ``days`` days
    before ``today``; returns (people, transitions).  Also used by the bench at 30,000 people."""
    people = sample_residents(rng, sum(counts.values()), within=within, clusters=clusters)
    now = timezone.now()
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    statuses, transitions = [], []
    slots = [status for status, n in counts.items() for _ in range(n)]
    for (pk, grid_code), status in zip(people, slots, strict=False):
        path = PATHS[status]
        start = day_start - dt.timedelta(days=rng.randint(0, days - 1)) + dt.timedelta(minutes=rng.randint(0, 1439))
        at, previous = min(start, now), S.NONE
        severity = rng.choice([Severity.MILD, Severity.MILD, Severity.MODERATE, Severity.ASYMPTOMATIC,
                               Severity.SEVERE]) if status == S.CONFIRMED else ""
        for step in path:
            transitions.append(StatusTransition(
                resident_id=pk, grid_code=grid_code, from_status=previous, to_status=step,
                severity=severity if step == S.CONFIRMED else "", at=at, by=by,
                reason=f"{reason_prefix}{REASONS[step]}", evidence=EVIDENCE.get(step, {}),
            ))
            previous = step
            since = at
            at = min(at + dt.timedelta(hours=rng.randint(4, 40)), now)
        facts = {}
        if status == S.CONFIRMED and rng.random() < 0.7:
            facts["admitted_at"] = facts["isolated_at"] = min(since + dt.timedelta(hours=rng.randint(2, 20)), now)
        if status == S.SUSPECTED and rng.random() < 0.6:
            facts["isolated_at"] = min(since + dt.timedelta(hours=rng.randint(1, 10)), now)
        if status == S.FEVER and rng.random() < 0.5:
            facts["seen_by_doctor_at"] = min(since + dt.timedelta(hours=rng.randint(1, 8)), now)
        statuses.append(PersonStatus(resident_id=pk, grid_code=grid_code, status=status, severity=severity,
                                     since=since, **facts))
    PersonStatus.objects.bulk_create(statuses, batch_size=2000)
    # ``at`` is auto_now_add: bulk_create stamps it now, so the spread-out times are written after.
    times = [t.at for t in transitions]
    created = StatusTransition.objects.bulk_create(transitions, batch_size=2000)
    for obj, at in zip(created, times, strict=True):
        obj.at = at
    StatusTransition.objects.bulk_update(created, ["at"], batch_size=1000)
    return len(statuses), len(transitions)


def seed_reports(*, rng: random.Random, today: dt.date, days: int = 3) -> int:
    """Twice-daily reports of the last days for the people under monitoring (today's morning for most)."""
    monitored = list(PersonStatus.objects.filter(status__in=MONITORED_STATUSES).values_list("resident_id", "grid_code"))
    reports = []
    for pk, grid_code in monitored:
        for back in range(days, -1, -1):
            date = today - dt.timedelta(days=back)
            for slot in ("am", "pm"):
                if back == 0 and (slot == "pm" or rng.random() < 0.25):
                    continue  # today's afternoon is still to come; a few mornings are missing
                fever = rng.random() < 0.03
                temperature = Decimal(str(round(rng.uniform(37.3, 38.6) if fever else rng.uniform(36.0, 37.1), 1)))
                reports.append(HealthReport(
                    resident_id=pk, grid_code=grid_code, date=date, slot=slot, temperature=temperature,
                    symptoms=["干咳"] if fever and rng.random() < 0.5 else [],
                    source=rng.choice([HealthReport.Source.STAFF, HealthReport.Source.STAFF, HealthReport.Source.SELF]),
                ))
    HealthReport.objects.bulk_create(reports, batch_size=2000, ignore_conflicts=True)
    return len(reports)


def seed_demo(*, rng: random.Random, today) -> None:
    """A handful of people in each status across the demo city, and their monitoring reports."""
    if PersonStatus.objects.exists():
        return
    seed_statuses(rng=rng, today=today, counts=DEMO_COUNTS, days=10, clusters=3)
    seed_reports(rng=rng, today=today)
