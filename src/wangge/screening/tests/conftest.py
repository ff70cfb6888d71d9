"""A daily campaign over street 1 (grids A and B), started yesterday, made by the street officer."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.screening.services import campaign_create


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def campaign(city, street_officer, actor, today):
    return campaign_create(
        actor=actor(street_officer), name="街道一日一排查", area_code="420106001000",
        start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=6), frequency="daily",
    )


def present(resident, temperature="36.5", **extra):
    return {"resident_id": resident.pk, "present": True, "temperature": temperature, **extra}
