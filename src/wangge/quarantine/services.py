"""Quarantine orders, their test schedules, results, extension and release; sites and rooms.

Rules that are decisions rather than facts of the regime, written down once here:

* **Schedule.** A regime's central test day ``d`` falls on ``start + (d - 1)``; its home test day
  ``d`` on ``start + central_days + (d - 1)``.  An order served entirely at home (place HOME)
  keeps the same schedule: the regime's "central" phase is then served at home, but the test rows
  keep the phase label "central" so a schedule reads the same wherever it is served.  The order's
  own ``phase`` says where the person is (HOME for a home order from the start).
* **Planned release** is ``start + total_days (+ extension days)``: the morning after the last day
  of quarantine.  7+3 from 1 March: last day 10 March, released on 11 March.
* **Occupancy** of a room is the number of ACTIVE orders in it that are still in the central phase:
  release and the move to the home phase free the bed, while the order keeps its site and room as
  history (the certificate names the site).
* **Extension** continues the last phase of the regime (home if it has one).  Its tests: one on the
  new last day and one every 3 days counting back from it inside the extension (the 3-day cadence
  of the home phases of "7+3" and "5+3").
* **Roles.** Command, community workers and the CDC place people in home or central quarantine;
  grid workers may place people in home quarantine only (central places are allocated by the
  street or district).  The same roles except grid workers extend, move to the home phase and
  release.  Test results may be recorded by the CDC (a lab system), command, community and grid
  workers; only the CDC and command may, on a positive result, mark the person suspected — for
  the others the positive result raises the CDC alert and the CDC decides.  The CDC and command
  correct a wrong result.
* **Results.**  A result is recorded on or after the test's due date, never before (``test_not_due``);
  a positive only when confirmed (the page's second step "确认阳性？").  A recorded result is never
  edited: a correction is a new ``TestResultEntry`` naming the one it corrects, with who, when and
  why, and the test's current result is the latest entry's (see ``test_result_correct`` for what
  follows a positive corrected either way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.permissions import can, require
from wangge.alerts.models import AlertKind
from wangge.alerts.services import alert_raise, alert_resolve, alert_resolve_except, alert_resolve_for
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import Level
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.grid.selectors import area_in_reach
from wangge.health import services as health
from wangge.health.models import EpidemicStatus
from wangge.health.transitions import is_allowed, status_action
from wangge.people.selectors import resident_in_reach
from wangge.quarantine import hooks
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime, Room, Site, TestResultEntry

Place = QuarantineOrder.Place
Phase = QuarantineOrder.Phase
Status = QuarantineOrder.Status
Result = QuarantineTest.Result

EXTENSION_TEST_EVERY = 3
MAX_EXTENSION_DAYS = 28
ORDER_AUDIT_FIELDS = ["status", "phase", "planned_release", "room_id", "extension_days", "certificate_number"]


def _user_or_none(actor: Actor):
    return actor.user if getattr(actor.user, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------------
# The schedule


@dataclass(frozen=True)
class ScheduledTest:
    phase: str
    day: int
    due_date: dt.date


def test_schedule(regime: Regime, start_date: dt.date, place: str = Place.CENTRAL) -> list[tuple[str, int, dt.date]]:
    """``[(phase, day, due_date), ...]`` for ``regime`` started on ``start_date``, in date order.

    ``place`` does not change the dates: a home order serves the central phase at home (see the
    module docstring), so the rows keep the regime's phase labels.
    """
    rows = [(Phase.CENTRAL.value, d, start_date + dt.timedelta(days=d - 1)) for d in regime.central_test_days]
    home_start = start_date + dt.timedelta(days=regime.central_days)
    rows += [(Phase.HOME.value, d, home_start + dt.timedelta(days=d - 1)) for d in regime.home_test_days]
    return sorted(rows, key=lambda r: (r[2], r[0] != Phase.CENTRAL))


test_schedule.__test__ = False  # a domain name, not a pytest test


def planned_release_for(regime: Regime, start_date: dt.date, extension_days: int = 0) -> dt.date:
    """The morning after the last day: ``start + total_days + extension_days``."""
    return start_date + dt.timedelta(days=regime.total_days + extension_days)


def extension_schedule(order: QuarantineOrder, days: int) -> list[tuple[str, int, dt.date]]:
    """The tests added by extending ``order`` by ``days`` (see the module docstring)."""
    regime = order.regime
    phase = Phase.HOME if regime.home_days else Phase.CENTRAL
    phase_start = order.start_date + dt.timedelta(days=regime.central_days if phase == Phase.HOME else 0)
    old_last = order.planned_release - dt.timedelta(days=1)
    new_last = old_last + dt.timedelta(days=days)
    rows = []
    offset = 0
    while offset < days:
        due = new_last - dt.timedelta(days=offset)
        rows.append((phase.value, (due - phase_start).days + 1, due))
        offset += EXTENSION_TEST_EVERY
    return sorted(rows, key=lambda r: r[2])


# ---------------------------------------------------------------------------------------------------
# Lookups inside the actor's reach


def order_in_reach(*, user, pk: int, for_update: bool = False) -> QuarantineOrder:
    qs = QuarantineOrder.objects.restrict(user)
    try:
        order = qs.get(pk=pk)
    except (QuarantineOrder.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该隔离令，或不在您的管辖范围内")) from None
    if for_update:
        order = QuarantineOrder.objects.select_for_update().get(pk=order.pk)
    return order


def site_in_reach(*, user, pk: int) -> Site:
    try:
        return Site.objects.serving(user).get(pk=pk)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该隔离点，或不在您的管辖范围内")) from None


def regime_by_code(code: str) -> Regime:
    try:
        return Regime.objects.get(code=code, is_active=True)
    except Regime.DoesNotExist:
        raise ValidationFailed(
            _("隔离方案“%(code)s”不存在或未启用") % {"code": code},
            code="unknown_regime",
            errors={"regime_code": _("无效")},
        ) from None


def room_occupancy(room_ids) -> dict[int, int]:
    """Beds taken per room: ACTIVE orders in the room that are still in the central phase."""
    rows = (
        QuarantineOrder.objects.filter(room_id__in=list(room_ids), status=Status.ACTIVE, phase=Phase.CENTRAL)
        .values("room_id").annotate(n=Count("id"))
    )
    return {r["room_id"]: r["n"] for r in rows}


def _occupying(room: Room) -> int:
    return QuarantineOrder.objects.filter(room=room, status=Status.ACTIVE, phase=Phase.CENTRAL).count()


def first_free_room(*, user, site_id: int, skip: set[int] | None = None) -> Room:
    """The first room (by number) of a site in reach with a free bed."""
    site = site_in_reach(user=user, pk=site_id)
    rooms = list(site.rooms.filter(is_active=True).exclude(pk__in=skip or set()).order_by("number", "pk"))
    taken = room_occupancy(r.pk for r in rooms)
    for room in rooms:
        if taken.get(room.pk, 0) < room.capacity:
            return room
    raise Conflict(_("隔离点“%(site_name)s”已无空余床位") % {"site_name": site.name}, code="site_full")


# ---------------------------------------------------------------------------------------------------
# Orders


@transaction.atomic
def quarantine_order_create(
    *,
    actor: Actor,
    resident_id: int,
    regime_code: str,
    place: str,
    site_id: int | None = None,
    room_id: int | None = None,
    start_date: dt.date | None = None,
    reason: str,
    contact=None,
) -> QuarantineOrder:
    """Place a resident in reach under quarantine, with the regime's test schedule."""
    user = actor.user
    resident = resident_in_reach(user=user, pk=resident_id)  # out of reach is 404 before any role question
    require(user, "quarantine.order")
    if place not in Place.values:
        raise ValidationFailed(_("隔离方式应为居家隔离或集中隔离"), code="invalid_place", errors={"place": _("无效")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写隔离原因"), code="reason_required", errors={"reason": _("必填")})
    regime = regime_by_code(regime_code)
    start_date = start_date or timezone.localdate()

    # One active order per person: lock the person's orders while deciding.
    existing = (
        QuarantineOrder.objects.select_for_update().filter(resident=resident, status=Status.ACTIVE).first()
    )
    if existing is not None:
        raise Conflict(
            _("%(name)s 已在隔离中（隔离令 %(order_id)s，%(place)s，计划 %(planned_release)s 解除），不能重复下达") % {
                "name": resident.name,
                "order_id": existing.pk,
                "place": existing.get_place_display(),
                "planned_release": format(existing.planned_release, '%Y-%m-%d'),
            },
            code="already_quarantined", errors={"resident_id": _("隔离令 %(order_id)s") % {"order_id": existing.pk}},
        )

    site = room = None
    if place == Place.CENTRAL:
        require(user, "quarantine.order.central")
        if not regime.central_days:
            raise ValidationFailed(
                _("该隔离方案没有集中隔离期"),
                code="regime_has_no_central_phase",
                errors={"place": _("无效")},
            )
        if not site_id or not room_id:
            raise ValidationFailed(_("集中隔离须指定隔离点和房间"), code="room_required", errors={"room_id": _("必填")})
        site = site_in_reach(user=user, pk=site_id)
        try:
            room = Room.objects.select_for_update().get(pk=room_id, site=site, is_active=True)
        except (Room.DoesNotExist, ValueError, TypeError):
            raise NotFound(_("未找到该房间，或不在您的管辖范围内")) from None
        if _occupying(room) >= room.capacity:
            raise Conflict(
                _("房间已满：%(site_name)s %(room_number)s") % {"site_name": site.name, "room_number": room.number},
                code="room_full",
                errors={"room_id": _("房间已满")},
            )
    elif site_id or room_id:
        raise ValidationFailed(
            _("居家隔离不能指定隔离点房间"),
            code="room_not_for_home",
            errors={"room_id": _("居家隔离不分配房间")},
        )

    order = QuarantineOrder.objects.create(
        resident=resident, grid_code=resident.grid_code, regime=regime, place=place,
        phase=Phase.CENTRAL if place == Place.CENTRAL else Phase.HOME,
        site=site, room=room, start_date=start_date, planned_release=planned_release_for(regime, start_date),
        reason=reason[:200], contact=contact, created_by=_user_or_none(actor),
    )
    QuarantineTest.objects.bulk_create([
        QuarantineTest(order=order, grid_code=order.grid_code, phase=phase, day=day, due_date=due)
        for phase, day, due in test_schedule(regime, start_date, place)
    ])
    health.mark_isolated(resident=resident)
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=order, note=reason,
        changes=audit.diff({}, {
            "resident_id": resident.pk, "regime": regime.code, "place": place, "site_id": site and site.pk,
            "room_id": room and room.pk, "start_date": start_date.isoformat(),
            "planned_release": order.planned_release.isoformat(),
        }),
    )
    hooks.order_created.send(actor=actor, order=order)
    return order


# ---------------------------------------------------------------------------------------------------
# Test results: recorded once, corrected by new entries, never edited


def _test_in_reach(*, user, pk: int) -> QuarantineTest:
    try:
        test = QuarantineTest.objects.restrict(user).get(pk=pk)
    except (QuarantineTest.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该检测，或不在您的管辖范围内")) from None
    return QuarantineTest.objects.select_for_update().select_related("order__resident__household").get(pk=test.pk)


def _check_result(result: str) -> None:
    if result not in (Result.NEGATIVE, Result.POSITIVE):
        raise ValidationFailed(_("检测结果应为阴性或阳性"), code="invalid_result", errors={"result": _("无效")})


def _check_order_active(test: QuarantineTest) -> None:
    if test.order.status != Status.ACTIVE:
        raise Conflict(_("该隔离令已结束，不能再录入检测结果"), code="order_closed")


def _test_label(test: QuarantineTest) -> str:
    return f"{test.get_phase_display()} 第{test.day}天"


def _write_entry(
    *, actor: Actor, test: QuarantineTest, result: str, corrects: TestResultEntry | None = None, reason: str = "",
    note: str = "",
) -> TestResultEntry:
    """The one place a result is written: a new entry, the test's current result, the audit record."""
    now = timezone.now()
    before = test.result
    entry = TestResultEntry.objects.create(
        test=test, grid_code=test.grid_code, result=result, corrects=corrects, reason=reason,
        recorded_by=_user_or_none(actor), recorded_at=now,
    )
    test.result, test.result_at, test.recorded_by = result, now, entry.recorded_by
    test.save(update_fields=["result", "result_at", "sampled_at", "recorded_by"])
    changes = {f"test:{test.phase}:{test.day}": [before, result]}
    if corrects is not None:
        changes["result_entry"] = [corrects.pk, entry.pk]
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=test.order, field="test_result", changes=changes,
                 note="：".join(part for part in (_test_label(test), note, reason) if part))
    return entry


def _current_entry(test: QuarantineTest) -> TestResultEntry:
    """The entry the test's current result comes from (the one nothing corrects yet).

    A result written before entries existed (or straight to the table) gets its first entry here,
    from the test's own columns, so that a correction always has an entry to point at."""
    entry = test.entries.filter(correction__isnull=True).order_by("-recorded_at", "-id").first()
    if entry is None:
        entry = TestResultEntry.objects.create(
            test=test, grid_code=test.grid_code, result=test.result, recorded_by=test.recorded_by,
            recorded_at=test.result_at or timezone.now(),
        )
    return entry


def _record(
    *, actor: Actor, test: QuarantineTest, result: str, sampled_at: dt.datetime | None, confirmed: bool,
    note: str = "",
) -> QuarantineTest:
    if test.result == result:
        return test
    if test.result != Result.PENDING:
        raise Conflict(
            _("该检测已录入结果“%(recorded)s”，不能改为“%(new)s”；如需更正请使用“更正结果”并填写原因") % {
                "recorded": test.get_result_display(),
                "new": Result(result).label,
            },
            code="result_exists",
        )
    _check_order_active(test)
    if test.due_date > timezone.localdate():
        raise ValidationFailed(
            _("该检测应检日期为 %(date)s，未到日期不能录入结果") % {"date": format(test.due_date, "%Y-%m-%d")},
            code="test_not_due",
            errors={"result": _("未到应检日期")},
        )
    if result == Result.POSITIVE and not confirmed:
        raise ValidationFailed(
            _("阳性结果须确认后才能录入"), code="positive_unconfirmed", errors={"confirm": _("请确认阳性结果")},
        )
    test.sampled_at = sampled_at or test.sampled_at or timezone.now()
    _write_entry(actor=actor, test=test, result=result, note=note)
    alert_resolve_for(kind=AlertKind.TEST_OVERDUE, object_type="quarantine.quarantinetest", object_id=test.pk)
    if result == Result.POSITIVE:
        _after_positive(actor=actor, test=test, dedupe_key=positive_alert_key(test))
    return test


@transaction.atomic
def test_result_record(
    *, actor: Actor, test_id: int, result: str, sampled_at: dt.datetime | None = None, confirmed: bool = False,
) -> QuarantineTest:
    """Record a test's first result, on or after its due date.

    Recording the same result again is a no-op (a lab may push twice); a different result is a
    correction (``test_result_correct``).  A positive needs ``confirmed=True``: the page asks
    "确认阳性？" before it sends it, and a lab system's push through the API is itself deliberate.
    """
    user = actor.user
    test = _test_in_reach(user=user, pk=test_id)
    require(user, "quarantine.test.record")
    _check_result(result)
    return _record(actor=actor, test=test, result=result, sampled_at=sampled_at, confirmed=confirmed)


test_result_record.__test__ = False

MAX_BATCH_TESTS = 500


@transaction.atomic
def test_results_negative(*, actor: Actor, test_ids: list[int]) -> list[QuarantineTest]:
    """全部阴性: record negative for every test of ``test_ids`` (a sampling team's round) in one
    transaction; each is audited on its order like a single result.  One test that cannot take it
    (out of reach, not due, already positive, order closed) refuses the whole batch, naming it."""
    user = actor.user
    ids = sorted({int(pk) for pk in test_ids})
    if not ids:
        raise ValidationFailed(_("请先选择检测"), code="no_tests_selected", errors={"test_ids": _("必选")})
    if len(ids) > MAX_BATCH_TESTS:
        raise ValidationFailed(
            _("一次最多录入 %(max)s 份检测") % {"max": MAX_BATCH_TESTS},
            code="too_many_tests",
            errors={"test_ids": _("超出范围")},
        )
    tests = [_test_in_reach(user=user, pk=pk) for pk in ids]
    require(user, "quarantine.test.record")
    note = _("批量阴性（%(n)s 份）") % {"n": len(tests)}
    for test in tests:
        try:
            _record(actor=actor, test=test, result=Result.NEGATIVE, sampled_at=None, confirmed=True, note=note)
        except (Conflict, ValidationFailed) as exc:
            raise type(exc)(
                _("%(name)s %(label)s：%(reason)s") % {
                    "name": test.order.resident.name, "label": _test_label(test), "reason": exc.message,
                },
                code=exc.code,
                errors=exc.errors,
            ) from None
    return tests


test_results_negative.__test__ = False


@transaction.atomic
def test_result_correct(*, actor: Actor, test_id: int, result: str, reason: str) -> TestResultEntry:
    """Correct a wrong result with a new entry that names the entry it corrects, who, when and why.

    The wrong entry stays as it was; the test's current result becomes the correction's.  What a
    positive set off follows the correction:

    * to positive: the same as a positive recorded first (the CDC alert, and from the CDC or command
      the person marked suspected), with an alert of its own;
    * to negative: the test's positive alerts are resolved; a person marked suspected stays so (only
      the CDC excludes a case) and the CDC is alerted to review it.

    The release check and the move home read the current result, so they follow without more.
    """
    user = actor.user
    test = _test_in_reach(user=user, pk=test_id)
    require(user, "quarantine.test.correct")
    _check_result(result)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("更正检测结果须填写原因"), code="reason_required", errors={"reason": _("必填")})
    if test.result == Result.PENDING:
        raise Conflict(_("该检测还没有结果，无需更正"), code="no_result_to_correct")
    if test.result == result:
        raise ValidationFailed(
            _("更正后的结果与当前结果相同"), code="correction_unchanged", errors={"result": _("与当前结果相同")},
        )
    _check_order_active(test)
    entry = _write_entry(actor=actor, test=test, result=result, corrects=_current_entry(test),
                         reason=reason[:300], note=_("更正结果"))
    if result == Result.POSITIVE:
        _after_positive(actor=actor, test=test, dedupe_key=positive_alert_key(test, entry))
    else:
        _after_positive_withdrawn(test=test, entry=entry)
    return entry


test_result_correct.__test__ = False


def positive_alert_key(test: QuarantineTest, correction: TestResultEntry | None = None) -> str:
    """The CDC alert of a positive: one per test, and one per correction to positive (an alert
    resolved by a correction to negative is not reopened; the next positive raises its own)."""
    key = f"quarantine_test_positive:{test.pk}"
    return f"{key}:{correction.pk}" if correction is not None else key


def _after_positive(*, actor: Actor, test: QuarantineTest, dedupe_key: str) -> None:
    order = test.order
    resident = order.resident
    alert_raise(
        kind=AlertKind.POSITIVE_TEST, role=Role.CDC, grid_code=order.grid_code,
        title=f"隔离期核酸阳性：{resident.name}（{test.get_phase_display()}第{test.day}天）",
        body=f"隔离令 {order.pk}，{order.get_place_display()}，应检日期 {test.due_date:%Y-%m-%d}",
        link=reverse("quarantine:order_detail", args=[order.pk]),
        object_type="quarantine.quarantineorder", object_id=str(order.pk),
        dedupe_key=dedupe_key,
    )
    user = actor.user
    if not can(user, status_action(EpidemicStatus.SUSPECTED)):
        return  # the alert reaches the CDC, who decides
    current = health.current_status(resident)
    if current in (EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED):
        return
    if not is_allowed(current, EpidemicStatus.SUSPECTED):
        return
    health.status_change(
        actor=actor, resident_id=resident.pk, to_status=EpidemicStatus.SUSPECTED, reason="隔离期核酸阳性",
        evidence={"quarantine_test_id": test.pk, "quarantine_order_id": order.pk},
    )


def _after_positive_withdrawn(*, test: QuarantineTest, entry: TestResultEntry) -> None:
    base = positive_alert_key(test)
    alert_resolve(dedupe_key=base)
    alert_resolve_except(kind=AlertKind.POSITIVE_TEST, keep=(), prefix=f"{base}:")
    order = test.order
    resident = order.resident
    if health.current_status(resident) != EpidemicStatus.SUSPECTED:
        return
    alert_raise(
        kind=AlertKind.RESULT_CORRECTED, role=Role.CDC, grid_code=order.grid_code,
        title=f"隔离期核酸阳性已更正为阴性：{resident.name}（{test.get_phase_display()}第{test.day}天），请复核疑似状态",
        body=f"隔离令 {order.pk}，更正原因：{entry.reason}",
        link=reverse("quarantine:order_detail", args=[order.pk]),
        object_type="quarantine.quarantineorder", object_id=str(order.pk),
        dedupe_key=f"quarantine_test_corrected:{entry.pk}",
    )


def release_problems(order: QuarantineOrder, *, today: dt.date) -> list[str]:
    """Why ``order`` cannot be released today (empty when it can), in Chinese."""
    problems = []
    if order.status != Status.ACTIVE:
        problems.append(_("隔离令状态为“%(status)s”") % {"status": order.get_status_display()})
        return problems
    if today < order.planned_release:
        problems.append(_("未到解除日期（%(date)s）") % {"date": format(order.planned_release, '%Y-%m-%d')})
    for test in order.tests.order_by("due_date", "phase", "day"):
        label = _("%(phase)s第%(day)s天（%(date)s）") % {
            "phase": test.get_phase_display(), "day": test.day, "date": format(test.due_date, "%m-%d"),
        }
        if test.result == Result.PENDING:
            problems.append(_("%(label)s核酸未出结果") % {"label": label})
        elif test.result == Result.POSITIVE:
            problems.append(_("%(label)s核酸阳性") % {"label": label})
    return problems


def certificate_number_for(order: QuarantineOrder, released_on: dt.date) -> str:
    return f"JC{released_on:%Y%m%d}{order.pk:08d}"


@transaction.atomic
def order_release(*, actor: Actor, order_id: int) -> QuarantineOrder:
    """Release on or after the planned date with every required test negative; issues the certificate."""
    order = order_in_reach(user=actor.user, pk=order_id, for_update=True)
    require(actor.user, "quarantine.release")
    today = timezone.localdate()
    problems = release_problems(order, today=today)
    if problems:
        raise ValidationFailed(_("不能解除隔离：%(details)s") % {
            "details": "；".join(problems),
        }, code="release_refused",
                               errors={"order": "；".join(problems)})
    before = audit.snapshot(order, ORDER_AUDIT_FIELDS)
    order.status = Status.RELEASED
    order.released_at = timezone.now()
    order.released_by = _user_or_none(actor)
    order.certificate_number = certificate_number_for(order, today)
    order.save(update_fields=["status", "released_at", "released_by", "certificate_number"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=order, field="status",
                 changes=audit.diff(before, audit.snapshot(order, ORDER_AUDIT_FIELDS)), note="解除隔离")
    alert_resolve_for(kind=AlertKind.RELEASE_DUE, object_type="quarantine.quarantineorder", object_id=order.pk)
    return order


@transaction.atomic
def order_extend(*, actor: Actor, order_id: int, days: int, reason: str) -> QuarantineOrder:
    """Push the release back by ``days`` with a reason, adding the extension's tests."""
    order = order_in_reach(user=actor.user, pk=order_id, for_update=True)
    require(actor.user, "quarantine.extend")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("延长隔离须填写原因"), code="reason_required", errors={"reason": _("必填")})
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(
            _("延长天数应在 1 到 %(MAX_EXTENSION_DAYS)s 之间") % {"MAX_EXTENSION_DAYS": MAX_EXTENSION_DAYS},
            code="extension_days_out_of_range",
            errors={"days": _("超出范围")},
        )
    if order.status != Status.ACTIVE:
        raise Conflict(
            _("隔离令状态为“%(status)s”，不能延长") % {"status": order.get_status_display()},
            code="order_closed",
        )
    before = audit.snapshot(order, ORDER_AUDIT_FIELDS)
    added = extension_schedule(order, days)
    have = set(order.tests.values_list("phase", "day"))
    QuarantineTest.objects.bulk_create([
        QuarantineTest(order=order, grid_code=order.grid_code, phase=phase, day=day, due_date=due)
        for phase, day, due in added if (phase, day) not in have
    ])
    order.extension_days += days
    order.planned_release = order.planned_release + dt.timedelta(days=days)
    joined = f"{order.extension_reason}；{reason}" if order.extension_reason else reason
    order.extension_reason = joined[:300]
    order.save(update_fields=["extension_days", "planned_release", "extension_reason"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=order, field="planned_release",
                 changes=audit.diff(before, audit.snapshot(order, ORDER_AUDIT_FIELDS)), note=f"延长{days}天：{reason}")
    alert_resolve_for(kind=AlertKind.RELEASE_DUE, object_type="quarantine.quarantineorder", object_id=order.pk)
    return order


@transaction.atomic
def order_move_to_home_phase(*, actor: Actor, order_id: int) -> QuarantineOrder:
    """A central order whose central days are over goes home for the home phase; the bed is freed."""
    order = order_in_reach(user=actor.user, pk=order_id, for_update=True)
    require(actor.user, "quarantine.move_home")
    if order.status != Status.ACTIVE or order.phase != Phase.CENTRAL:
        raise Conflict(_("只有集中隔离期中的隔离令可以转为居家"), code="not_central")
    if not order.regime.home_days:
        raise ValidationFailed(
            _("该隔离方案没有居家期，请到期解除"),
            code="regime_has_no_home_phase",
            errors={"order": _("无居家期")},
        )
    home_from = order.start_date + dt.timedelta(days=order.regime.central_days)
    if timezone.localdate() < home_from:
        raise ValidationFailed(
            _("集中隔离期未满，%(home_from)s 起可转居家") % {"home_from": format(home_from, '%Y-%m-%d')},
            code="central_phase_not_over",
            errors={"order": _("未到日期")},
        )
    positive = order.tests.filter(phase=Phase.CENTRAL, result=Result.POSITIVE).exists()
    if positive:
        raise ValidationFailed(
            _("集中隔离期有阳性结果，不能转居家"),
            code="positive_in_central_phase",
            errors={"order": _("有阳性结果")},
        )
    before = audit.snapshot(order, ORDER_AUDIT_FIELDS)
    order.phase = Phase.HOME
    order.save(update_fields=["phase"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=order, field="phase",
                 changes=audit.diff(before, audit.snapshot(order, ORDER_AUDIT_FIELDS)), note="集中隔离期满转居家")
    return order


# ---------------------------------------------------------------------------------------------------
# For the background jobs: unscoped, plain, idempotent reads.


def releases_due(*, on_date: dt.date):
    """ACTIVE orders whose planned release is on or before ``on_date`` (every part of the grid)."""
    return (QuarantineOrder.objects.filter(status=Status.ACTIVE, planned_release__lte=on_date)
            .select_related("resident").order_by("planned_release", "pk"))


def tests_overdue(*, on_date: dt.date):
    """Pending tests of ACTIVE orders that were due before ``on_date``."""
    return (QuarantineTest.objects.filter(result=Result.PENDING, due_date__lt=on_date, order__status=Status.ACTIVE)
            .select_related("order__resident").order_by("due_date", "pk"))


# ---------------------------------------------------------------------------------------------------
# Sites and rooms


@transaction.atomic
def site_create(
    *,
    actor: Actor,
    name: str,
    division_code: str,
    rooms: int,
    beds_per_room: int = 1,
    address: str = "",
    phone: str = "",
    lat: float | None = None,
    lng: float | None = None,
    room_prefix: str = "",
) -> Site:
    """A centralised site run by a division in reach, with ``rooms`` rooms numbered 101, 102, ..."""
    require(actor.user, "quarantine.site.create")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写隔离点名称"), code="name_required", errors={"name": _("必填")})
    prefix = area_in_reach(
        user=actor.user, code=division_code, deepest=Level.HOUSEHOLD, navigable=False,
        invalid=ValidationFailed(
            _("所属区划代码无效"), code="invalid_division_code", errors={"division_code": _("无效")},
        ),
    ).prefix
    if not 1 <= rooms <= 2000:
        raise ValidationFailed(
            _("房间数应在 1 到 2000 之间"),
            code="room_count_out_of_range",
            errors={"rooms": _("超出范围")},
        )
    if not 1 <= beds_per_room <= 20:
        raise ValidationFailed(
            _("每间床位数应在 1 到 20 之间"),
            code="beds_out_of_range",
            errors={"beds_per_room": _("超出范围")},
        )
    site = Site.objects.create(name=name[:100], grid_code=prefix, address=address[:200], phone=phone[:30],
                               lat=lat, lng=lng)
    Room.objects.bulk_create([
        Room(site=site, grid_code=prefix, number=room_number(i, prefix=room_prefix), capacity=beds_per_room)
        for i in range(rooms)
    ])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=site,
                 changes={"rooms": [None, rooms], "beds_per_room": [None, beds_per_room]})
    return site


def room_number(index: int, *, prefix: str = "", per_floor: int = 20) -> str:
    """Room numbers as hotels write them: 101..120, 201..220, ..."""
    floor, n = divmod(index, per_floor)
    return f"{prefix}{floor + 1}{n + 1:02d}"


@transaction.atomic
def room_set_active(*, actor: Actor, room_id: int, is_active: bool) -> Room:
    require(actor.user, "quarantine.room.manage")
    try:
        room = Room.objects.restrict(actor.user).select_for_update().get(pk=room_id)
    except (Room.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该房间，或不在您的管辖范围内")) from None
    if not is_active and _occupying(room):
        raise Conflict(_("房间有人入住，不能停用"), code="room_occupied")
    before = {"is_active": room.is_active}
    room.is_active = is_active
    room.save(update_fields=["is_active"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=room, changes=audit.diff(before, {"is_active": is_active}))
    return room


def occupied_filter() -> Q:
    return Q(orders__status=Status.ACTIVE, orders__phase=Phase.CENTRAL)
