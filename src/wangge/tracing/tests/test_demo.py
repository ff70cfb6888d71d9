"""The tracing demo: investigations with trajectories and contacts, most of them quarantined."""

import random

from django.utils import timezone

from wangge.health.models import PersonStatus
from wangge.quarantine.demo import seed_demo as seed_quarantine
from wangge.quarantine.tests.test_demo import small_city
from wangge.tracing.demo import seed_demo
from wangge.tracing.models import Contact, Investigation


def test_the_demo_opens_investigations_with_trajectories_and_quarantined_contacts(db):
    small_city()
    today = timezone.localdate()
    seed_quarantine(rng=random.Random(3), today=today)
    seed_demo(rng=random.Random(3), today=today)
    assert Investigation.objects.count() == 2
    for investigation in Investigation.objects.all():
        assert PersonStatus.objects.get(resident=investigation.case).status == "confirmed"
        assert investigation.trajectory.filter(lat__isnull=False).count() >= 4
        contacts = list(investigation.contacts.all())
        assert len(contacts) >= 5
        quarantined = [c for c in contacts if c.quarantine_orders.exists()]
        assert len(quarantined) == len(contacts) - 1
    assert PersonStatus.objects.filter(status="close_contact").count() >= 4
    assert Contact.objects.filter(quarantine_orders__place="central").exists()
