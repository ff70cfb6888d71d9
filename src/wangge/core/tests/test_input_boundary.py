"""Bad input to the pages is a readable Chinese 422, never a server error.

NUL characters anywhere in a request are refused once, by ``core.middleware``; dates and times in
page forms go through ``core.forms`` (the API's half is in tests/api/test_input_boundary.py).
"""

import importlib
import pkgutil

import pytest
from django import forms
from django.test import Client

import wangge
from wangge.core import forms as core_forms
from wangge.core.testing import actor_for, login
from wangge.core.testing.factories import TEST_PASSWORD
from wangge.screening.models import SelfDeclaration
from wangge.screening.services import declaration_link_for
from wangge.tracing.models import TrajectoryEntry


def assert_refused_page(response):
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "请求无法处理" in text
    assert "空字符" in text


@pytest.fixture
def declaration_link(city, grid_worker):
    return declaration_link_for(actor=actor_for(grid_worker), household_id=city["households"]["A"][0].pk)


# --- NUL characters ---------------------------------------------------------------------------
def test_a_nul_in_a_page_query_is_a_chinese_422_page(city, street_officer):
    assert_refused_page(login(street_officer).get("/people/residents/", {"q": "张\x00"}))


def test_a_nul_in_the_login_form_is_a_422_page(db):
    assert_refused_page(Client().post("/accounts/login/", {"username": "gw\x00", "password": TEST_PASSWORD}))


def test_a_nul_in_the_public_declaration_form_is_a_422_page_and_nothing_is_stored(city, declaration_link):
    response = Client().post(f"/screening/d/{declaration_link.token}/", {
        "resident_id": city["residents"]["A"].pk, "temperature": "36.5", "travel_history": "武汉\x00",
    })
    assert_refused_page(response)
    assert not SelfDeclaration.objects.exists()


def test_a_nul_in_a_cookie_is_refused_before_the_session_is_read(db):
    assert_refused_page(Client().get("/", HTTP_COOKIE="sessionid=abcdefgh\x00"))


def test_ordinary_text_passes(city, street_officer):
    assert login(street_officer).get("/people/residents/", {"q": "张"}).status_code == 200


# --- Times in forms ---------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["2026-01-01T00:00:00+20:00", "2026-01-01T00:00:00+99:00",
                                   "0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_trajectory_time_postgresql_cannot_store_is_a_form_error(investigation, cdc, start):
    response = login(cdc).post(f"/tracing/investigations/{investigation.pk}/trajectory/",
                                   {"place": "超市", "start": start})
    assert response.status_code == 422
    assert "时区偏移不超过 ±15:59" in response.content.decode()
    assert not TrajectoryEntry.objects.exists()


def test_a_local_trajectory_time_is_still_accepted(investigation, cdc):
    response = login(cdc).post(f"/tracing/investigations/{investigation.pk}/trajectory/",
                                   {"place": "超市", "start": "2026-01-01T08:00"})
    assert response.status_code == 302
    assert TrajectoryEntry.objects.get().start.isoformat() == "2026-01-01T00:00:00+00:00"


@pytest.mark.parametrize("field", ["resident_id", "temperature", "travel_history", "symptoms"])
def test_a_timestamp_with_offset_99_in_the_declaration_form_is_refused_without_a_server_error(
        city, declaration_link, field):
    data = {"resident_id": city["residents"]["A"].pk, "temperature": "36.5", field: "2026-01-01T00:00:00+99:00"}
    response = Client().post(f"/screening/d/{declaration_link.token}/", data)
    assert response.status_code in (302, 422)


def test_a_day_far_outside_1901_to_2099_on_the_daily_table_is_404_not_500(city, street_officer):
    assert login(street_officer).get("/health/", {"date": "0001-01-01"}).status_code in (200, 404)


def _all_form_classes():
    for module in pkgutil.walk_packages(wangge.__path__, "wangge."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "views", "import_views"):
            importlib.import_module(module.name)
    stack, seen = [forms.BaseForm], set()
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return [c for c in seen if c.__module__.startswith("wangge.")]


def test_every_date_and_time_field_of_the_page_forms_is_the_shared_one():
    classes = _all_form_classes()
    assert len(classes) > 10
    for cls in classes:
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.DateTimeField):
                assert isinstance(field, core_forms.DateTimeField), f"{cls.__qualname__}.{name}"
            elif isinstance(field, forms.DateField):
                assert isinstance(field, core_forms.DateField), f"{cls.__qualname__}.{name}"
