"""The transfer list's filters are declared once (``TransferFilters``): the page and the API apply them alike."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import Api, login
from wangge.transfer import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfers(city, street_officer, actor, fangcang, isolation_site, plan):
    fangcang.capacity = 10
    fangcang.save()
    services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                             destination_id=fangcang.pk, **plan())
    past = timezone.now() - dt.timedelta(hours=3)
    late = services.transfer_create(
        actor=actor(street_officer), resident_ids=[city["residents"]["B"].pk], destination_id=isolation_site.pk,
        **plan(planned_departure=past, planned_arrival=past + dt.timedelta(hours=1)),
    )
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=late.pk, name="李护士长")
    services.transfer_depart(actor=actor(street_officer), transfer_id=late.pk)
    return {"fangcang": fangcang, "site": isolation_site}


@pytest.mark.parametrize("query", [
    {}, {"status": "planned"}, {"status": "en_route"}, {"late": "on"}, {"late": "true"}, {"late": ""},
    {"status": "planned", "late": "on"}, {"destination_id": "FANGCANG"}, {"status": ""},
])
def test_the_page_and_the_api_list_the_same_transfers(transfers, street_officer, query):
    query = {k: (str(transfers["fangcang"].pk) if v == "FANGCANG" else v) for k, v in query.items()}
    page = login(street_officer).get(reverse("transfer:list"), query)
    api = Api(street_officer).get("/transfers", **query)
    assert api.status_code == 200
    assert sorted(t.pk for t in page.context["transfers"]) == sorted(t["id"] for t in api.json()["items"])


@pytest.mark.parametrize("query, field", [
    ({"status": "teleported"}, "status"), ({"late": "perhaps"}, "late"), ({"destination_id": "-1"}, "destination_id"),
])
def test_a_bad_filter_is_a_422_in_the_api_and_a_message_on_the_page(transfers, street_officer, query, field):
    api = Api(street_officer).get("/transfers", **query)
    assert api.status_code == 422
    assert field in api.json()["errors"]
    page = login(street_officer).get(reverse("transfer:list"), query)
    assert page.status_code == 200
    assert api.json()["errors"][field] in page.content.decode()
    assert len(page.context["transfers"]) == 2  # the filter left out


def test_the_export_records_the_filters_it_applied(transfers, street_officer):
    response = login(street_officer).get(reverse("transfer:export"), {"late": "on", "status": "nonsense"})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="transfer.transferorder")
    assert entry.changes["filters"] == {"late": True}
    assert entry.changes["rows"] == 1
