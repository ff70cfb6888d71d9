"""The resident list page: search, filters, keyset pages, masking, export."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import force_login
from wangge.core.testing.factories import add_resident
from wangge.people.models import KeyGroupTag, ResidentTag

pytestmark = pytest.mark.django_db

LIST = reverse("people:resident_list")


def names(response):
    return [r.name for r in response.context["page"].items]


def test_anonymous_user_is_sent_to_login(client, city):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_list_shows_only_residents_in_reach(client, city, grid_worker):
    assert sorted(names(force_login(client, grid_worker).get(LIST))) == sorted(["张伟", "李娜"])


def test_outsider_sees_none_of_grid_a(client, city, outsider):
    response = force_login(client, outsider).get(LIST)
    assert names(response) == ["刘洋"]
    assert "张伟" not in response.content.decode()


def test_list_masks_id_numbers_and_phones(client, city, grid_worker):
    resident = city["residents"]["A"]
    html = force_login(client, grid_worker).get(LIST).content.decode()
    assert resident.id_number_masked in html
    assert resident.id_number not in html
    assert resident.phone_masked in html
    assert resident.phone not in html


def test_search_by_name_prefix(client, city, street_officer):
    assert names(force_login(client, street_officer).get(LIST, {"q": "王"})) == ["王芳"]


def test_search_by_phone(client, city, street_officer):
    household = city["households"]["B"][1]
    add_resident(household, name="陈静", male=False, phone="13912345678")
    assert names(force_login(client, street_officer).get(LIST, {"q": "13912345678"})) == ["陈静"]


def test_search_by_last_four_id_digits(client, city, street_officer):
    resident = city["residents"]["A2"]
    tail = resident.id_number[-4:]
    found = force_login(client, street_officer).get(LIST, {"q": tail}).context["page"].items
    assert resident in found
    assert all(r.id_number.endswith(tail) for r in found)


def test_search_by_full_id_number(client, city, street_officer):
    resident = city["residents"]["B"]
    assert names(force_login(client, street_officer).get(LIST, {"q": resident.id_number})) == ["王芳"]


def test_filter_by_key_group_tag(client, city, street_officer):
    tag, _ = KeyGroupTag.objects.get_or_create(code="elderly_alone", defaults={"name": "独居老人"})
    resident = city["residents"]["B"]
    ResidentTag.objects.create(resident=resident, tag=tag, grid_code=resident.grid_code)
    assert names(force_login(client, street_officer).get(LIST, {"tag": "elderly_alone"})) == ["王芳"]


def test_filter_by_residence_type(client, city, street_officer):
    household = city["households"]["A"][1]
    add_resident(household, name="周杰", residence_type="floating")
    assert names(force_login(client, street_officer).get(LIST, {"residence_type": "floating"})) == ["周杰"]


def test_within_narrows_to_a_grid(client, city, street_officer):
    assert names(force_login(client, street_officer).get(LIST, {"within": "420106001001002"})) == ["王芳"]


def test_within_outside_reach_widens_nothing(client, city, grid_worker):
    assert names(force_login(client, grid_worker).get(LIST, {"within": "420106002"})) == []


@override_settings(WANGGE_PAGE_SIZE=2)
def test_pages_follow_the_next_cursor_without_a_count(client, city, street_officer):
    force_login(client, street_officer)
    first = client.get(LIST)
    html = first.content.decode()
    assert first.context["page"].next_cursor
    assert "下一页" in html
    assert "共" not in html  # no total over the table
    second = client.get(first.context["next_url"])
    assert len(names(first)) == 2 and len(names(second)) == 1
    assert set(names(first)).isdisjoint(names(second))
    assert second.context["page"].next_cursor is None
    assert "回到第一页" in second.content.decode()


@override_settings(WANGGE_PAGE_SIZE=1)
def test_next_link_keeps_the_filters(client, city, street_officer):
    response = force_login(client, street_officer).get(LIST, {"within": "420106001001001"})
    assert "within=420106001001001" in response.context["next_url"]
    assert "cursor=" in response.context["next_url"]


def test_htmx_search_returns_only_the_results(client, city, grid_worker):
    response = force_login(client, grid_worker).get(LIST, {"q": "张"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "张伟" in html
    assert "<html" not in html and 'class="search-form"' not in html


def test_export_downloads_masked_rows_and_is_audited(client, city, grid_worker):
    response = force_login(client, grid_worker).get(reverse("people:resident_export"), {"q": "张"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert "张伟" in rows[1]
    assert city["residents"]["A"].id_number_masked in rows[1]
    assert city["residents"]["A"].id_number not in rows[1]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor_username == "gw_a"
    assert entry.changes["rows"] == 1


def test_export_over_the_stream_limit_goes_to_the_worker(client, city, grid_worker, settings):
    settings.WANGGE_EXPORT_STREAM_ROWS = 1
    response = force_login(client, grid_worker).get(reverse("people:resident_export"))
    assert response.status_code == 302
    assert response["Location"].startswith("/exports/")
