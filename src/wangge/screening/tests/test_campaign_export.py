"""The campaign list's Excel export: the campaigns a user sees, audited once."""

import pytest
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.audit.models import AuditEntry
from wangge.core.testing import login, rows_of
from wangge.core.testing.factories import make_user
from wangge.screening.selectors import CAMPAIGN_EXPORT_HEADERS
from wangge.screening.services import campaign_create


@pytest.fixture
def other_campaign(city, outsider, actor, today):
    return campaign_create(actor=actor(outsider), name="二街道排查", area_code="420106002000",
                           start_date=today, end_date=today, frequency="once")


def test_the_export_lists_the_campaigns_the_user_sees(campaign, other_campaign, grid_worker):
    response = login(grid_worker).get(reverse("screening:campaign_list_export"))
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows[0]) == CAMPAIGN_EXPORT_HEADERS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert (row["名称"], row["排查范围代码"]) == ("街道一日一排查", "420106001")
    assert (row["频次"], row["状态"]) == ("每日", "进行中")
    assert row["发起人"] == "街道指挥部"


def test_an_outsider_exports_only_their_own_streets_campaigns(campaign, other_campaign, outsider):
    rows = rows_of(login(outsider).get(reverse("screening:campaign_list_export")))
    assert [r[1] for r in rows[1:]] == ["二街道排查"]


def test_the_export_writes_one_audit_entry(campaign, street_officer):
    b"".join(login(street_officer).get(reverse("screening:campaign_list_export")).streaming_content)
    entry = AuditEntry.objects.get(action="export")
    assert (entry.object_type, entry.changes["rows"]) == ("screening.campaign", 1)


def test_a_user_without_any_reach_gets_404(campaign):
    nobody = make_user("nobody", Role.COMMUNITY_WORKER, [], display_name="无范围")
    assert login(nobody).get(reverse("screening:campaign_list_export")).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_list_page_links_to_the_export(campaign, street_officer):
    page = login(street_officer).get(reverse("screening:campaign_list")).content.decode()
    assert reverse("screening:campaign_list_export") in page
