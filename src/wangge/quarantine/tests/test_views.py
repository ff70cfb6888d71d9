"""Quarantine pages: lists, detail, actions, the certificate (released orders only) and scope 404s."""

from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.testing import login
from wangge.quarantine import services
from wangge.quarantine.tests.orders import make_order


def released_order(actor, user, resident):
    order = make_order(actor, user, resident, days_ago=10)
    for test in order.tests.all():
        services.test_result_record(actor=actor(user), test_id=test.pk, result="negative")
    return services.order_release(actor=actor(user), order_id=order.pk)


def test_the_order_list_shows_orders_in_reach(city, street_officer, actor):
    make_order(actor, street_officer, city["residents"]["A"])
    page = login(street_officer).get(reverse("quarantine:order_list"))
    assert page.status_code == 200 and "张伟" in page.content.decode()


def test_the_order_list_hides_orders_out_of_reach(city, street_officer, outsider, actor):
    make_order(actor, street_officer, city["residents"]["A"])
    assert "张伟" not in login(outsider).get(reverse("quarantine:order_list")).content.decode()


def test_the_due_view_lists_orders_due_today(city, street_officer, actor):
    make_order(actor, street_officer, city["residents"]["A"], days_ago=10)
    make_order(actor, street_officer, city["residents"]["B"], days_ago=1)
    body = login(street_officer).get(reverse("quarantine:order_list"), {"view": "due"}).content.decode()
    assert "张伟" in body and "王芳" not in body


def test_an_order_out_of_reach_is_404(city, street_officer, outsider, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    assert login(outsider).get(reverse("quarantine:order_detail", args=[order.pk])).status_code == 404


def test_the_order_detail_shows_the_schedule_with_buttons_only_for_tests_due(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    body = login(street_officer).get(reverse("quarantine:order_detail", args=[order.pk])).content.decode()
    assert body.count('class="test-card"') == 6
    assert body.count('name="result" value="negative"') == 1  # day 1 is today; the others are not due yet
    assert body.count("到期后可录入结果") == 5


def test_recording_a_result_from_the_page(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    test = order.tests.order_by("due_date").first()
    response = login(street_officer).post(reverse("quarantine:test_result", args=[test.pk]),
                                               {"result": "negative"})
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.result == "negative"


def test_the_certificate_of_a_released_order_is_printable(city, street_officer, actor):
    order = released_order(actor, street_officer, city["residents"]["A"])
    body = login(street_officer).get(reverse("quarantine:certificate", args=[order.pk])).content.decode()
    assert "解除隔离证明" in body and order.certificate_number in body and "data-print" in body
    assert city["residents"]["A"].id_number not in body


def test_an_active_order_has_no_certificate(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    assert login(street_officer).get(reverse("quarantine:certificate", args=[order.pk])).status_code == 404


def test_a_certificate_out_of_reach_is_404(city, street_officer, outsider, actor):
    order = released_order(actor, street_officer, city["residents"]["A"])
    assert login(outsider).get(reverse("quarantine:certificate", args=[order.pk])).status_code == 404


def test_releasing_from_the_page_leads_to_the_certificate(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"], days_ago=10)
    for test in order.tests.all():
        services.test_result_record(actor=actor(street_officer), test_id=test.pk, result="negative")
    response = login(street_officer).post(reverse("quarantine:order_release", args=[order.pk]))
    assert response.status_code == 302 and response.url == reverse("quarantine:certificate", args=[order.pk])


def test_the_site_pages_show_rooms_free_and_occupied(city, street_officer, site, actor):
    make_order(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk,
               room_id=site.rooms.get(number="101").pk)
    client = login(street_officer)
    assert "江滩酒店隔离点" in client.get(reverse("quarantine:site_list")).content.decode()
    body = client.get(reverse("quarantine:site_detail", args=[site.pk])).content.decode()
    assert 'class="room occupied"' in body and 'class="room free"' in body


def test_a_site_out_of_reach_is_404(city, outsider, site):
    assert login(outsider).get(reverse("quarantine:site_detail", args=[site.pk])).status_code == 404


def test_the_order_export_is_an_audited_masked_spreadsheet(city, street_officer, actor):
    make_order(actor, street_officer, city["residents"]["A"])
    response = login(street_officer).get(reverse("quarantine:order_export"))
    assert response.status_code == 200
    b"".join(response.streaming_content)  # the entry is written as the download completes
    entry = AuditEntry.objects.get(action="export", object_type="quarantine.quarantineorder")
    assert entry.changes["rows"] == 1


def test_creating_a_site_with_rooms_from_the_page(city, street_officer):
    response = login(street_officer).post(reverse("quarantine:site_create"), {
        "name": "新隔离点", "division_code": "420106001000", "rooms": 45, "beds_per_room": 1})
    assert response.status_code == 302
    from wangge.quarantine.models import Site

    site = Site.objects.get(name="新隔离点")
    assert site.rooms.count() == 45 and site.grid_code == "420106001"
    assert sorted(site.rooms.values_list("number", flat=True))[:2] == ["101", "102"]


def test_ordering_from_the_page(city, street_officer):
    response = login(street_officer).post(reverse("quarantine:order_new"), {
        "resident_id": city["residents"]["A"].pk, "regime_code": "7+3", "place": "home",
        "start_date": timezone.localdate().isoformat(), "reason": "密切接触者"})
    assert response.status_code == 302


def test_the_order_form_is_refused_to_a_role_that_may_not_order(city, volunteer):
    response = login(volunteer).get(reverse("quarantine:order_new"))
    assert response.status_code == 403
    assert "您的角色不能下达隔离令" in response.content.decode()


def test_a_site_is_refused_to_a_role_that_may_not_manage_sites(city, grid_worker):
    from wangge.quarantine.models import Site

    response = login(grid_worker).post(reverse("quarantine:site_create"), {
        "name": "新隔离点", "division_code": "420106001000", "rooms": 2, "beds_per_room": 1})
    assert response.status_code == 403
    assert not Site.objects.filter(name="新隔离点").exists()


def test_releasing_is_refused_to_a_role_that_may_not_release(city, street_officer, grid_worker, actor):
    order = make_order(actor, street_officer, city["residents"]["A"], days_ago=10)
    response = login(grid_worker).post(reverse("quarantine:order_release", args=[order.pk]))
    assert response.status_code == 403


def _first(order):
    return order.tests.order_by("due_date").first()


def test_a_positive_from_the_page_asks_for_confirmation_first(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    test = _first(order)
    response = login(street_officer).post(reverse("quarantine:test_result", args=[test.pk]), {"result": "positive"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "确认阳性？" in body and 'name="confirm" value="1"' in body
    test.refresh_from_db()
    assert test.result == "pending"


def test_the_confirmation_step_is_a_card_for_htmx(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    test = _first(order)
    response = login(street_officer).post(reverse("quarantine:test_result", args=[test.pk]), {"result": "positive"},
                                          headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith("<li") and "<html" not in body and 'data-testid="confirm-positive"' in body


def test_a_confirmed_positive_from_the_page_is_saved(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    test = _first(order)
    response = login(street_officer).post(reverse("quarantine:test_result", args=[test.pk]),
                                          {"result": "positive", "confirm": "1"})
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.result == "positive"


def test_a_future_result_from_the_page_is_refused_with_a_message(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    test = order.tests.order_by("-due_date").first()
    client = login(street_officer)
    response = client.post(reverse("quarantine:test_result", args=[test.pk]), {"result": "negative"})
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.result == "pending"
    assert "未到日期" in client.get(response.url).content.decode()


def test_correcting_from_the_page(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"])
    test = services.test_result_record(actor=actor(street_officer), test_id=_first(order).pk, result="negative")
    client = login(street_officer)
    body = client.get(reverse("quarantine:order_detail", args=[order.pk])).content.decode()
    assert reverse("quarantine:test_correct", args=[test.pk]) in body
    response = client.post(reverse("quarantine:test_correct", args=[test.pk]),
                           {"result": "positive", "reason": "录入错误"})
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.result == "positive" and test.entries.count() == 2
    body = client.get(reverse("quarantine:order_detail", args=[order.pk])).content.decode()
    assert "录入错误" in body


def test_a_grid_worker_is_not_offered_a_correction(city, grid_worker, actor):
    order = make_order(actor, grid_worker, city["residents"]["A"])
    test = services.test_result_record(actor=actor(grid_worker), test_id=_first(order).pk, result="negative")
    body = login(grid_worker).get(reverse("quarantine:order_detail", args=[order.pk])).content.decode()
    assert reverse("quarantine:test_correct", args=[test.pk]) not in body
