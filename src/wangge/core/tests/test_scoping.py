from wangge.core.testing import GRID_A, GRID_B, GRID_C, STREET_1
from wangge.grid.models import Grid, Household
from wangge.people.models import Resident


def test_a_grid_worker_sees_only_their_grid(city, grid_worker):
    names = set(Resident.objects.restrict(grid_worker).values_list("name", flat=True))
    assert names == {"张伟", "李娜"}
    assert list(Grid.objects.restrict(grid_worker).values_list("code", flat=True)) == [GRID_A]


def test_a_street_officer_sees_their_whole_street_and_nothing_beyond(city, street_officer):
    codes = set(Resident.objects.restrict(street_officer).values_list("grid_code", flat=True))
    assert codes == {GRID_A, GRID_B}
    assert STREET_1[:9] == GRID_A[:9]


def test_the_outsider_sees_only_the_other_street(city, outsider):
    assert set(Household.objects.restrict(outsider).values_list("grid_code", flat=True)) == {GRID_C}


def test_a_user_without_grants_sees_nothing(city, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x", role="grid_worker")
    assert not Resident.objects.restrict(nobody).exists()


def test_residents_reach_nothing_through_lists(city, django_user_model):
    resident_user = django_user_model.objects.create_user("res", password="x", role="resident")
    assert not Resident.objects.restrict(resident_user).exists()


def test_superusers_see_everything(city, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    assert Resident.objects.restrict(admin).count() == 4


def test_anonymous_sees_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    assert not Resident.objects.restrict(AnonymousUser()).exists()
    assert not Resident.objects.restrict(None).exists()


def test_the_range_filter_does_not_leak_a_neighbouring_prefix(city, django_user_model):
    from wangge.core.testing.factories import build_grid, make_user

    build_grid("420106001001010")
    user = make_user("gw_b", scope=[GRID_B])
    # GRID_B ends 002; a range bound error would let 010 or 020 in.
    assert set(Grid.objects.restrict(user).values_list("code", flat=True)) == {GRID_B}


def test_a_user_can_navigate_down_through_the_ancestors_of_their_reach_but_not_sideways(grid_worker):
    from wangge.core.scoping import user_can_navigate

    assert user_can_navigate(grid_worker, "420106")  # their district, on the way down
    assert user_can_navigate(grid_worker, GRID_A)
    assert not user_can_navigate(grid_worker, GRID_B)  # a neighbouring grid
    assert not user_can_navigate(grid_worker, "420102")  # another district
