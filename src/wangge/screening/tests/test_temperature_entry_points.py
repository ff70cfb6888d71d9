"""Every place a temperature is typed reads it by the one rule (``core.inputs.parse_temperature``).

Each entry point is given "36，5" (full-width comma: accepted as 36.5) and "36.55" (two decimals:
refused, nothing written).  The rule itself is tested in ``core/tests/test_temperature.py``.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.services import api_token_issue
from wangge.core.errors import ValidationFailed
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import HealthReport
from wangge.health.services import current_slot, health_report_record
from wangge.screening.models import MemberCheck, SelfDeclaration
from wangge.screening.services import declaration_link_for, declaration_submit, health_report_self, visit_record

ACCEPTED, REFUSED = "36，5", "36.55"


@pytest.fixture
def link(city, grid_worker, actor):
    return declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)


@pytest.fixture
def resident(city):
    resident = city["residents"]["A"]
    put_in(resident, S.CLOSE_CONTACT)  # under monitoring, for the self-report page
    return resident


def api(user=None):
    headers = {"Authorization": f"Bearer {api_token_issue(user=user)}"} if user else {}
    return Client(headers=headers, REMOTE_ADDR="10.1.2.3")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def health_service(ctx, typed):
    health_report_record(actor=ctx["actor"](ctx["grid_worker"]), resident_id=ctx["resident"].pk,
                         date=ctx["today"], slot="am", temperature=typed)


def health_self_service(ctx, typed):
    health_report_self(link_token=ctx["link"].token, resident_id=ctx["resident"].pk, slot=current_slot(),
                       temperature=typed, symptoms=[])


def health_api(ctx, typed):
    return api(ctx["grid_worker"]).post("/api/v1/health/reports", {
        "resident_id": ctx["resident"].pk, "slot": "am", "temperature": typed}, content_type="application/json")


def health_page(ctx, typed):
    return logged_in(ctx["grid_worker"]).post(
        reverse("health:monitoring_report", args=[ctx["resident"].pk]), {"slot": "am", "temperature": typed},
        HTTP_HX_REQUEST="true")


def health_self_page(ctx, typed):
    return Client().post(reverse("screening:declare_monitoring", args=[ctx["link"].token]), {
        "resident_id": ctx["resident"].pk, "slot": current_slot(), "temperature": typed})


def visit_service(ctx, typed):
    visit_record(actor=ctx["actor"](ctx["grid_worker"]), campaign_id=ctx["campaign"].pk,
                 household_id=ctx["resident"].household_id, outcome="visited",
                 members=[{"resident_id": ctx["resident"].pk, "present": True, "temperature": typed}])


def visit_api(ctx, typed):
    return api(ctx["grid_worker"]).post("/api/v1/screening/visits", {
        "campaign_id": ctx["campaign"].pk, "household_id": ctx["resident"].household_id, "outcome": "visited",
        "members": [{"resident_id": ctx["resident"].pk, "temperature": typed}]}, content_type="application/json")


def visit_page(ctx, typed):
    pk = ctx["resident"].pk
    return logged_in(ctx["grid_worker"]).post(
        reverse("screening:visit", args=[ctx["campaign"].pk, ctx["resident"].household_id]),
        {f"present_{pk}": "on", f"temp_{pk}": typed, "outcome": "visited"})


def declaration_service(ctx, typed):
    declaration_submit(actor=ctx["actor"](None), token=ctx["link"].token, resident_id=ctx["resident"].pk,
                       temperature=typed)


def declaration_api(ctx, typed):
    return api().post(f"/api/v1/screening/declare/{ctx['link'].token}", {
        "resident_id": ctx["resident"].pk, "temperature": typed}, content_type="application/json")


def declaration_page(ctx, typed):
    return Client().post(reverse("screening:declare", args=[ctx["link"].token]), {
        "resident_id": ctx["resident"].pk, "temperature": typed})


def reports():
    return [r.temperature for r in HealthReport.objects.all()]


def checks():
    return [c.temperature for c in MemberCheck.objects.filter(present=True)]


def declarations():
    return [d.temperature for d in SelfDeclaration.objects.all()]


ENTRY_POINTS = [
    (health_service, reports), (health_self_service, reports), (health_api, reports), (health_page, reports),
    (health_self_page, reports), (visit_service, checks), (visit_api, checks), (visit_page, checks),
    (declaration_service, declarations), (declaration_api, declarations), (declaration_page, declarations),
]
IDS = [entry.__name__ for entry, _ in ENTRY_POINTS]


@pytest.fixture
def ctx(city, grid_worker, actor, link, resident, campaign, today):
    return {"grid_worker": grid_worker, "actor": actor, "link": link, "resident": resident, "campaign": campaign,
            "today": today}


@pytest.mark.parametrize("entry, stored", ENTRY_POINTS, ids=IDS)
def test_a_full_width_comma_is_read_as_a_decimal_point(ctx, entry, stored):
    response = entry(ctx, ACCEPTED)
    assert response is None or response.status_code in (200, 201, 302), response.content.decode()[:300]
    assert stored() == [Decimal("36.5")]


@pytest.mark.parametrize("entry, stored", ENTRY_POINTS, ids=IDS)
def test_two_decimals_are_refused_and_nothing_is_written(ctx, entry, stored):
    try:
        response = entry(ctx, REFUSED)
    except ValidationFailed as exc:
        [message] = [str(m) for field, m in exc.errors.items() if field.endswith("temperature")]
        assert "最多一位小数" in message
    else:
        assert response.status_code == 422, response.content.decode()[:300]
        body = response.json() if response["Content-Type"].startswith("application/json") else response.content.decode()
        assert "最多一位小数" in str(body)
    assert stored() == []


@pytest.mark.parametrize("entry, stored", ENTRY_POINTS, ids=IDS)
def test_three_digits_typed_without_the_point_are_read_as_one_decimal(ctx, entry, stored):
    response = entry(ctx, "372")
    assert response is None or response.status_code in (200, 201, 302), response.content.decode()[:300]
    assert stored() == [Decimal("37.2")]


def test_the_visit_form_shows_the_format_as_an_example_never_as_a_bare_value(ctx):
    pk = ctx["resident"].pk
    page = logged_in(ctx["grid_worker"]).get(
        reverse("screening:visit", args=[ctx["campaign"].pk, ctx["resident"].household_id])).content.decode()
    assert f'name="temp_{pk}"' in page
    assert 'placeholder="36.5"' not in page and 'placeholder="如 36.5"' in page
    assert 'pattern="' not in page  # the one rule is the server's parser, not a second one in the browser
