"""全部阴性: a sampling team's round of due tests recorded negative in one transaction, each audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.core.testing import login
from wangge.quarantine import selectors, services
from wangge.quarantine.tests.orders import make_order


@pytest.fixture
def round_of_tests(city, street_officer, actor):
    """The tests due by today of two people (7+3 started 3 days ago: central days 1 and 3 are due)."""
    orders = [make_order(actor, street_officer, city["residents"][k], days_ago=3) for k in ("A", "B")]
    today = timezone.localdate()
    return [t for o in orders for t in o.tests.filter(due_date__lte=today).order_by("due_date")]


def test_the_due_list_holds_todays_and_overdue_tests_without_a_result(city, street_officer, round_of_tests):
    due = list(selectors.due_test_queryset(user=street_officer))
    assert sorted(t.pk for t in due) == sorted(t.pk for t in round_of_tests)
    assert all(t.due_date <= timezone.localdate() for t in due)


def test_all_negative_records_every_selected_test(city, street_officer, actor, round_of_tests):
    ids = [t.pk for t in round_of_tests]
    services.test_results_negative(actor=actor(street_officer), test_ids=ids)
    for test in round_of_tests:
        test.refresh_from_db()
        assert test.result == "negative" and test.entries.get().result == "negative"
    audits = AuditEntry.objects.filter(field="test_result")
    assert audits.count() == len(ids)
    assert all("批量阴性" in a.note for a in audits)
    assert not selectors.due_test_queryset(user=street_officer).exists()


def test_one_test_that_cannot_take_it_refuses_the_whole_batch(city, street_officer, actor, round_of_tests):
    later = round_of_tests[0].order.tests.filter(due_date__gt=timezone.localdate()).first()
    with pytest.raises(ValidationFailed) as exc:
        services.test_results_negative(
            actor=actor(street_officer), test_ids=[t.pk for t in round_of_tests] + [later.pk]
        )
    assert exc.value.code == "test_not_due"
    assert all(t.__class__.objects.get(pk=t.pk).result == "pending" for t in round_of_tests)
    assert not AuditEntry.objects.filter(field="test_result").exists()


def test_a_positive_in_the_batch_is_not_overwritten(city, street_officer, actor, round_of_tests):
    first = round_of_tests[0]
    services.test_result_record(actor=actor(street_officer), test_id=first.pk, result="positive", confirmed=True)
    with pytest.raises(Conflict) as exc:
        services.test_results_negative(actor=actor(street_officer), test_ids=[t.pk for t in round_of_tests])
    assert exc.value.code == "result_exists"
    assert first.__class__.objects.get(pk=first.pk).result == "positive"


def test_a_test_out_of_reach_in_the_batch_is_not_found(city, street_officer, outsider, actor, round_of_tests):
    with pytest.raises(NotFound):
        services.test_results_negative(actor=actor(outsider), test_ids=[round_of_tests[0].pk])


def test_an_empty_batch_is_refused(city, street_officer, actor):
    with pytest.raises(ValidationFailed) as exc:
        services.test_results_negative(actor=actor(street_officer), test_ids=[])
    assert exc.value.code == "no_tests_selected"


def test_the_due_page_offers_checkboxes_and_all_negative(city, street_officer, round_of_tests):
    body = login(street_officer).get(reverse("quarantine:tests_due")).content.decode()
    assert body.count('name="test_ids"') == len(round_of_tests)
    assert 'data-testid="batch-negative"' in body


def test_all_negative_from_the_page(city, street_officer, round_of_tests):
    response = login(street_officer).post(
        reverse("quarantine:tests_negative"), {"test_ids": [str(t.pk) for t in round_of_tests[:2]]}
    )
    assert response.status_code == 302 and response.url == reverse("quarantine:tests_due")
    assert [t.__class__.objects.get(pk=t.pk).result for t in round_of_tests[:2]] == ["negative", "negative"]
    assert round_of_tests[2].__class__.objects.get(pk=round_of_tests[2].pk).result == "pending"


def test_tests_due_tomorrow_are_not_on_the_due_list(city, street_officer, actor):
    order = make_order(actor, street_officer, city["residents"]["A"], days_ago=0)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert order.tests.filter(due_date__gte=tomorrow).exists()
    due = selectors.due_test_queryset(user=street_officer)
    assert not due.filter(due_date__gte=tomorrow).exists()
