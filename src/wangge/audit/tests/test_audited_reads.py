"""Reads of personal data are audited by construction: a page or an endpoint that shows one
person's record (or a record naming people, like a transfer) gets it from a selector that writes
the "viewed" entry; views and endpoints never write a read's entry themselves."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import Api, login
from wangge.core.testing.factories import make_facility, make_transfer

SRC = Path(__file__).resolve().parents[2]


def _views_and_endpoints():
    for path in sorted(SRC.glob("*/views.py")) + sorted(SRC.glob("*/api.py")):
        if "tests" not in path.parts:
            yield path


def test_views_and_endpoints_never_record_a_read_themselves():
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in _views_and_endpoints()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"AuditAction\.VIEW\b", line)
    ]
    assert offenders == [], "a read is audited in its selector (`<thing>_detail(actor=..., pk=...)`), not in a view"


@pytest.fixture
def transfer(city):
    now = timezone.now()
    return make_transfer([city["residents"]["A"]], destination=make_facility(),
                         departure=now, arrival=now + dt.timedelta(hours=1))


def _views_of(user, obj):
    return AuditEntry.objects.filter(actor=user, action=AuditAction.VIEW, object_id=str(obj.pk),
                                     object_type=obj._meta.label_lower).count()


@pytest.mark.parametrize("page", ["people:resident_detail", "people:resident_edit", "people:resident_move"])
def test_each_page_showing_a_person_leaves_exactly_one_entry(city, grid_worker, page):
    resident = city["residents"]["A"]
    response = login(grid_worker).get(reverse(page, args=[resident.pk]))
    assert response.status_code == 200
    assert _views_of(grid_worker, resident) == 1


def test_the_transfer_page_and_endpoint_each_leave_exactly_one_entry(transfer, street_officer):
    assert login(street_officer).get(reverse("transfer:detail", args=[transfer.pk])).status_code == 200
    assert _views_of(street_officer, transfer) == 1
    assert Api(street_officer).get(f"/transfers/{transfer.pk}").status_code == 200
    assert _views_of(street_officer, transfer) == 2


def test_a_transfer_out_of_reach_is_not_found_and_leaves_no_entry(transfer, city):
    from wangge.accounts.models import Role
    from wangge.core.testing import STREET_2
    from wangge.core.testing.factories import make_user

    other = make_user("street_2", Role.COMMAND, [STREET_2])
    assert login(other).get(reverse("transfer:detail", args=[transfer.pk])).status_code == 404
    assert Api(other).get(f"/transfers/{transfer.pk}").status_code == 404
    assert _views_of(other, transfer) == 0
