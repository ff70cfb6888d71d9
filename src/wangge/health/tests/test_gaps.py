"""The gap lists (应收尽收、应治尽治、应检尽检、应隔尽隔), the doctor's visit and stale entries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.core.testing import login
from wangge.core.testing.factories import put_in
from wangge.health import selectors
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import PersonStatus
from wangge.health.services import mark_admitted, mark_isolated, record_doctor_visit
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime

HOUR = dt.timedelta(hours=1)


def order(resident, status=QuarantineOrder.Status.ACTIVE, start=None):
    start = start or timezone.localdate()
    return QuarantineOrder.objects.create(
        resident=resident, grid_code=resident.grid_code, regime=Regime.objects.first(), place="home", phase="home",
        start_date=start, planned_release=start + dt.timedelta(days=14), status=status, reason="密接",
    )


def names(kind, user, **kw):
    return [e.resident.name for e in selectors.gap_entries(kind, user=user, **kw)]


def test_confirmed_cases_not_admitted_are_listed_longest_wait_first(city, street_officer):
    now = timezone.now()
    put_in(city["residents"]["A"], S.CONFIRMED, since=now - 2 * HOUR)
    put_in(city["residents"]["B"], S.CONFIRMED, since=now - 5 * HOUR)
    assert names("unadmitted", street_officer) == ["王芳", "张伟"]


def test_an_admitted_case_leaves_the_list(city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    mark_admitted(resident=city["residents"]["A"])
    assert names("unadmitted", street_officer) == []


def test_the_wait_is_counted_from_the_start_of_the_status(city, street_officer):
    now = timezone.now()
    put_in(city["residents"]["A"], S.CONFIRMED, since=now - 3 * HOUR)
    [entry] = selectors.gap_entries("unadmitted", user=street_officer, now=now)
    assert entry.waited == 3 * HOUR


def test_suspected_not_isolated_leave_the_list_once_isolated(city, street_officer):
    put_in(city["residents"]["A"], S.SUSPECTED)
    put_in(city["residents"]["B"], S.SUSPECTED)
    mark_isolated(resident=city["residents"]["B"])
    assert names("unisolated", street_officer) == ["张伟"]


def test_close_contacts_without_an_active_order_are_listed(city, street_officer):
    for key in ("A", "A2", "B"):
        put_in(city["residents"][key], S.CLOSE_CONTACT)
    order(city["residents"]["A"])
    order(city["residents"]["A2"], status=QuarantineOrder.Status.RELEASED)
    assert sorted(names("unquarantined", street_officer)) == ["李娜", "王芳"]


def test_tests_past_their_due_date_and_still_pending_are_overdue(city, street_officer):
    today = timezone.localdate()
    o = order(city["residents"]["A"], start=today - dt.timedelta(days=5))
    for day, due, result in ((1, 4, "pending"), (2, 3, "negative"), (3, 0, "pending"), (4, 1, "pending")):
        QuarantineTest.objects.create(order=o, grid_code=o.grid_code, phase="home", day=day,
                                      due_date=today - dt.timedelta(days=due), result=result)
    entries = selectors.gap_entries("tests_overdue", user=street_officer)
    assert [e.detail for e in entries] == [
        f"居家期第1天（应检 {today - dt.timedelta(days=4):%Y-%m-%d}）",
        f"居家期第4天（应检 {today - dt.timedelta(days=1):%Y-%m-%d}）",
    ]


def test_the_wait_of_an_overdue_test_counts_from_its_due_day(city, street_officer):
    today = timezone.localdate()
    o = order(city["residents"]["A"])
    QuarantineTest.objects.create(order=o, grid_code=o.grid_code, phase="home", day=1,
                                  due_date=today - dt.timedelta(days=2))
    now = timezone.now()
    [entry] = selectors.gap_entries("tests_overdue", user=street_officer, now=now)
    local_midnight = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=2), dt.time.min))
    assert entry.waited == now - local_midnight


def test_fevers_not_seen_by_a_doctor_are_listed(city, street_officer):
    put_in(city["residents"]["A"], S.FEVER)
    put_in(city["residents"]["B"], S.FEVER, seen_by_doctor_at=timezone.now())
    assert names("fevers_unseen", street_officer) == ["张伟"]


def test_gap_lists_are_scoped(city, grid_worker):
    for key in ("A", "B", "C"):
        put_in(city["residents"][key], S.FEVER)
    assert names("fevers_unseen", grid_worker) == ["张伟"]


def test_gap_counts_count_every_list(city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    put_in(city["residents"]["B"], S.FEVER)
    counts = selectors.gap_counts(user=street_officer)
    assert counts == {"unadmitted": 1, "unisolated": 0, "unquarantined": 0, "tests_overdue": 0,
                      "fevers_unseen": 1, "risks_unchecked": 0}


def test_recording_the_doctor_visit_closes_the_fever_gap_and_is_audited(city, grid_worker, actor):
    resident = city["residents"]["A"]
    put_in(resident, S.FEVER)
    record_doctor_visit(actor=actor(grid_worker), resident_id=resident.pk, note="发热门诊")
    assert PersonStatus.objects.get(resident=resident).seen_by_doctor_at is not None
    entry = AuditEntry.objects.get(field="seen_by_doctor_at")
    assert (entry.actor, entry.note) == (grid_worker, "发热门诊")
    assert names("fevers_unseen", grid_worker) == []


def test_a_doctor_visit_for_someone_without_fever_is_refused(city, grid_worker, actor):
    with pytest.raises(ValidationFailed) as exc:
        record_doctor_visit(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk, note="")
    assert exc.value.code == "not_fever"
    assert "发热" in exc.value.message


def test_a_doctor_visit_out_of_reach_is_not_found(city, grid_worker, actor):
    put_in(city["residents"]["B"], S.FEVER)
    with pytest.raises(NotFound):
        record_doctor_visit(actor=actor(grid_worker), resident_id=city["residents"]["B"].pk, note="")


def test_a_volunteer_cannot_record_a_doctor_visit(city, volunteer, actor):
    put_in(city["residents"]["A"], S.FEVER)
    with pytest.raises(Forbidden):
        record_doctor_visit(actor=actor(volunteer), resident_id=city["residents"]["A"].pk, note="")


def test_stale_entries_are_those_waiting_longer_than_the_limit_city_wide(city):
    now = timezone.now()
    put_in(city["residents"]["A"], S.CONFIRMED, since=now - 5 * HOUR)
    put_in(city["residents"]["B"], S.FEVER, since=now - HOUR)
    put_in(city["residents"]["C"], S.SUSPECTED, since=now - 3 * HOUR)
    stale = selectors.stale_gap_entries(older_than=2 * HOUR, now=now)
    assert sorted((e.kind, e.resident.name, e.grid_code) for e in stale) == [
        ("unadmitted", "张伟", city["residents"]["A"].grid_code),
        ("unisolated", "刘洋", city["residents"]["C"].grid_code),
    ]
    assert all(e.waited > 2 * HOUR for e in stale)


def test_an_overdue_test_is_stale_once_it_has_waited_long_enough(city):
    today = timezone.localdate()
    o = order(city["residents"]["A"])
    QuarantineTest.objects.create(order=o, grid_code=o.grid_code, phase="home", day=1,
                                  due_date=today - dt.timedelta(days=3))
    assert [e.kind for e in selectors.stale_gap_entries(older_than=dt.timedelta(days=1))] == ["tests_overdue"]
    assert selectors.stale_gap_entries(older_than=dt.timedelta(days=5)) == []


def test_the_opening_tab_is_the_first_list_with_anybody_waiting():
    first, second, *rest = selectors.GAP_KINDS
    assert selectors.gap_opening_kind({k: 0 for k in selectors.GAP_KINDS} | {second: 2}) == second
    assert selectors.gap_opening_kind({k: 1 for k in selectors.GAP_KINDS}) == first


def test_the_opening_tab_is_the_first_list_when_every_list_is_empty():
    assert selectors.gap_opening_kind({k: 0 for k in selectors.GAP_KINDS}) == next(iter(selectors.GAP_KINDS))


def test_the_gap_page_opens_on_a_list_with_people_unless_a_tab_is_asked_for(city, street_officer):


    put_in(city["residents"]["A"], S.FEVER)
    c = login(street_officer)
    assert c.get(reverse("health:gaps")).context["kind"] == "fevers_unseen"
    assert c.get(reverse("health:gaps"), {"kind": "unadmitted"}).context["kind"] == "unadmitted"


def test_the_pager_of_the_opening_tab_stays_on_that_tab(city, street_officer):
    for key in ("A", "A2"):
        put_in(city["residents"][key], S.FEVER)
    response = login(street_officer).get(reverse("health:gaps"), {"size": 1})
    assert response.context["kind"] == "fevers_unseen"
    assert "kind=fevers_unseen" in response.context["next_url"]
