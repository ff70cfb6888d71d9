"""The facility board's Excel export: a report (收治机构床位情况表) of the facilities available to the user
with live occupancy and their beds together, signed by who exported it, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import login, rows_of
from wangge.transfer import services
from wangge.transfer.models import Facility

pytestmark = pytest.mark.django_db


def facilities(rows):
    """The facility rows of the report: below the title, the meta line and the two header rows, above
    the totals."""
    body = rows[4:]
    return body[: [r[0] for r in body].index("合计")]


@pytest.fixture
def other_street_site(db):
    return Facility.objects.create(name="外街道隔离酒店", tier=Facility.Tier.ISOLATION_SITE, capacity=5,
                                   grid_code="420106002")


def test_the_export_holds_the_facilities_available_and_not_the_others(
        city, street_officer, fangcang, isolation_site, other_street_site):
    rows = rows_of(login(street_officer).get(reverse("transfer:facility_export")))
    assert rows[2][:3] == ["机构编号", "层级", "名称"]
    assert [r[2] for r in facilities(rows)] == ["某酒店隔离点", "洪山体育馆方舱"]


def test_the_export_counts_patients_on_the_way_against_the_beds(city, street_officer, actor, fangcang, plan):
    services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                             destination_id=fangcang.pk, **plan())
    row = facilities(rows_of(login(street_officer).get(reverse("transfer:facility_export"))))[0]
    assert row[1:3] == ["方舱医院", "洪山体育馆方舱"]
    assert row[6:] == [3, 0, 1, 2, "33%"]


def test_the_report_has_its_title_a_bed_header_the_beds_together_and_who_filled_it_in(
        city, street_officer, actor, fangcang, isolation_site, plan):
    services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                             destination_id=fangcang.pk, **plan())
    rows = rows_of(login(street_officer).get(reverse("transfer:facility_export")))
    assert rows[0][0].endswith("收治机构床位情况表")
    assert rows[1][0].startswith("填报单位：")
    assert rows[2][6] == "床位情况" and rows[3][6:] == ["床位", "在院", "在途", "剩余", "占用率"]
    body = facilities(rows)
    totals = rows[4 + len(body)]
    assert totals[0] == "合计"
    assert totals[6:10] == [sum(r[i] for r in body) for i in range(6, 10)]
    capacity, busy = totals[6], totals[7] + totals[8]
    assert totals[10] == f"{round(busy * 100 / capacity)}%"
    assert "填报人：街道指挥部" in rows[-1]


def test_the_export_writes_one_audit_entry_with_the_row_count(city, street_officer, fangcang, isolation_site):
    assert login(street_officer).get(reverse("transfer:facility_export")).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="transfer.facility")
    assert entry.changes["rows"] == 2 and entry.actor_id == street_officer.pk


def test_an_outsider_exports_none_of_the_facilities_of_another_street(city, outsider, isolation_site,
                                                                      other_street_site):
    rows = rows_of(login(outsider).get(reverse("transfer:facility_export")))
    assert [r[2] for r in facilities(rows)] == ["外街道隔离酒店"]


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_exported(fangcang):
    response = Client().get(reverse("transfer:facility_export"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_board_links_to_the_export(city, street_officer, fangcang):
    body = login(street_officer).get(reverse("transfer:facilities")).content.decode()
    assert reverse("transfer:facility_export") in body
