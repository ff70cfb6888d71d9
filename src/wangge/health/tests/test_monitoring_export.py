"""The monitoring list's Excel export: people in reach with their am/pm temperatures, masked and audited."""

from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.testing import login, rows_of
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.selectors import MONITORING_EXPORT_HEADERS
from wangge.health.services import health_report_record


def test_the_export_lists_people_in_reach_with_their_temperatures(city, grid_worker, actor):
    a, b = city["residents"]["A"], city["residents"]["B"]
    put_in(a, S.CLOSE_CONTACT)
    put_in(b, S.CLOSE_CONTACT)
    health_report_record(actor=actor(grid_worker), resident_id=a.pk, date=timezone.localdate(), slot="am",
                         temperature="36.6", symptoms=["干咳"])
    response = login(grid_worker).get(reverse("health:monitoring_export"))
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows[0]) == MONITORING_EXPORT_HEADERS
    assert [r[1] for r in rows[1:]] == ["张伟"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["上午体温"], row["上午症状"], row["上午来源"]) == (36.6, "干咳", "工作人员录入")
    assert (row["下午体温"], row["下午来源"]) == (None, "未报")
    assert row["状态"] == "密切接触者"


def test_the_export_masks_id_numbers_and_phones(city, grid_worker):
    a = city["residents"]["A"]
    put_in(a, S.CLOSE_CONTACT)
    row = dict(zip(*rows_of(login(grid_worker).get(reverse("health:monitoring_export"))), strict=True))
    assert row["证件号码"] == a.id_number_masked and row["证件号码"] != a.id_number
    assert row["手机号"] == a.phone_masked


def test_the_export_writes_one_audit_entry_with_the_row_count(city, street_officer):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    put_in(city["residents"]["B"], S.FEVER)
    response = login(street_officer).get(reverse("health:monitoring_export"), {"within": "420106001"})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="export")
    assert (entry.object_type, entry.changes["rows"]) == ("health.healthreport", 2)


def test_an_outsider_exports_nobody_from_another_street(city, outsider):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    rows = rows_of(login(outsider).get(reverse("health:monitoring_export")))
    assert rows[1:] == []


def test_an_area_out_of_reach_is_404_and_not_audited(city, outsider):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    response = login(outsider).get(reverse("health:monitoring_export"), {"within": "420106001"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_monitoring_page_links_to_the_export(city, grid_worker):
    page = login(grid_worker).get(reverse("health:monitoring")).content.decode()
    assert reverse("health:monitoring_export") in page
