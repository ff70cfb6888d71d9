"""``wangge demo``: the demo city is realistic, consistent, reproducible and safe to rebuild."""

import datetime as dt
import io
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from wangge.accounts.models import Role, User
from wangge.audit.models import AuditEntry
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household
from wangge.people.idcard import MOBILE_RE, parse_id_number
from wangge.people.models import Resident, ResidentTag

RESIDENTS = 2000
LINE_RE = re.compile(r"^(\S+) (\S+) (\S+) (\d{12}|\d{15})$")


def run_demo(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("demo", "--residents", str(RESIDENTS), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def demo(db, var_dir):
    return run_demo()


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_it_prints_one_line_per_role_with_four_fields(demo):
    assert all(LINE_RE.match(line) for line in demo), demo
    roles = [line.split()[0] for line in demo]
    assert set(roles) == {*Role.values, "superuser"} - {Role.RESIDENT}


def test_it_writes_the_same_lines_to_the_accounts_file(demo, var_dir):
    assert (var_dir / "demo_accounts.txt").read_text(encoding="utf-8").splitlines() == demo


def test_every_printed_account_logs_in_with_its_password_and_reaches_its_scope(demo):
    for line in demo:
        role, username, password, code = line.split()
        user = User.objects.get(username=username)
        assert user.check_password(password)
        validate_password(password, user)
        assert list(user.scope_grants.values_list("code", flat=True)) == [code]
        assert Division.objects.filter(code=code).exists() or Grid.objects.filter(code=code).exists()
        if role == "superuser":
            assert user.is_superuser and user.is_staff
        else:
            assert user.role == role


def test_passwords_differ_between_builds(db, var_dir):
    first = {line.split()[1]: line.split()[2] for line in run_demo()}
    second = {line.split()[1]: line.split()[2] for line in run_demo("--reset")}
    assert all(first[name] != second[name] for name in first)


def test_the_grid_worker_sees_exactly_the_first_grid_of_the_first_community(demo):
    user = User.objects.get(username="demo_grid")
    grid = Grid.objects.order_by("code").first()
    assert grid.code.endswith("001001001")
    assert Resident.objects.restrict(user).count() == grid.resident_count > 0
    assert GridAssignment.objects.filter(grid=grid, duty="grid_worker", user=user).exists()


def test_it_builds_exactly_the_residents_asked_for_in_wuhan(demo):
    assert Resident.objects.count() == RESIDENTS
    assert Division.objects.get(code="420100000000").name == "武汉市"
    district = Division.objects.get(code="420106000000")
    assert district.name == "武昌区"
    assert 30.4 < district.center_lat < 30.7 and 114.2 < district.center_lng < 114.45


def test_every_id_number_is_valid_unique_and_agrees_with_the_record(demo):
    rows = list(Resident.objects.values_list("id_number", "id_tail", "birth_date", "sex", "grid_code"))
    assert len({r[0] for r in rows}) == len(rows)
    for number, tail, birth, sex, grid_code in rows:
        facts = parse_id_number(number)
        assert (facts.birth_date, facts.sex, facts.region_code, tail) == (birth, sex, grid_code[:6], number[-4:])


def test_phones_are_valid_mobile_numbers(demo):
    phones = [p for p in Resident.objects.values_list("phone", flat=True) if p]
    assert len(phones) > RESIDENTS * 0.7
    assert all(MOBILE_RE.match(p) for p in phones)


def test_grid_and_household_counts_match_the_rows(demo):
    for grid in Grid.objects.all():
        assert grid.building_count == Building.objects.filter(grid=grid).count()
        assert grid.household_count == Household.objects.filter(grid_code=grid.code).count()
        assert grid.resident_count == Resident.objects.filter(grid_code=grid.code).count()
    actual = dict(Household.objects.annotate(n=Count("residents")).values_list("id", "n"))
    assert dict(Household.objects.values_list("id", "resident_count")) == actual


def test_denormalised_grid_codes_follow_the_hierarchy(demo):
    for household in Household.objects.select_related("unit__building__grid"):
        assert household.grid_code == household.unit.grid_code == household.unit.building.grid.code
        assert household.code.startswith(household.unit.code)
    mismatched = [r for r in Resident.objects.select_related("household") if r.grid_code != r.household.grid_code]
    assert mismatched == []
    assert all(link.grid_code == link.resident.grid_code for link in ResidentTag.objects.select_related("resident"))


def test_every_grid_has_a_polygon_and_every_building_a_point_inside_it(demo):
    grids = {g.id: g for g in Grid.objects.all()}
    for grid in grids.values():
        assert grid.polygon["type"] == "Polygon"
        ring = grid.polygon["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4
    for building in Building.objects.all():
        ring = grids[building.grid_id].polygon["coordinates"][0]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lngs) < building.lng < max(lngs) and min(lats) < building.lat < max(lats)


def test_the_age_pyramid_and_households_look_like_a_chinese_city(demo):
    today = dt.date.today()
    ages = [age_on(b, today) for b in Resident.objects.values_list("birth_date", flat=True)]
    assert 0.13 <= sum(a >= 60 for a in ages) / len(ages) <= 0.27
    assert 0.08 <= sum(a < 15 for a in ages) / len(ages) <= 0.19
    sizes = list(Household.objects.values_list("resident_count", flat=True))
    assert 2.2 <= sum(sizes) / len(sizes) <= 3.0 and max(sizes) <= 6
    sexes = Counter(Resident.objects.values_list("sex", flat=True))
    assert 0.9 <= sexes["M"] / sexes["F"] <= 1.15


def test_relations_agree_with_ages(demo):
    members = defaultdict(list)
    for household_id, relation, birth in Resident.objects.values_list("household_id", "relation", "birth_date"):
        members[household_id].append((relation, birth))
    for people in members.values():
        heads = [b for r, b in people if r == "head"]
        assert len(heads) == 1
        for relation, birth in people:
            if relation == "child":
                assert (birth - heads[0]).days > 15 * 365
            if relation == "parent":
                assert (heads[0] - birth).days > 15 * 365


def test_key_groups_are_tagged_where_they_belong(demo):
    today = dt.date.today()
    links = ResidentTag.objects.select_related("resident", "tag")
    by_tag = defaultdict(list)
    for link in links:
        by_tag[link.tag.code].append(link.resident)
    assert {"infant", "chronic", "elderly_alone"} <= set(by_tag)
    assert all(age_on(r.birth_date, today) <= 4 for r in by_tag["infant"])
    assert all(age_on(r.birth_date, today) >= 70 and r.household.resident_count == 1 for r in by_tag["elderly_alone"])
    assert all(r.sex == "F" for r in by_tag["pregnant"])
    assert all(r.residence_type == "floating" for r in by_tag["migrant_worker"])


def test_a_second_build_without_reset_is_refused_in_chinese(demo):
    with pytest.raises(CommandError, match="--reset"):
        run_demo()
    assert Resident.objects.count() == RESIDENTS


def test_reset_rebuilds_the_city_and_keeps_the_audit_log(demo):
    before = list(AuditEntry.objects.order_by("id").values_list("id", "note"))
    assert before
    lines = run_demo("--reset")
    assert len(lines) == len(demo)
    after = list(AuditEntry.objects.order_by("id").values_list("id", "note"))
    assert after[: len(before)] == before and len(after) > len(before)
    assert Resident.objects.count() == RESIDENTS
    assert User.objects.filter(username="demo_grid").count() == 1


def test_the_same_seed_builds_the_same_city(db, var_dir):
    run_demo("--seed", "7")
    first = list(Resident.objects.order_by("id").values_list("name", "id_number", "phone", "grid_code"))
    run_demo("--seed", "7", "--reset")
    second = list(Resident.objects.order_by("id").values_list("name", "id_number", "phone", "grid_code"))
    assert first == second


def test_a_bulk_load_on_postgresql_puts_back_every_index_and_constraint(db, var_dir, monkeypatch):
    from django.db import connection

    from wangge.demo import builder

    if connection.vendor != "postgresql":
        pytest.skip("the bulk path drops and rebuilds PostgreSQL indexes")
    query = (
        "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = ANY(%s::regclass[]) UNION ALL "
        "SELECT conname FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])"
    )
    tables = ["people_resident", "people_residenttag", "grid_household", "grid_unit", "grid_building"]
    with connection.cursor() as cursor:
        cursor.execute(query, [tables, tables])
        before = sorted(cursor.fetchall())
    monkeypatch.setattr(builder, "BULK_LOAD_THRESHOLD", 1)
    run_demo()
    with connection.cursor() as cursor:
        cursor.execute(query, [tables, tables])
        assert sorted(cursor.fetchall()) == before
    assert Resident.objects.count() == RESIDENTS
