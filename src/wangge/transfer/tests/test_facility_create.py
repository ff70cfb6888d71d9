"""A facility's division goes through the one area resolver: cut to its prefix, refused outside reach."""

from __future__ import annotations

import pytest

from wangge.core.errors import ValidationFailed
from wangge.transfer.models import Facility
from wangge.transfer.services import facility_create


@pytest.fixture
def creator(street_officer):
    return street_officer


def create(actor, user, grid_code):
    return facility_create(actor=actor(user), name="街道方舱", tier=Facility.Tier.FANGCANG, grid_code=grid_code,
                           capacity=10)


def test_a_division_code_is_stored_as_its_prefix(city, creator, actor):
    assert create(actor, creator, "420106001000").grid_code == "420106001"
    assert create(actor, creator, "420106001").grid_code == "420106001"


@pytest.mark.parametrize("grid_code", ["", "abc", "4201060", "420106002", "420106002000"])
def test_a_malformed_division_or_one_outside_reach_is_a_field_error(city, creator, actor, grid_code):
    with pytest.raises(ValidationFailed) as caught:
        create(actor, creator, grid_code)
    assert caught.value.code == "invalid_division_code"
    assert caught.value.errors == {"grid_code": "超出管辖范围"}
