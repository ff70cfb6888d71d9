"""Transfer orders: creation rules, the state machine, handover admitting the patients."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.alerts.models import Alert, AlertKind
from wangge.alerts.services import alert_raise
from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.health.models import PersonStatus
from wangge.transfer import services
from wangge.transfer.models import Admission, TransferOrder

pytestmark = pytest.mark.django_db
S = TransferOrder.Status


def create(actor, user, residents, destination, plan, **kw):
    return services.transfer_create(actor=actor(user), resident_ids=[r.pk for r in residents],
                                    destination_id=destination.pk, **plan(**kw))


def test_a_street_officer_sends_residents_of_their_street_to_a_district_fangcang(
        city, street_officer, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"], city["residents"]["B"]], fangcang, plan)
    assert t.status == S.PLANNED
    assert t.patients.count() == 2
    # The transfer belongs to the community both patients live in.
    assert t.grid_code == "420106001001"
    assert AuditEntry.objects.filter(object_type="transfer.transferorder", object_id=str(t.pk),
                                     action="create").exists()


def test_a_resident_out_of_reach_cannot_be_put_on_a_transfer(city, street_officer, actor, fangcang, plan):
    with pytest.raises(NotFound):
        create(actor, street_officer, [city["residents"]["C"]], fangcang, plan)


def test_a_destination_without_enough_free_beds_is_refused(city, street_officer, actor, fangcang, plan):
    fangcang.capacity = 1
    fangcang.save()
    with pytest.raises(Conflict, match="剩余床位 1 张") as raised:
        create(actor, street_officer, [city["residents"]["A"], city["residents"]["B"]], fangcang, plan)
    assert raised.value.code == "not_enough_beds"


def test_patients_already_on_their_way_hold_their_beds(city, street_officer, actor, fangcang, plan):
    create(actor, street_officer, [city["residents"]["A"], city["residents"]["A2"]], fangcang, plan)
    fangcang.capacity = 2
    fangcang.save()
    with pytest.raises(Conflict):
        create(actor, street_officer, [city["residents"]["B"]], fangcang, plan)


def test_a_resident_cannot_be_on_two_active_transfers(city, street_officer, actor, fangcang, plan):
    create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    with pytest.raises(Conflict, match="张伟") as raised:
        create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    assert raised.value.code == "already_in_transfer"


def test_the_planned_arrival_must_be_after_the_departure(city, street_officer, actor, fangcang, plan):
    start = timezone.now()
    with pytest.raises(ValidationFailed, match="晚于") as raised:
        create(actor, street_officer, [city["residents"]["A"]], fangcang, plan,
               planned_departure=start, planned_arrival=start)
    assert raised.value.code == "arrival_before_departure"


def test_a_grid_worker_may_not_create_a_transfer(city, grid_worker, actor, fangcang, plan):
    with pytest.raises(Forbidden):
        create(actor, grid_worker, [city["residents"]["A"]], fangcang, plan)


def test_a_transfer_walks_planned_en_route_arrived_handed_over(city, street_officer, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=t.pk, name="李护士长")
    services.transfer_depart(actor=actor(street_officer), transfer_id=t.pk)
    services.transfer_arrive(actor=actor(street_officer), transfer_id=t.pk)
    services.transfer_handover(actor=actor(street_officer), transfer_id=t.pk, received_by="李护士长")
    t.refresh_from_db()
    assert t.status == S.HANDED_OVER
    assert t.departed_at <= t.arrived_at <= t.handed_over_at
    assert t.received_by == "李护士长"


def test_a_step_out_of_order_is_refused_in_chinese(city, street_officer, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    with pytest.raises(Conflict, match="不能标记为“已到达”") as raised:
        services.transfer_arrive(actor=actor(street_officer), transfer_id=t.pk)
    assert raised.value.code == "transition_not_allowed"
    with pytest.raises(Conflict):
        services.transfer_handover(actor=actor(street_officer), transfer_id=t.pk, received_by="李")


def test_only_a_planned_transfer_can_be_cancelled(city, street_officer, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=t.pk, name="李护士长")
    services.transfer_depart(actor=actor(street_officer), transfer_id=t.pk)
    with pytest.raises(Conflict):
        services.transfer_cancel(actor=actor(street_officer), transfer_id=t.pk, reason="道路封闭")


def test_the_transitions_are_data(city):
    assert services.TRANSITIONS[S.PLANNED] == {S.EN_ROUTE, S.CANCELLED}
    assert services.TRANSITIONS[S.HANDED_OVER] == set()


def test_a_community_worker_may_not_confirm_the_handover(
        city, street_officer, community_worker, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=t.pk, name="李护士长")
    services.transfer_depart(actor=actor(street_officer), transfer_id=t.pk)
    services.transfer_arrive(actor=actor(street_officer), transfer_id=t.pk)
    with pytest.raises(Forbidden):
        services.transfer_handover(actor=actor(community_worker), transfer_id=t.pk, received_by="李")


def test_an_outsider_cannot_step_a_transfer_they_cannot_see(city, street_officer, outsider, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    with pytest.raises(NotFound):
        services.transfer_depart(actor=actor(outsider), transfer_id=t.pk)


def _arrived(actor, user, residents, facility, plan):
    t = create(actor, user, residents, facility, plan)
    services.transfer_acknowledge(actor=actor(user), transfer_id=t.pk, name="李护士长")
    services.transfer_depart(actor=actor(user), transfer_id=t.pk)
    services.transfer_arrive(actor=actor(user), transfer_id=t.pk)
    return t


def test_handover_to_a_fangcang_admits_each_patient_and_closes_the_admission_gap(
        city, street_officer, actor, fangcang, plan):
    a = city["residents"]["A"]
    PersonStatus.objects.create(resident=a, grid_code=a.grid_code, status="confirmed", since=timezone.now(),
                                severity="mild")
    t = _arrived(actor, street_officer, [a, city["residents"]["A2"]], fangcang, plan)
    services.transfer_handover(actor=actor(street_officer), transfer_id=t.pk, received_by="李护士长")
    assert Admission.objects.filter(transfer=t, facility=fangcang, discharged_at__isnull=True).count() == 2
    status = PersonStatus.objects.get(resident=a)
    assert status.admitted_at is not None and status.isolated_at is not None


def test_handover_to_an_isolation_site_marks_isolated_not_admitted(
        city, street_officer, actor, isolation_site, plan):
    a = city["residents"]["A"]
    PersonStatus.objects.create(resident=a, grid_code=a.grid_code, status="close_contact", since=timezone.now())
    t = _arrived(actor, street_officer, [a], isolation_site, plan)
    services.transfer_handover(actor=actor(street_officer), transfer_id=t.pk, received_by="值班员")
    status = PersonStatus.objects.get(resident=a)
    assert status.isolated_at is not None and status.admitted_at is None


def test_handover_resolves_the_transfers_alerts(city, street_officer, actor, fangcang, plan):
    t = _arrived(actor, street_officer, [city["residents"]["A"]], fangcang, plan)
    alert_raise(kind=AlertKind.TRANSFER_NOT_HANDED_OVER, role="cdc", grid_code=t.grid_code, title="未交接",
                dedupe_key=f"transfer:{t.pk}:handover:cdc")
    services.transfer_handover(actor=actor(street_officer), transfer_id=t.pk, received_by="李")
    assert Alert.objects.get(dedupe_key=f"transfer:{t.pk}:handover:cdc").resolved_at is not None


def test_moving_up_a_tier_ends_the_stay_at_the_previous_facility(
        city, street_officer, actor, fangcang, isolation_site, plan):
    a = city["residents"]["A"]
    first = _arrived(actor, street_officer, [a], isolation_site, plan)
    services.transfer_handover(actor=actor(street_officer), transfer_id=first.pk, received_by="值班员")
    second = _arrived(actor, street_officer, [a], fangcang, plan)
    services.transfer_handover(actor=actor(street_officer), transfer_id=second.pk, received_by="李")
    open_stays = Admission.objects.filter(resident=a, discharged_at__isnull=True)
    assert [s.facility_id for s in open_stays] == [fangcang.pk]


def test_a_hospital_system_records_an_admission_directly(city, cdc, actor, fangcang):
    a = city["residents"]["A"]
    PersonStatus.objects.create(resident=a, grid_code=a.grid_code, status="confirmed", since=timezone.now(),
                                severity="mild")
    at = timezone.now() - dt.timedelta(hours=1)
    admission = services.admission_record(actor=actor(cdc, "api"), resident_id=a.pk,
                                          facility_id=fangcang.pk, admitted_at=at)
    assert admission.admitted_at == at
    assert PersonStatus.objects.get(resident=a).admitted_at == at
    with pytest.raises(Conflict):
        services.admission_record(actor=actor(cdc, "api"), resident_id=a.pk, facility_id=fangcang.pk,
                                  admitted_at=at)


def test_a_discharge_frees_the_bed(city, cdc, actor, fangcang):
    from wangge.transfer.selectors import free_beds

    admission = services.admission_record(actor=actor(cdc), resident_id=city["residents"]["A"].pk,
                                          facility_id=fangcang.pk, admitted_at=timezone.now())
    assert free_beds(fangcang) == 2
    services.discharge_record(actor=actor(cdc), admission_id=admission.pk)
    assert free_beds(fangcang) == 3
    with pytest.raises(Conflict):
        services.discharge_record(actor=actor(cdc), admission_id=admission.pk)
