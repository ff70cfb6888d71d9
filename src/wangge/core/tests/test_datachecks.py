"""The data checks' table (core.datachecks) and pages (core:data_checks, core:data_check)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.core import datachecks
from wangge.core.datachecks import DataCheck, data_checks, register
from wangge.core.testing import GRID_C, force_login
from wangge.core.testing.factories import add_resident, make_health_report

CHECKS = reverse("core:data_checks")


def check_url(key):
    return reverse("core:data_check", args=[key])


def test_every_app_s_checks_are_in_the_table():
    assert {c.key for c in data_checks()} >= {
        "people.household_two_heads",
        "people.household_without_head",
        "people.registered_twice",
        "health.report_in_future",
        "screening.visit_in_future",
        "screening.declaration_in_future",
        "quarantine.test_in_future",
    }


def test_two_checks_of_one_name_are_refused():
    existing = data_checks()[0]
    with pytest.raises(ValueError):
        register(DataCheck(key=existing.key, title=existing.title, rows=existing.rows, describe=lambda row: None))


def test_a_later_app_adds_a_check_without_touching_the_page(client, city, community_worker, monkeypatch):
    data_checks()  # every app's checks in first, so the copy holds them
    monkeypatch.setattr(datachecks, "_registry", dict(datachecks._registry))
    from wangge.people.datachecks import _household
    from wangge.people.selectors import households_without_head

    register(
        DataCheck(
            key="later.app_check", title="后来的检查", rows=households_without_head, describe=_household, order=999
        )
    )
    force_login(client, community_worker)
    assert check_url("later.app_check") in client.get(CHECKS).content.decode()


def count_of(response, key):
    return next(r["count"] for r in response.context["rows"] if r["check"].key == key)


def test_the_page_counts_the_problems_in_the_reach(client, city, community_worker):
    add_resident(city["households"]["A"][1], name="周强", relation="child")
    add_resident(city["households"]["C"][1], name="吴磊", relation="child")  # another street
    make_health_report(city["residents"]["A"], date=timezone.localdate() + dt.timedelta(days=2))
    force_login(client, community_worker)
    response = client.get(CHECKS)
    assert count_of(response, "people.household_without_head") == 1
    assert count_of(response, "health.report_in_future") == 1
    assert count_of(response, "people.registered_twice") == 0


def test_a_check_lists_its_problems_with_links_to_the_records(client, city, community_worker):
    household = city["households"]["A"][1]
    add_resident(household, name="周强", relation="child")
    force_login(client, community_worker)
    response = client.get(check_url("people.household_without_head"))
    assert [p.url for p in response.context["problems"]] == [reverse("grid:household", args=[household.pk])]
    assert response.context["count"] == 1


def test_a_long_list_is_paged_by_keyset(client, city, community_worker):
    for key in ("A", "B"):
        add_resident(city["households"][key][1], name="周强", relation="child")
    force_login(client, community_worker)
    first = client.get(check_url("people.household_without_head"), {"size": 1})
    assert len(first.context["problems"]) == 1 and first.context["next_url"]
    second = client.get(first.context["next_url"])
    assert len(second.context["problems"]) == 1
    assert second.context["problems"][0].url != first.context["problems"][0].url
    assert not second.context["next_url"]


def test_the_outsider_sees_nothing_of_another_street(client, city, outsider):
    add_resident(city["households"]["A"][1], name="周强", relation="child")
    force_login(client, outsider)
    response = client.get(check_url("people.household_without_head"))
    assert response.context["problems"] == [] and response.context["count"] == 0
    assert "周强" not in response.content.decode()


def test_an_area_outside_the_reach_is_404(client, city, community_worker):
    force_login(client, community_worker)
    assert client.get(CHECKS, {"within": GRID_C}).status_code == 404


def test_an_unknown_check_is_404(client, city, community_worker):
    force_login(client, community_worker)
    assert client.get(check_url("no.such_check")).status_code == 404


@pytest.mark.parametrize("who", ["grid_worker", "volunteer", "auditor"])
def test_roles_outside_the_community_and_command_are_refused(client, city, who, request):
    force_login(client, request.getfixturevalue(who))
    assert client.get(CHECKS).status_code == 403


def test_the_navigation_links_the_page_for_those_who_may_see_it(client, city, community_worker, grid_worker):
    force_login(client, community_worker)
    assert f'href="{CHECKS}"' in client.get(reverse("people:resident_list")).content.decode()
    force_login(client, grid_worker)
    assert f'href="{CHECKS}"' not in client.get(reverse("people:resident_list")).content.decode()
