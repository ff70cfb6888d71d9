"""The demo city comes with today's testing round: points, tubes, results and a positive pool."""

from io import StringIO

import pytest
from django.core.management import call_command

from wangge.testing.models import Control, Round, SamplingPoint, SamplingTask, Tube


@pytest.mark.django_db
def test_the_demo_city_has_a_round_with_points_tubes_and_results():
    call_command("demo", "--residents", "3000", stdout=StringIO(), stderr=StringIO())
    rnd = Round.objects.get()
    assert SamplingPoint.objects.filter(round=rnd).count() == 2
    tubes = Tube.objects.filter(round=rnd)
    assert tubes.filter(result="negative").exists() and tubes.filter(result="pending").exists()
    positive = tubes.get(result="positive")
    assert Control.objects.filter(tube=positive).exists() and SamplingTask.objects.filter(tube=positive).exists()
