"""Exposures from the records (流调): who shared a household, a stairwell or a building with a case,
and whatever the apps above answer through ``hooks.exposures``; turning a chosen set into contacts;
the transmission chain; the tracing list export.  Scoped, audited, 404 outside the reach."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.errors import Forbidden, NotFound, ValidationFailed
from wangge.core.testing import api_client, login
from wangge.core.testing.factories import (
    add_resident,
    make_contact,
    make_household,
    make_investigation,
    make_unit,
    put_in,
)
from wangge.health.models import EpidemicStatus
from wangge.quarantine.models import QuarantineOrder
from wangge.tracing import hooks, selectors, services
from wangge.tracing.hooks import Exposure
from wangge.tracing.models import Contact


@pytest.fixture
def building(city):
    """Grid A's building: 张伟 (the case) and 李娜 at home; 陈静 next door (same unit); 赵磊 in unit 2."""
    home, next_door = city["households"]["A"]
    neighbour = add_resident(next_door, name="陈静", male=False)
    unit2 = make_unit(home.unit.building, number=2)
    upstairs = add_resident(make_household(unit2, number=1), name="赵磊")
    case = city["residents"]["A"]
    put_in(case, EpidemicStatus.CONFIRMED)
    return {
        "case": case,
        "spouse": city["residents"]["A2"],
        "neighbour": neighbour,
        "upstairs": upstairs,
        "investigation": make_investigation(case),
    }


def _reasons(report):
    return {p.resident.name: [e.reason for e in p.reasons] for p in report.people}


def test_the_registry_gives_household_unit_and_building_closest_first(building, cdc, actor):
    report = selectors.exposures_of(actor=actor(cdc), resident_id=building["case"].pk)
    assert _reasons(report) == {"李娜": ["household"], "陈静": ["unit"], "赵磊": ["building"]}
    assert [p.resident.name for p in report.people] == ["李娜", "陈静", "赵磊"]
    assert [p.suggested for p in report.people] == ["close", "secondary", "secondary"]
    assert building["case"].pk not in {p.resident.pk for p in report.people}


def test_an_app_above_adds_its_reasons_through_the_hook(building, cdc, actor):
    at = timezone.now() - dt.timedelta(days=2)
    seen = {}

    def gate(*, user, resident, since, until):
        seen["window"] = (since, until)
        return [
            Exposure(
                resident_id=building["upstairs"].pk,
                reason="checkpoint",
                label="同卡口",
                rank=20,
                suggested="close",
                at=at,
                where="东门",
            ),
            Exposure(
                resident_id=building["case"].pk, reason="checkpoint", label="同卡口", rank=20, suggested="close", at=at
            ),
        ]

    hooks.exposures.connect(gate)
    try:
        report = selectors.exposures_of(actor=actor(cdc), resident_id=building["case"].pk, days=7)
    finally:
        hooks.exposures.disconnect(gate)
    since, until = seen["window"]
    assert until - since == dt.timedelta(days=7)
    upstairs = next(p for p in report.people if p.resident.name == "赵磊")
    assert [e.reason for e in upstairs.reasons] == ["checkpoint", "building"]  # closest first
    assert upstairs.last_at == at and upstairs.suggested == "close"
    assert report.counts == {"同住": 1, "同单元": 1, "同卡口": 1, "同楼栋": 1}
    # The case never appears among its own exposures, whatever a receiver answers.
    assert building["case"].pk not in {p.resident.pk for p in report.people}


def test_people_out_of_reach_are_never_listed(building, actor, city):
    from wangge.accounts.models import Role
    from wangge.core.testing.factories import make_user

    far = add_resident(city["households"]["C"][0], name="远方")

    def answer_far(*, user, resident, since, until):
        return [Exposure(resident_id=far.pk, reason="checkpoint", label="同卡口", rank=20, suggested="close")]

    grid_a_cdc = make_user("cdc_a", Role.CDC, ["420106001001001"])
    hooks.exposures.connect(answer_far)
    try:
        report = selectors.exposures_of(actor=actor(grid_a_cdc), resident_id=building["case"].pk)
    finally:
        hooks.exposures.disconnect(answer_far)
    assert "远方" not in _reasons(report)


def test_reading_exposures_is_audited_and_needs_the_role_and_the_reach(building, cdc, grid_worker, outsider, actor):
    selectors.exposures_of(actor=actor(cdc), resident_id=building["case"].pk)
    entry = AuditEntry.objects.get(object_type="people.resident", field="exposures")
    assert entry.object_id == str(building["case"].pk) and entry.action == "view"
    with pytest.raises(Forbidden):
        selectors.exposures_of(actor=actor(grid_worker), resident_id=building["case"].pk)
    with pytest.raises(NotFound):
        selectors.exposures_of(actor=actor(outsider), resident_id=building["case"].pk)


def test_chosen_exposures_become_contacts_with_orders_in_one_action(building, cdc, actor):
    inv = building["investigation"]
    added = services.exposures_to_contacts(
        actor=actor(cdc),
        investigation_id=inv.pk,
        resident_ids=[building["spouse"].pk, building["neighbour"].pk],
        kind="close",
        regime_code="7+3",
    )
    assert {c.resident.name for c in added} == {"李娜", "陈静"}
    by_name = {c.resident.name: c for c in Contact.objects.filter(investigation=inv)}
    assert by_name["李娜"].place.startswith("同住") and by_name["陈静"].place == "同单元"
    assert (
        QuarantineOrder.objects.filter(
            resident__in=[building["spouse"], building["neighbour"]], status="active"
        ).count()
        == 2
    )
    # Again with one of them already a contact: that one is left alone, the other added as secondary.
    again = services.exposures_to_contacts(
        actor=actor(cdc),
        investigation_id=inv.pk,
        resident_ids=[building["spouse"].pk, building["upstairs"].pk],
        kind="secondary",
        regime_code="7+3",
    )
    assert [(c.resident.name, c.kind) for c in again] == [("赵磊", "secondary")]


def test_someone_not_exposed_is_refused_and_nothing_is_written(building, cdc, actor, city):
    with pytest.raises(ValidationFailed) as exc:
        services.exposures_to_contacts(
            actor=actor(cdc),
            investigation_id=building["investigation"].pk,
            resident_ids=[building["spouse"].pk, city["residents"]["B"].pk],
            kind="close",
            regime_code="7+3",
        )
    assert exc.value.code == "not_exposed"
    assert not Contact.objects.exists() and not QuarantineOrder.objects.exists()


def test_a_second_hop_lists_the_exposures_of_an_exposed_person_less_the_first_hop(building, cdc, actor, city):
    friend = city["residents"]["B"]  # another grid: met 赵磊 at a gate, never the case

    def gate(*, user, resident, since, until):
        if resident.pk != building["upstairs"].pk:
            return []
        return [
            Exposure(
                resident_id=friend.pk,
                reason="checkpoint",
                label="同卡口",
                rank=20,
                suggested="close",
                at=until - dt.timedelta(hours=3),
            )
        ]

    hooks.exposures.connect(gate)
    try:
        report = selectors.investigation_exposures(
            actor=actor(cdc),
            investigation=building["investigation"],
            filters=selectors.ExposureFilters(via=building["upstairs"].pk),
        )
        # 赵磊's exposures less the case and the first hop (his building neighbours): the gate meeting.
        assert _reasons(report) == {"王芳": ["checkpoint"]}
        added = services.exposures_to_contacts(
            actor=actor(cdc),
            investigation_id=building["investigation"].pk,
            resident_ids=[friend.pk],
            kind="secondary",
            regime_code="7+3",
            via_resident_id=building["upstairs"].pk,
        )
    finally:
        hooks.exposures.disconnect(gate)
    assert [(c.resident.name, c.kind, c.place) for c in added] == [("王芳", "secondary", "同卡口")]
    assert added[0].last_exposure is not None


def test_the_chain_follows_contacts_who_became_cases_both_ways(building, cdc, actor, city):
    inv = building["investigation"]
    make_contact(inv, building["spouse"], kind="close")
    put_in(building["spouse"], EpidemicStatus.CONFIRMED)
    second = make_investigation(building["spouse"])
    make_contact(second, building["neighbour"], kind="secondary")
    # An earlier case listed 张伟 as a contact: the chain goes up to them too.
    source = city["residents"]["B"]
    make_contact(make_investigation(source), building["case"], kind="close")
    chain = selectors.transmission_chain(actor=actor(cdc), investigation=second)
    names = {n["name"]: n for n in chain.nodes}
    assert set(names) == {"张伟", "李娜", "陈静", "王芳"}
    assert chain.cases == 3 and chain.contacts == 1
    assert names["李娜"]["root"] and names["陈静"]["category"] == 2
    by_id = {n["id"]: n["name"] for n in chain.nodes}
    assert {(by_id[x["source"]], by_id[x["target"]]) for x in chain.links} == {
        ("王芳", "张伟"),
        ("张伟", "李娜"),
        ("李娜", "陈静"),
    }
    assert AuditEntry.objects.filter(object_type="tracing.investigation", field="chain").count() == 1


def test_the_chain_shows_only_records_in_reach(building, cdc, actor, city):
    make_contact(make_investigation(city["residents"]["C"]), building["case"], kind="close")  # street 2
    chain = selectors.transmission_chain(actor=actor(cdc), investigation=building["investigation"])
    assert {n["name"] for n in chain.nodes} == {"张伟"} and chain.links == []


def test_the_page_lists_exposures_and_the_form_makes_contacts(building, cdc):
    client = login(cdc)
    url = reverse("tracing:investigation_exposures", args=[building["investigation"].pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "李娜" in html and "同单元" in html and building["spouse"].id_number not in html
    response = client.post(
        reverse("tracing:exposures_contacts", args=[building["investigation"].pk]),
        {
            "resident_ids": [building["neighbour"].pk],
            "kind": "close",
            "regime_code": "7+3",
            "place": "home",
            "days": "14",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get().resident == building["neighbour"]
    # The list now says 陈静 is registered rather than offering her again.
    assert f'value="{building["neighbour"].pk}"' not in client.get(url).content.decode()


def test_a_refused_action_keeps_the_page_with_the_reason(building, cdc, city):
    response = login(cdc).post(
        reverse("tracing:exposures_contacts", args=[building["investigation"].pk]),
        {"resident_ids": [city["residents"]["B"].pk], "kind": "close", "regime_code": "7+3", "place": "home"},
    )
    assert response.status_code == 422
    assert "所选人员不在可能暴露人员之中" in response.content.decode()


def test_a_bad_days_value_falls_back_and_says_so(building, cdc):
    response = login(cdc).get(
        reverse("tracing:investigation_exposures", args=[building["investigation"].pk]), {"days": "999"}
    )
    assert response.status_code == 200
    assert response.context["filters"].days == 14 and response.context["filter_errors"]


def test_the_api_answers_reasons_and_404_outside(building, cdc, outsider):
    body = api_client(cdc).get(f"/api/v1/tracing/exposures/{building['case'].pk}?days=7").json()
    assert [(i["name"], i["reasons"][0]["reason"]) for i in body["items"]] == [
        ("李娜", "household"),
        ("陈静", "unit"),
        ("赵磊", "building"),
    ]
    assert all("*" in i["id_number_masked"] for i in body["items"])
    assert api_client(outsider).get(f"/api/v1/tracing/exposures/{building['case'].pk}").status_code == 404
    assert api_client(cdc).get(f"/api/v1/tracing/exposures/{building['case'].pk}?days=99").status_code == 422


def test_the_tracing_list_exports_masked_and_audited(building, cdc):
    make_contact(building["investigation"], building["spouse"], kind="close", place="同住")
    response = login(cdc).get(reverse("tracing:contacts_export", args=[building["investigation"].pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == "李娜"
    assert building["spouse"].id_number not in {str(c) for c in rows[1]}
    entry = AuditEntry.objects.get(action="export", object_type="tracing.contact")
    assert entry.changes["rows"] == 1
