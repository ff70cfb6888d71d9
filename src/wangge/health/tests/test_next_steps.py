"""After a status change the person page says what the change set going and offers the next steps
(the investigation 确诊 opened, an order to isolate, a transfer to admit), which the apps above offer
through ``health.hooks.next_steps``; a refused change keeps what was typed."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wangge.core.testing import login
from wangge.core.testing.factories import make_quarantine_order, put_in
from wangge.health import selectors
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import PersonStatus
from wangge.tracing.models import Investigation

CONFIRM = {"to_status": "confirmed", "severity": "mild", "reason": "核酸阳性", "test_result": "阳性 Ct 28"}


def steps(user, resident, status):
    return {step.key: step for step in selectors.next_steps(user=user, resident=resident, status=status)}


def test_after_confirming_the_message_links_the_investigation_it_opened(city, cdc):
    resident = city["residents"]["A"]
    response = login(cdc).post(reverse("health:person", args=[resident.pk]), CONFIRM, follow=True)
    investigation = Investigation.objects.get(case=resident)
    page = response.content.decode()
    link = reverse("tracing:investigation_detail", args=[investigation.pk])
    assert f'<a href="{link}" data-step="investigation">' in page  # in the message, not escaped


def test_a_confirmed_case_is_offered_an_order_to_isolate_and_a_transfer_to_admit_with_the_person_picked(city, cdc):
    resident = city["residents"]["A"]
    login(cdc).post(reverse("health:person", args=[resident.pk]), CONFIRM)
    page = login(cdc).get(reverse("health:person", args=[resident.pk])).content.decode()
    assert f'href="{reverse("quarantine:order_new")}?resident={resident.pk}"' in page
    assert f'href="{reverse("transfer:new")}?resident={resident.pk}"' in page


def test_the_transfer_form_comes_with_the_person_picked_and_never_one_out_of_reach(city, community_worker):
    resident, elsewhere = city["residents"]["A"], city["residents"]["C"]  # C lives in the other street
    client = login(community_worker)
    assert client.get(reverse("transfer:new"), {"resident": resident.pk}).context["picked"] == [resident]
    assert client.get(reverse("transfer:new"), {"resident": elsewhere.pk}).context["picked"] == []


def test_the_order_form_comes_with_the_person_picked(city, cdc):
    resident = city["residents"]["A"]
    response = login(cdc).get(reverse("quarantine:order_new"), {"resident": resident.pk})
    assert response.context["picked"] == [resident]  # in the person picker, picked already


def test_a_person_already_under_an_order_is_offered_the_order_not_a_new_one(city, cdc):
    resident = city["residents"]["A"]
    put_in(resident, S.CONFIRMED)
    today = timezone.localdate()
    order = make_quarantine_order(resident, start=today, planned_release=today + dt.timedelta(days=7))
    step = steps(cdc, resident, S.CONFIRMED)["quarantine"]
    assert step.url == reverse("quarantine:order_detail", args=[order.pk]) and step.note


def test_only_steps_the_user_may_take_are_offered(city, grid_worker):
    # A grid worker may order home isolation but may not plan a transfer.
    resident = city["residents"]["A"]
    put_in(resident, S.SUSPECTED)
    assert set(steps(grid_worker, resident, S.SUSPECTED)) == {"quarantine"}


def test_a_status_with_nothing_to_do_next_offers_nothing(city, cdc):
    assert steps(cdc, city["residents"]["A"], S.RECOVERED) == {}


def test_a_refused_change_comes_back_with_what_was_typed_and_the_coded_error(city, cdc):
    resident = city["residents"]["A"]
    response = login(cdc).post(reverse("health:person", args=[resident.pk]),
                               {"to_status": "confirmed", "severity": "mild", "reason": "发热门诊转来"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'data-code="evidence_required"' in page
    assert 'value="发热门诊转来"' in page
    assert '<option value="confirmed" selected>' in page and '<option value="mild" selected>' in page
    assert not PersonStatus.objects.exists()
