"""The site list's Excel export: a report (集中隔离点使用情况表) of the sites serving the user's area with
live occupancy and all of them together, signed by who exported it, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import login, rows_of
from wangge.quarantine import services

pytestmark = pytest.mark.django_db


def sites(rows):
    """The site rows of the report: below the title, the meta line and the two header rows, above the
    totals."""
    body = rows[4:]
    return body[: [r[0] for r in body].index("合计")]


def test_the_export_holds_the_sites_in_reach_and_not_the_others(city, street_officer, site, other_site):
    rows = rows_of(login(street_officer).get(reverse("quarantine:site_export")))
    assert rows[2][:2] == ["隔离点编号", "隔离点"]
    assert [r[1] for r in sites(rows)] == ["江滩酒店隔离点"]


def test_the_export_shows_rooms_beds_and_live_occupancy(city, street_officer, site, actor):
    services.quarantine_order_create(
        actor=actor(street_officer), resident_id=city["residents"]["A"].pk, regime_code="7+3", place="central",
        site_id=site.pk, room_id=site.rooms.get(number="103").pk, reason="密接")
    rows = rows_of(login(street_officer).get(reverse("quarantine:site_export")))
    assert sites(rows)[0][5:] == [3, 4, 1, 3, "25%"]  # 101 and 102 with one bed, 103 with two
    assert rows[5][:1] + rows[5][5:] == ["合计", 3, 4, 1, 3, "25%"]


def test_the_report_has_its_title_grouped_header_and_who_filled_it_in(city, street_officer, site):
    rows = rows_of(login(street_officer).get(reverse("quarantine:site_export")))
    assert rows[0][0].endswith("集中隔离点使用情况表")
    assert rows[1][0].startswith("填报单位：")
    assert (rows[2][5], rows[2][7]) == ("容量", "使用情况")
    assert rows[3][5:] == ["房间", "床位", "已入住", "空余", "使用率"]
    assert "填报人：街道指挥部" in rows[-1] and "审核人：" in rows[-1]


def test_the_export_writes_one_audit_entry_with_the_row_count(city, street_officer, site, other_site):
    assert login(street_officer).get(reverse("quarantine:site_export")).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="quarantine.site")
    assert entry.changes["rows"] == 1 and entry.actor_id == street_officer.pk


def test_an_outsider_exports_only_the_sites_serving_their_street(city, outsider, site, other_site):
    rows = rows_of(login(outsider).get(reverse("quarantine:site_export")))
    assert [r[1] for r in sites(rows)] == ["外街道隔离点"]


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_exported(site):
    response = Client().get(reverse("quarantine:site_export"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_site_list_links_to_the_export(city, street_officer, site):
    body = login(street_officer).get(reverse("quarantine:site_list")).content.decode()
    assert reverse("quarantine:site_export") in body
