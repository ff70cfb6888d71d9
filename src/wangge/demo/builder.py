"""Build the demo city: Wuhan's districts, streets, communities, grids, buildings and people.

The city is planned from the number of residents wanted (about 700 per grid, 6-8 grids per
community, about 8 communities per street, about 10 streets per district, as in Wuhan: ten
million people in 13,800 grids), then generated grid by grid and written in chunks: PostgreSQL
``COPY`` on PostgreSQL, multi-row inserts on SQLite.  Primary keys are assigned here, so rows of
every level are written without reading anything back.  The same seed gives the same city (birth
dates are reckoned from 1 January of the current year).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from wangge.core.codes import Level, prefix_at
from wangge.demo import data
from wangge.demo.population import IdNumbers, NameMaker, compose_household, phone_number
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household, Unit
from wangge.people.models import KeyGroupTag, Resident, ResidentTag

RESIDENTS_PER_GRID = 700
GRIDS_PER_COMMUNITY = (6, 8)
COMMUNITIES_PER_STREET = (7, 9)
STREETS_PER_DISTRICT = 10
# A grid is a tile of about 220 m x 220 m; a community a block of 3 x 3 tiles.
TILE_LAT = 0.0020
TILE_LNG = 0.0023
BLOCK = 3
CHUNK_RESIDENTS = 100_000
# From this size on PostgreSQL, secondary indexes and constraints of the big tables are dropped
# for the load and rebuilt once at the end: a sorted bulk index build beats 10M inserts into it.
BULK_LOAD_THRESHOLD = 200_000


# --- the plan --------------------------------------------------------------------------------


@dataclass
class CommunityPlan:
    code: str
    name: str
    grids: int
    south: float = 0.0
    west: float = 0.0


@dataclass
class StreetPlan:
    code: str
    name: str
    communities: list[CommunityPlan] = field(default_factory=list)


@dataclass
class DistrictPlan:
    code: str
    name: str
    lat: float
    lng: float
    streets: list[StreetPlan] = field(default_factory=list)


def _split(total: int, rng: random.Random, low: int, high: int) -> list[int]:
    """``total`` split into parts of ``low``..``high`` (the last part may be smaller)."""
    parts = []
    while total > 0:
        part = min(total, rng.randint(low, high))
        parts.append(part)
        total -= part
    return parts


def plan_city(residents: int, rng: random.Random) -> list[DistrictPlan]:
    grid_total = max(1, round(residents / RESIDENTS_PER_GRID))
    per_community = _split(grid_total, rng, *GRIDS_PER_COMMUNITY)
    per_street = _split(len(per_community), rng, *COMMUNITIES_PER_STREET)
    district_count = min(len(data.DISTRICTS), math.ceil(len(per_street) / STREETS_PER_DISTRICT))
    streets_per_district = [len(per_street) // district_count] * district_count
    for i in range(len(per_street) % district_count):
        streets_per_district[i] += 1

    communities = iter(per_community)
    street_sizes = iter(per_street)
    used_names: set[str] = set()
    districts = []
    for (code, name, lat, lng, street_names), street_count in zip(
        data.DISTRICTS, streets_per_district, strict=False
    ):
        district = DistrictPlan(code, name, lat, lng)
        for s in range(street_count):
            street_code = f"{code}{s + 1:03d}"
            real = s < len(street_names)
            street_name = street_names[s] if real else _unique_name(rng, used_names, ["街道"])
            street = StreetPlan(street_code, street_name)
            for c in range(next(street_sizes)):
                community_name = _unique_name(rng, used_names, data.COMMUNITY_SUFFIXES)
                street.communities.append(CommunityPlan(f"{street_code}{c + 1:03d}", community_name, next(communities)))
            district.streets.append(street)
        _lay_out(district)
        districts.append(district)
    return districts


def _unique_name(rng: random.Random, used: set[str], suffixes: list[str]) -> str:
    for attempt in range(1000):
        word = rng.choice(data.PLACE_WORDS)
        if attempt > 50:  # a big city runs out of two-word names: add a direction
            word += rng.choice("东西南北中") + rng.choice(["一", "二", "三", "四", "五", "六"])
        name = word + rng.choice(suffixes)
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("名称用尽")


def _lay_out(district: DistrictPlan) -> None:
    """Community blocks in a square around the district's centre, street after street."""
    communities = [c for s in district.streets for c in s.communities]
    side = math.ceil(math.sqrt(len(communities)))
    south0 = district.lat - side * BLOCK * TILE_LAT / 2
    west0 = district.lng - side * BLOCK * TILE_LNG / 2
    for i, community in enumerate(communities):
        row, col = divmod(i, side)
        community.south = south0 + row * BLOCK * TILE_LAT
        community.west = west0 + col * BLOCK * TILE_LNG


def grid_tile(community: CommunityPlan, index: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the community's ``index``-th grid."""
    row, col = divmod(index, BLOCK)
    south = community.south + row * TILE_LAT
    west = community.west + col * TILE_LNG
    return south, west, south + TILE_LAT, west + TILE_LNG


def tile_polygon(south: float, west: float, north: float, east: float) -> dict:
    # A hair inside the tile, so neighbouring grids draw as separate shapes on the map.
    inset_lat, inset_lng = TILE_LAT * 0.01, TILE_LNG * 0.01
    s, w, n, e = (round(v, 6) for v in (south + inset_lat, west + inset_lng, north - inset_lat, east - inset_lng))
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


# --- writing ---------------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class TableWriter:
    """Appends rows to a table: ``COPY ... FROM STDIN`` on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: str, columns: list[str], rows: list[tuple], *, plain: bool = False) -> None:
        """``plain``: the caller vouches that no value is None or holds a tab, newline or
        backslash, so each value's str() is already COPY text (the generator's rows are)."""
        if not rows:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                # Django's cursor wrapper holds psycopg's own cursor as ``.cursor``.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    lines = (
                        ["\t".join(map(str, row)) for row in rows] if plain
                        else ["\t".join([_copy_text(v) for v in row]) for row in rows]
                    )
                    for start in range(0, len(lines), 20_000):
                        copy.write("\n".join(lines[start:start + 20_000]) + "\n")
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


TABLES = {
    "building": (Building._meta.db_table, ["id", "code", "grid_id", "grid_code", "name", "address", "lat", "lng",
                                           "floors", "compound"]),
    "unit": (Unit._meta.db_table, ["id", "code", "building_id", "grid_code", "name"]),
    "household": (Household._meta.db_table, ["id", "code", "unit_id", "grid_code", "door_number", "address",
                                             "resident_count"]),
    "resident": (Resident._meta.db_table, [
        "id", "household_id", "grid_code", "name", "sex", "birth_date", "id_type", "id_number", "id_tail",
        "phone", "relation", "residence_type", "note", "created_at", "updated_at",
    ]),
    "tag": (ResidentTag._meta.db_table, ["id", "resident_id", "tag_id", "grid_code"]),
}
# Order of writing inside a chunk: a row's parent is always written before it.
WRITE_ORDER = ["grid", "building", "unit", "household", "resident", "tag", "assignment"]
DEMO_MODELS = [Division, Grid, GridAssignment, Building, Unit, Household, Resident, ResidentTag]


class Buffers:
    def __init__(self):
        self.rows: dict[str, list] = {name: [] for name in WRITE_ORDER}

    def flush(self, writer: TableWriter) -> None:
        Grid.objects.bulk_create(self.rows["grid"], batch_size=2000)
        for name in WRITE_ORDER[1:-1]:
            table, columns = TABLES[name]
            writer.write(table, columns, self.rows[name], plain=True)
        GridAssignment.objects.bulk_create(self.rows["assignment"], batch_size=2000)
        for rows in self.rows.values():
            rows.clear()


@contextmanager
def bulk_load(tables: list[str]) -> Iterator[None]:
    """PostgreSQL: drop the tables' secondary indexes, unique and foreign-key constraints, and
    recreate them from their own definitions on the way out.

    Runs inside the build's transaction, so an interrupted build rolls the drops back too.
    """
    saved_constraints: list[tuple[str, str, str, str]] = []
    saved_indexes: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                [table],
            )
            saved_constraints += [(table, name, definition, kind) for name, definition, kind in cursor.fetchall()]
            cursor.execute(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass"
                " AND NOT indisprimary AND indexrelid NOT IN"
                " (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            saved_indexes += [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        for table, name, _definition, _kind in sorted(saved_constraints, key=lambda c: c[3] != "f"):
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = ANY(%s::regclass[])"
            " AND NOT indisprimary AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)",
            [tables],
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {index}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for definition in saved_indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in sorted(saved_constraints, key=lambda c: c[3] == "f"):
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")


# --- the build -------------------------------------------------------------------------------


@dataclass
class BuildResult:
    residents: int = 0
    households: int = 0
    buildings: int = 0
    grids: int = 0
    communities: int = 0
    streets: int = 0
    districts: int = 0
    seconds: float = 0.0
    city_code: str = data.CITY_CODE
    first_district: str = ""
    first_street: str = ""
    first_community: str = ""
    first_grid: str = ""


class Progress:
    """One line on the terminal, rewritten in place; a line per tenth when not a terminal."""

    def __init__(self, total: int, stream=None, enabled: bool = True):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_tenth = -1

    def update(self, done: int, final: bool = False) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        pct = done * 100 // max(self.total, 1)
        line = f"居民 {done:,}/{self.total:,}（{pct}%），{done / elapsed:,.0f} 人/秒，已用 {elapsed:.1f} 秒"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
            self.stream.flush()
        elif final or pct // 10 > self.last_tenth:
            self.last_tenth = pct // 10
            self.stream.write(line + "\n")
            self.stream.flush()

    def stage(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"{text}（已用 {time.monotonic() - self.started:.1f} 秒）\n")
            self.stream.flush()


def next_ids() -> dict[str, int]:
    return {
        model._meta.model_name: (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for model in DEMO_MODELS
    }


def reset_sequences() -> None:
    """After writing explicit keys, make the database's own sequences continue after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), DEMO_MODELS)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class ProgressReport(Protocol):
    def update(self, done: int, final: bool = False) -> None: ...

    def stage(self, text: str) -> None: ...


@transaction.atomic
def build_city(*, residents: int, seed: int = 2020, progress: ProgressReport | None = None) -> BuildResult:
    """Write a city of ``residents`` people into an empty grid, in one transaction."""
    started = time.monotonic()
    bulk = connection.vendor == "postgresql" and residents >= BULK_LOAD_THRESHOLD
    if connection.vendor == "postgresql":
        # Check the few small-table foreign keys row by row rather than queue them to commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    big_tables = [TABLES[name][0] for name in ("building", "unit", "household", "resident", "tag")]
    with bulk_load(big_tables) if bulk else _nothing():
        result = _build(residents, seed, progress)
        if bulk and progress:
            progress.stage("正在重建索引和约束…")
    reset_sequences()
    result.seconds = time.monotonic() - started
    return result


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _build(residents: int, seed: int, progress: ProgressReport | None) -> BuildResult:
    rng = random.Random(seed)
    plan = plan_city(residents, rng)
    ids = next_ids()
    result = BuildResult()
    community_pks = _write_divisions(plan, ids, result)

    grid_total = sum(c.grids for d in plan for s in d.streets for c in s.communities)
    base, extra = divmod(residents, grid_total)
    generator = CityGenerator(rng, ids, community_pks)
    writer = TableWriter()
    buffers = Buffers()
    grid_index = 0
    for district in plan:
        for street in district.streets:
            for community in street.communities:
                for g in range(community.grids):
                    target = base + (1 if grid_index < extra else 0)
                    grid_index += 1
                    generator.grid(buffers, district, community, g, target)
                    if len(buffers.rows["resident"]) >= CHUNK_RESIDENTS:
                        buffers.flush(writer)
                        if progress:
                            progress.update(generator.residents)
    buffers.flush(writer)
    if progress:
        progress.update(generator.residents, final=True)

    first_district = plan[0]
    first_street = first_district.streets[0]
    first_community = first_street.communities[0]
    result.residents = generator.residents
    result.households = generator.households
    result.buildings = generator.buildings
    result.grids = grid_total
    result.first_district = f"{first_district.code}000000"
    result.first_street = f"{first_street.code}000"
    result.first_community = first_community.code
    result.first_grid = f"{first_community.code}001"
    return result


def _write_divisions(plan: list[DistrictPlan], ids: dict[str, int], result: BuildResult) -> dict[str, int]:
    """Write city, districts, streets and communities; returns community keys by code."""
    next_id = ids["division"]
    rows: list[Division] = []

    def add(code: str, name: str, level: int, parent_id: int | None, lat: float, lng: float) -> int:
        nonlocal next_id
        pk = next_id
        next_id += 1
        rows.append(Division(
            id=pk, code=code, grid_code=prefix_at(code, Level(level)), name=name, level=level,
            parent_id=parent_id, center_lat=round(lat, 6), center_lng=round(lng, 6),
        ))
        return pk

    city_id = add(data.CITY_CODE, data.CITY_NAME, Division.Kind.CITY, None, *data.CITY_CENTER)
    for district in plan:
        district_id = add(f"{district.code}000000", district.name, Division.Kind.DISTRICT, city_id,
                          district.lat, district.lng)
        result.districts += 1
        for street in district.streets:
            blocks = [(c.south + BLOCK * TILE_LAT / 2, c.west + BLOCK * TILE_LNG / 2) for c in street.communities]
            lat = sum(b[0] for b in blocks) / len(blocks)
            lng = sum(b[1] for b in blocks) / len(blocks)
            street_id = add(f"{street.code}000", street.name, Division.Kind.STREET, district_id, lat, lng)
            result.streets += 1
            for community, (clat, clng) in zip(street.communities, blocks, strict=True):
                add(community.code, community.name, Division.Kind.COMMUNITY, street_id, clat, clng)
                result.communities += 1
    Division.objects.bulk_create(rows, batch_size=2000)
    ids["division"] = next_id
    return {d.code: d.id for d in rows if d.level == Division.Kind.COMMUNITY}


BUILDING_KINDS = [
    # (weight, floors range, units range, doors per floor per unit)
    (0.55, (5, 7), (2, 4), (2, 2)),  # 老式多层住宅, walk-ups
    (0.30, (11, 18), (1, 2), (2, 4)),  # 小高层
    (0.15, (24, 33), (1, 2), (4, 4)),  # 高层
]


class CityGenerator:
    """Turns a grid's resident target into rows, keeping every denormalised count in step."""

    def __init__(self, rng: random.Random, ids: dict[str, int], community_pks: dict[str, int]):
        self.rng = rng
        self.ids = ids
        self.community_pks = community_pks
        self.names = NameMaker(rng)
        self.id_numbers = IdNumbers(rng)
        self.tags = dict(KeyGroupTag.objects.values_list("code", "id"))
        self.now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        self.reference = dt.date(dt.date.today().year, 1, 1).toordinal()
        self.residents = 0
        self.households = 0
        self.buildings = 0

    def _next(self, key: str) -> int:
        pk = self.ids[key]
        self.ids[key] = pk + 1
        return pk

    def grid(self, buffers: Buffers, district: DistrictPlan, community: CommunityPlan, index: int,
             target: int) -> None:
        rng = self.rng
        rows = buffers.rows
        code = f"{community.code}{index + 1:03d}"
        grid_id = self._next("grid")
        south, west, north, east = grid_tile(community, index)
        compound = _compound_name(rng, community.name)
        road = rng.choice(data.ROADS)
        house_number = rng.randint(1, 300)

        buildings = 0
        households = 0
        placed = 0
        building_leaders = []
        slots: Iterable = iter(())
        unit_id = 0
        unit_code = ""
        unit_households = 0
        door_prefix = ""
        address_prefix = ""
        while placed < target:
            slot = next(slots, None)
            if slot is None:
                buildings += 1
                building_id = self._next("building")
                building_code = f"{code}{buildings:03d}"
                kind = rng.choices(BUILDING_KINDS, [k[0] for k in BUILDING_KINDS])[0]
                floors = rng.randint(*kind[1])
                unit_count = rng.randint(*kind[2])
                doors = rng.randint(*kind[3])
                building_name = f"{compound}{buildings}栋"
                address = f"{road}{house_number + buildings * 2}号"
                rows["building"].append((
                    building_id, building_code, grid_id, code, building_name, address,
                    round(rng.uniform(south + TILE_LAT * 0.1, north - TILE_LAT * 0.1), 6),
                    round(rng.uniform(west + TILE_LNG * 0.1, east - TILE_LNG * 0.1), 6), floors, compound,
                ))
                if rng.random() < 0.4:
                    building_leaders.append(building_id)
                unit_ids = []
                for u in range(1, unit_count + 1):
                    uid = self._next("unit")
                    ucode = f"{building_code}{u:02d}"
                    rows["unit"].append((uid, ucode, building_id, code, f"{u}单元"))
                    unit_ids.append((uid, ucode))
                slots = iter([
                    (unit_ids[u - 1], u, floor, door, f"{buildings}栋{u}单元", f"{address}{compound}")
                    for u in range(1, unit_count + 1) for floor in range(1, floors + 1)
                    for door in range(1, doors + 1)
                ])
                continue
            (uid, ucode), u, floor, door, door_prefix, address_prefix = slot
            if rng.random() < 0.08:  # empty flat
                continue
            if uid != unit_id:
                unit_id, unit_code, unit_households = uid, ucode, 0
            unit_households += 1
            size = min(target - placed, rng.choices(data.HOUSEHOLD_SIZES, data.HOUSEHOLD_SIZE_WEIGHTS)[0])
            household_id = self._next("household")
            door_number = f"{door_prefix}{floor}{door:02d}"
            rows["household"].append((
                household_id, f"{unit_code}{unit_households:04d}", unit_id, code, door_number,
                f"{address_prefix}{door_number}", size,
            ))
            self._people(rows, district.code, code, household_id, size)
            households += 1
            placed += size

        self.residents += placed
        self.households += households
        self.buildings += buildings
        rows["grid"].append(Grid(
            id=grid_id, code=code, grid_code=code, community_id=self.community_pks[community.code],
            name=f"{community.name.removesuffix('社区')}第{index + 1}网格",
            polygon=tile_polygon(south, west, north, east),
            building_count=buildings, household_count=households, resident_count=placed,
        ))
        for duty in (GridAssignment.Duty.GRID_WORKER, GridAssignment.Duty.POLICE):
            rows["assignment"].append(self._assignment(grid_id, code, duty))
        for building_id in building_leaders:
            rows["assignment"].append(
                self._assignment(grid_id, code, GridAssignment.Duty.BUILDING_LEADER, building_id=building_id)
            )

    def _assignment(self, grid_id: int, code: str, duty: str, building_id: int | None = None) -> GridAssignment:
        sex = "M" if self.rng.random() < 0.5 else "F"
        return GridAssignment(
            id=self._next("gridassignment"), grid_id=grid_id, building_id=building_id, grid_code=code, duty=duty,
            name=self.names.surname() + self.names.given(sex), phone=phone_number(self.rng),
        )

    def _people(self, rows: dict, region: str, grid_code: str, household_id: int, size: int) -> None:
        rng = self.rng
        names = self.names
        members = compose_household(rng, size)
        head_age = members[0][1]
        if head_age < 40:
            weights = data.RESIDENCE_WEIGHTS_YOUNG
        elif head_age < 60:
            weights = data.RESIDENCE_WEIGHTS_MIDDLE
        else:
            weights = data.RESIDENCE_WEIGHTS_OLD
        residence = rng.choices(data.RESIDENCE_TYPES, weights)[0]
        family_name = names.surname()
        alone = size == 1
        residents = rows["resident"]
        tag_rows = rows["tag"]
        tags = self.tags
        for relation, age, sex in members:
            surname = family_name if relation in ("head", "child", "grandchild") or (
                relation == "parent" and sex == "M") else names.surname()
            ordinal = self.reference - int(age * 365.2425) - int(rng.random() * 365) - 1
            id_number, birth = self.id_numbers.make(region, ordinal, sex)
            resident_id = self._next("resident")
            phone = phone_number(rng) if age >= 12 and rng.random() < 0.95 else ""
            residents.append((
                resident_id, household_id, grid_code, surname + names.given(sex), sex, birth, "resident_id",
                id_number, id_number[-4:], phone, relation, residence, "", self.now, self.now,
            ))
            for tag in _key_groups(rng, age, sex, alone, residence):
                if tag in tags:
                    tag_rows.append((self._next("residenttag"), resident_id, tags[tag], grid_code))


def _compound_name(rng: random.Random, community_name: str) -> str:
    word = rng.choice(data.PLACE_WORDS)
    return word + rng.choice(data.COMPOUND_SUFFIXES)


def _key_groups(rng: random.Random, age: int, sex: str, alone: bool, residence: str) -> list[str]:
    """Key-group tags for one person, at rates plausible for a Chinese city."""
    found = []
    r = rng.random
    if age < 3:
        found.append("infant")
    if age >= 60:
        if alone and age >= 70 and r() < 0.7:
            found.append("elderly_alone")
        if r() < 0.30:
            found.append("chronic")
        if r() < 0.06:
            found.append("disabled")
        if r() < (0.08 if age >= 80 else 0.01):
            found.append("bedridden")
    else:
        if age >= 40 and r() < 0.05:
            found.append("chronic")
        if r() < 0.015:
            found.append("disabled")
        if sex == "F" and 22 <= age <= 40 and r() < 0.03:
            found.append("pregnant")
    if residence == "floating" and 18 <= age <= 60 and r() < 0.7:
        found.append("migrant_worker")
    if r() < 0.002:
        found.append("risk_area_arrival")
    return found
