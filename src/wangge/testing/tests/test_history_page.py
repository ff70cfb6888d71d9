"""A person's mass-testing history on their record: every sample with its tube's result, the read
audited like the resident page, 404 outside the reach."""

from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.core.testing import login
from wangge.core.testing.factories import make_sample, make_tube


def test_the_record_shows_each_sample_with_its_pool_and_result(city, point, grid_worker):
    person = city["residents"]["A"]
    make_sample(make_tube(point, capacity=10, result="negative", status="resulted"), person)
    make_sample(make_tube(point, capacity=1), person)
    response = login(grid_worker).get(reverse("testing:resident", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr><td class="card-title">') == 2
    assert "10合1混检" in html and "阴性" in html and person.id_number not in html
    viewed = AuditEntry.objects.filter(action="view", object_type="people.resident", object_id=str(person.pk))
    assert viewed.count() == 1


def test_the_resident_page_links_it(city, grid_worker):
    person = city["residents"]["A"]
    page = login(grid_worker).get(reverse("people:resident_detail", args=[person.pk])).content.decode()
    assert reverse("testing:resident", args=[person.pk]) in page


def test_outside_the_reach_it_is_404(city, outsider):
    assert login(outsider).get(reverse("testing:resident", args=[city["residents"]["A"].pk])).status_code == 404
