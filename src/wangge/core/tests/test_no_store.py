"""Nothing with personal data stays in a browser's or a proxy's cache: every page, API answer
and export carries ``Cache-Control: no-store`` (core.middleware.NoStoreMiddleware)."""

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.services import api_token_issue
from wangge.core.testing import login


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.fixture
def logged_in(grid_worker):
    return login(grid_worker)


def test_a_page_is_not_stored(logged_in, city):
    response = logged_in.get(reverse("people:resident_detail", args=[city["residents"]["A"].pk]))
    assert response.status_code == 200
    assert_no_store(response)


def test_an_excel_export_is_not_stored(logged_in, city):
    response = logged_in.get(reverse("people:resident_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_no_store(response)


def test_an_api_answer_is_not_stored(city, grid_worker):
    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=grid_worker)}"})
    response = client.get(f"/api/v1/residents/{city['residents']['A'].pk}")
    assert response.status_code == 200
    assert_no_store(response)


def test_an_api_error_is_not_stored(db):
    assert_no_store(Client().get("/api/v1/residents"))


def test_the_public_declaration_page_is_not_stored(city, grid_worker, actor):
    from wangge.screening.services import declaration_link_for

    link = declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    assert_no_store(Client().get(reverse("screening:declare", args=[link.token])))


def test_static_files_keep_their_cache_headers(db):
    response = Client().get("/static/wangge/area_chart.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
