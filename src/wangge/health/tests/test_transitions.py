"""Every allowed transition of a person's epidemic status succeeds; every other one is refused."""

import re

import pytest

from wangge.alerts.models import Alert
from wangge.audit.models import AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import PersonStatus, StatusTransition
from wangge.health.services import status_change
from wangge.health.transitions import ALLOWED_TRANSITIONS
from wangge.tracing.models import Investigation

ALLOWED = [(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in sorted(targets)]
REFUSED = [(a, b) for a in S.values for b in S.values if b not in ALLOWED_TRANSITIONS.get(a, set())]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def change(actor, user, resident, to_status, **kw):
    kw.setdefault("reason", "流调判定")
    kw.setdefault("evidence", {"test_result": "核酸阳性"})
    kw.setdefault("severity", "mild" if to_status == S.CONFIRMED else "")
    return status_change(actor=actor(user), resident_id=resident.pk, to_status=to_status, **kw)


def start_in(resident, status):
    if status != S.NONE:
        put_in(resident, status)


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_transition_is_made(city, cdc, actor, from_status, to_status):
    resident = city["residents"]["A"]
    start_in(resident, from_status)
    transition = change(actor, cdc, resident, to_status)
    assert (transition.from_status, transition.to_status) == (from_status, to_status)
    assert PersonStatus.objects.get(resident=resident).status == to_status


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_every_other_transition_is_refused_in_chinese_and_writes_nothing(city, cdc, actor, from_status, to_status):
    resident = city["residents"]["A"]
    start_in(resident, from_status)
    transitions, audits = StatusTransition.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        change(actor, cdc, resident, to_status)
    assert CHINESE.search(exc.value.message)
    assert StatusTransition.objects.count() == transitions
    assert AuditEntry.objects.count() == audits
    assert PersonStatus.objects.filter(resident=resident).values_list("status", flat=True).first() in (
        None if from_status == S.NONE else from_status,
    )


def test_a_refused_transition_names_both_statuses(city, cdc, actor):
    resident = city["residents"]["A"]
    put_in(resident, S.CONFIRMED)
    with pytest.raises(ValidationFailed) as exc:
        change(actor, cdc, resident, S.FEVER)
    assert exc.value.code == "transition_not_allowed"
    assert exc.value.message == "不能从“确诊病例”变更为“发热待排查”"


def test_a_volunteer_can_raise_a_fever(city, volunteer, actor):
    transition = change(actor, volunteer, city["residents"]["A"], S.FEVER, evidence=None)
    assert transition.to_status == S.FEVER


def test_a_volunteer_cannot_confirm_a_case(city, volunteer, actor):
    with pytest.raises(Forbidden) as exc:
        change(actor, volunteer, city["residents"]["A"], S.CONFIRMED)
    assert exc.value.code == "forbidden"
    assert "确诊病例" in exc.value.message
    assert not PersonStatus.objects.exists()


def test_the_cdc_can_confirm_a_case(city, cdc, actor):
    transition = change(actor, cdc, city["residents"]["A"], S.CONFIRMED, severity="severe")
    assert transition.severity == "severe"
    assert PersonStatus.objects.get(resident=city["residents"]["A"]).severity == "severe"


def test_a_grid_worker_cannot_mark_a_close_contact(city, grid_worker, actor):
    with pytest.raises(Forbidden):
        change(actor, grid_worker, city["residents"]["A"], S.CLOSE_CONTACT, evidence=None)


def test_confirming_without_evidence_is_refused(city, cdc, actor):
    with pytest.raises(ValidationFailed) as exc:
        change(actor, cdc, city["residents"]["A"], S.CONFIRMED, evidence={})
    assert exc.value.errors == {"evidence": "必填"}
    assert not StatusTransition.objects.exists()


def test_a_fever_needs_no_evidence(city, cdc, actor):
    assert change(actor, cdc, city["residents"]["A"], S.FEVER, evidence=None).evidence == {}


def test_confirming_without_severity_is_refused(city, cdc, actor):
    with pytest.raises(ValidationFailed) as exc:
        change(actor, cdc, city["residents"]["A"], S.CONFIRMED, severity="")
    assert exc.value.code == "severity_required"
    assert "病情分型" in exc.value.message


def test_a_change_without_a_reason_is_refused(city, cdc, actor):
    with pytest.raises(ValidationFailed) as exc:
        change(actor, cdc, city["residents"]["A"], S.FEVER, reason="   ")
    assert exc.value.code == "reason_required"
    assert exc.value.message == "请填写变更原因"
    assert not StatusTransition.objects.exists()


def test_the_transition_records_who_when_why_and_evidence(city, cdc, actor):
    transition = change(actor, cdc, city["residents"]["A"], S.SUSPECTED, reason="CT影像异常",
                        evidence={"diagnosis": "肺部磨玻璃影"})
    transition.refresh_from_db()
    assert transition.by == cdc
    assert transition.at is not None
    assert transition.reason == "CT影像异常"
    assert transition.evidence == {"diagnosis": "肺部磨玻璃影"}
    assert transition.grid_code == city["residents"]["A"].grid_code


def test_the_change_is_audited_with_both_statuses(city, cdc, actor):
    resident = city["residents"]["A"]
    change(actor, cdc, resident, S.FEVER, reason="体温38.2")
    entry = AuditEntry.objects.get(object_type="people.resident", object_id=str(resident.pk), field="epidemic_status")
    assert entry.actor == cdc
    assert entry.changes["epidemic_status"] == ["none", "fever"]
    assert entry.note == "体温38.2"


def test_confirming_opens_one_investigation(city, cdc, actor):
    resident = city["residents"]["A"]
    change(actor, cdc, resident, S.CONFIRMED)
    assert Investigation.objects.filter(case=resident).count() == 1


def test_confirming_again_after_recovery_keeps_one_open_investigation(city, cdc, actor):
    resident = city["residents"]["A"]
    change(actor, cdc, resident, S.CONFIRMED)
    change(actor, cdc, resident, S.RECOVERED)
    change(actor, cdc, resident, S.CONFIRMED)
    assert Investigation.objects.filter(case=resident, status=Investigation.Status.OPEN).count() == 1


@pytest.mark.parametrize("to_status", [S.FEVER, S.SUSPECTED, S.CONFIRMED])
def test_fever_suspected_and_confirmed_alert_the_cdc(city, cdc, actor, to_status):
    resident = city["residents"]["A"]
    transition = change(actor, cdc, resident, to_status)
    alert = Alert.objects.get(dedupe_key=f"status:{transition.pk}")
    assert alert.role == "cdc"
    assert alert.grid_code == resident.grid_code


def test_a_close_contact_raises_no_cdc_alert(city, cdc, actor):
    change(actor, cdc, city["residents"]["A"], S.CLOSE_CONTACT)
    assert not Alert.objects.exists()


def test_the_alert_of_a_transition_is_raised_once(city, cdc, actor):
    from wangge.health.services import _after_transition

    resident = city["residents"]["A"]
    transition = change(actor, cdc, resident, S.FEVER)
    _after_transition(actor=actor(cdc), resident=resident, transition=transition)
    assert Alert.objects.filter(dedupe_key=f"status:{transition.pk}").count() == 1


def test_a_resident_out_of_reach_is_not_found(city, cdc, actor):
    with pytest.raises(NotFound):
        change(actor, cdc, city["residents"]["C"], S.FEVER)
    assert not StatusTransition.objects.exists()
