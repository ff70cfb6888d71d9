"""The household's public declaration page: its health-monitoring section for members under monitoring."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import HealthReport
from wangge.health.services import current_slot
from wangge.screening.services import declaration_link_for, declaration_link_revoke


@pytest.fixture
def link(city, grid_worker, actor):
    return declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)


@pytest.fixture
def contact(city):
    resident = city["residents"]["A"]
    put_in(resident, S.CLOSE_CONTACT)
    return resident


def post(link, resident, temperature="36.5", **extra):
    return Client().post(reverse("screening:declare_monitoring", args=[link.token]), {
        "resident_id": resident.pk, "slot": current_slot(), "temperature": temperature, **extra,
    })


def test_the_page_shows_monitoring_only_for_members_under_monitoring(link, contact, city):
    page = Client().get(reverse("screening:declare", args=[link.token])).content.decode()
    assert 'data-testid="self-monitoring"' in page
    assert f'data-testid="monitor-{contact.pk}"' in page
    assert f'data-testid="monitor-{city["residents"]["A2"].pk}"' not in page
    assert "上午" in page and "下午" in page


def test_the_monitoring_form_opens_the_decimal_keypad(link, contact):
    page = Client().get(reverse("screening:declare", args=[link.token])).content.decode()
    section = page[page.index('data-testid="self-monitoring"'):]
    assert 'inputmode="decimal"' in section


def test_no_monitoring_section_when_nobody_is_monitored(link):
    page = Client().get(reverse("screening:declare", args=[link.token])).content.decode()
    assert "self-monitoring" not in page


def test_the_page_does_not_show_the_epidemic_status(link, contact):
    page = Client().get(reverse("screening:declare", args=[link.token])).content.decode()
    assert "密切接触者" not in page
    assert "张伟" not in page  # names are masked on the public page


def test_submitting_records_a_self_report_and_shows_it(link, contact):
    response = post(link, contact, "36.7")
    assert response.status_code == 302
    report = HealthReport.objects.get(resident=contact)
    assert (report.source, report.reported_by, report.temperature) == ("self", None, Decimal("36.7"))
    page = Client().get(reverse("screening:declare", args=[link.token])).content.decode()
    assert "36.7℃" in page


def test_the_submission_is_audited_with_the_link_channel_and_ip(link, contact):
    post(link, contact)
    entry = AuditEntry.objects.get(object_type="health.healthreport")
    assert (entry.channel, entry.actor, entry.ip_address) == ("link", None, "127.0.0.1")


def test_a_bad_temperature_is_shown_in_chinese_and_nothing_is_saved(link, contact):
    response = post(link, contact, "45")
    assert response.status_code == 422
    assert "体温应在 34.0 至 43.0" in response.content.decode()
    assert not HealthReport.objects.exists()


def test_a_revoked_link_is_404(link, contact, city, grid_worker, actor):
    declaration_link_revoke(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    assert post(link, contact).status_code == 404
    assert not HealthReport.objects.exists()


def test_another_households_resident_is_404(link, city):
    other = city["residents"]["B"]
    put_in(other, S.CLOSE_CONTACT)
    assert post(link, other).status_code == 404
    assert not HealthReport.objects.exists()


def test_a_member_not_under_monitoring_is_404(link, city):
    assert post(link, city["residents"]["A2"]).status_code == 404


def test_the_monitoring_form_only_accepts_posts(link):
    assert Client().get(reverse("screening:declare_monitoring", args=[link.token])).status_code == 405
