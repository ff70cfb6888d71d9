"""The audit log page: readable by auditors and command staff in their reach, nobody else."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import Role
from wangge.audit import services as audit
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import force_login
from wangge.core.testing.factories import make_user
from wangge.people import services as people_services

pytestmark = pytest.mark.django_db

LIST = reverse("audit:entry_list")


@pytest.fixture
def reveal_in_a(city, grid_worker, actor):
    people_services.resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk, field="id_number",
                                    purpose="tracing")
    return AuditEntry.objects.get(action=AuditAction.REVEAL)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_auditor_finds_a_reveal_in_the_log(client, reveal_in_a, auditor):
    response = force_login(client, auditor).get(LIST, {"action": "reveal"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [e.pk for e in response.context["entries"]] == [reveal_in_a.pk]
    assert "gw_a" in html and "显示明文" in html and "证件号码" in html


def test_grid_worker_gets_404(client, reveal_in_a, grid_worker):
    assert force_login(client, grid_worker).get(LIST).status_code == 404


def test_auditor_outside_the_scope_sees_nothing_of_it(client, reveal_in_a):
    other_auditor = make_user("auditor_2", Role.AUDITOR, ["420106002000"])
    response = force_login(client, other_auditor).get(LIST)
    assert response.status_code == 200
    assert reveal_in_a.pk not in [e.pk for e in response.context["entries"]]


def test_filter_by_username_and_object(client, city, reveal_in_a, street_officer, auditor, actor):
    people_services.resident_reveal(actor=actor(street_officer), resident_id=city["residents"]["B"].pk, field="phone",
                                    purpose="tracing")
    force_login(client, auditor)
    by_user = client.get(LIST, {"actor_username": "gw_a"}).context["entries"]
    assert [e.pk for e in by_user] == [reveal_in_a.pk]
    by_object = client.get(LIST, {"object_type": "people.resident", "object_id": str(city["residents"]["B"].pk)})
    assert [e.actor_username for e in by_object.context["entries"]] == ["street_1"]


def test_date_range_is_read_in_local_days(client, reveal_in_a, auditor):
    force_login(client, auditor)
    today = timezone.localdate()
    assert client.get(LIST, {"since": today.isoformat(), "until": today.isoformat()}).context["entries"]
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert not client.get(LIST, {"until": yesterday}).context["entries"]


def test_times_are_shown_in_shanghai_time(client, reveal_in_a, auditor):
    html = force_login(client, auditor).get(LIST).content.decode()
    assert timezone.localtime(reveal_in_a.at).strftime("%Y-%m-%d %H:%M:%S") in html
    assert "+08:00" in html  # the machine-readable datetime carries the offset


@override_settings(WANGGE_PAGE_SIZE=2)
def test_pages_walk_back_in_time_by_cursor(client, city, auditor, actor, grid_worker):
    for _ in range(5):
        audit.record(actor=actor(grid_worker), action=AuditAction.VIEW, obj=city["residents"]["A"])
    force_login(client, auditor)
    seen = []
    url = LIST
    while url:
        response = client.get(url if url.startswith("/") else LIST + url)
        seen += [e.pk for e in response.context["entries"]]
        url = response.context["next_url"]
    expected = list(AuditEntry.objects.restrict(auditor).order_by("-at", "-id").values_list("pk", flat=True))
    assert len(expected) >= 5  # the five views, and the auditor's own login
    assert seen == expected


def test_the_page_offers_no_way_to_change_the_log(client, reveal_in_a, auditor):
    html = force_login(client, auditor).get(LIST).content.decode()
    assert 'method="post"' not in html.split("<main")[1].split("</main>")[0]


@pytest.mark.parametrize("query, field, message", [
    ({"action": "erase"}, "action", "取值无效"),
    ({"since": "2026-02-30"}, "since", "YYYY-MM-DD"),
    ({"until": "1900-01-01"}, "until", "1901–2099"),
    ({"object_id": "9" * 65}, "object_id", "内容过长"),
])
def test_a_bad_filter_is_a_message_on_the_page_and_left_out(client, reveal_in_a, auditor, query, field, message):
    response = force_login(client, auditor).get(LIST, query)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert reveal_in_a in response.context["entries"]  # the filter left out: the whole log


def test_a_good_filter_still_applies_beside_a_bad_one(client, reveal_in_a, auditor):
    response = force_login(client, auditor).get(LIST, {"action": "erase", "actor_username": "nobody"})
    assert "action" in response.context["form"].errors
    assert list(response.context["entries"]) == []
