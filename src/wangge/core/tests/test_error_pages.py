"""403 and 404 pages are the site's own: its layout (skip link, header, navigation for a signed-in
user, the 长辈版 switch) in the visitor's language, with DEBUG off as in production."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

from wangge import urls as site_urls
from wangge.core.testing import login
from wangge.core.testing.factories import make_user


def refuse(request):
    raise PermissionDenied


# The site's URLs plus one view that refuses, so the project's handler403 answers it.
urlpatterns = [*site_urls.urlpatterns, path("refused-for-the-test/", refuse)]
handler403 = site_urls.handler403
handler404 = site_urls.handler404

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_debug_off")]


@pytest.fixture
def _debug_off(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def _in_site_layout(html: str) -> bool:
    parts = ('class="skip-link"', '<main class="container" id="main"', 'data-testid="text-size"')
    return all(part in html for part in parts)


def test_an_unknown_page_answers_404_in_the_site_layout_in_chinese():
    response = Client().get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in html and _in_site_layout(html)
    assert '<html lang="zh-hans"' in html


def test_the_404_page_is_in_english_for_an_english_visitor():
    response = Client(headers={"Accept-Language": "en"}).get("/no/such/page/")
    assert response.status_code == 404
    assert '<html lang="en"' in response.content.decode()


def test_the_404_page_shows_a_signed_in_worker_the_navigation():
    response = login(make_user("gw404")).get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'href="{reverse("people:resident_list")}"' in html and f'action="{reverse("accounts:logout")}"' in html


def test_a_refusal_answers_403_in_the_site_layout_in_the_visitors_language():
    response = login(make_user("gw403")).get("/refused-for-the-test/", headers={"Accept-Language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-403"' in html and _in_site_layout(html)
    assert '<html lang="en"' in html
    assert f'href="{reverse("people:resident_list")}"' in html


def test_the_error_pages_keep_large_text_mode():
    client = Client()
    client.cookies["wangge_large_text"] = "1"
    assert '<html lang="zh-hans" class="large-text"' in client.get("/no/such/page/").content.decode()
