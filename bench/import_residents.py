"""Benchmark: import rate of a residents file with full validation, beside a raw COPY of the same file.

PostgreSQL only, into a database of its own (it TRUNCATEs the residents table)::

    createdb -h 127.0.0.1 -U postgres wangge_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wangge_bench_import \\
        .venv/bin/python bench/import_residents.py --rows 1000000

It migrates the database, builds a grid with enough households (bulk inserts, not the factories),
writes a CSV of N residents with valid ID numbers, then times in the same run

(a) a raw ``COPY ... FROM STDIN (FORMAT csv, HEADER)`` of that file into a scratch table with the
    file's own columns (text, no indexes): the floor of what any import of this file costs; and
(b) the full import through ``wangge.people.imports.run_import_job``: decoding, header mapping,
    every rule of ``clean_resident_fields``, reach, duplicates in the file and in the database,
    the COPY into ``people_resident`` with its indexes, tags, recounted counters and the audit entry.

and prints rows/s for both and their ratio (goal: >= 50,000 rows/s and >= 0.25 of raw COPY).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from wangge.accounts.models import Role, User  # noqa: E402
from wangge.accounts.services import user_create  # noqa: E402
from wangge.grid.models import Building, Division, Grid, Household, Unit  # noqa: E402
from wangge.people.idcard import make_id_number  # noqa: E402
from wangge.people.imports import run_import_job  # noqa: E402
from wangge.people.models import ImportJob  # noqa: E402

DISTRICT = "429901"  # a district code no real city uses
COMMUNITY = DISTRICT + "001001"
BUILDINGS_PER_GRID, UNITS_PER_BUILDING, HOUSEHOLDS_PER_UNIT = 20, 4, 25
HEADERS = ["户编码", "姓名", "性别", "证件类型", "证件号码", "手机号", "与户主关系", "人口类型", "重点人群", "出生日期",
           "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "晨", "浩然", "子涵", "欣怡", "梓轩"]
RELATIONS = ["户主", "配偶", "子女", "子女", "父母"]
RESIDENCE = ["户籍", "户籍", "常住", "流动"]
TAGS = ["独居老人", "慢性病患者", "残疾人", "孕产妇", "外来务工人员"]


def build_city(households_needed: int) -> list[str]:
    """Grids full of households for the bench district, built with bulk inserts; returns household codes."""
    have = Household.objects.filter(grid_code__startswith=COMMUNITY).count()
    if have < households_needed:
        per_grid = BUILDINGS_PER_GRID * UNITS_PER_BUILDING * HOUSEHOLDS_PER_UNIT
        grids_needed = -(-households_needed // per_grid)
        parent = None
        for length, level, name in ((4, 2, "基准市"), (6, 3, "基准区"), (9, 4, "基准街道"), (12, 5, "基准社区")):
            parent, _ = Division.objects.get_or_create(
                code=COMMUNITY[:length].ljust(12, "0"), defaults={"level": level, "name": name, "parent": parent}
            )
        existing = set(Grid.objects.filter(community=parent).values_list("code", flat=True))
        for g in range(1, grids_needed + 1):
            code = f"{COMMUNITY}{g:03d}"
            if code in existing:
                continue
            grid = Grid.objects.create(code=code, community=parent, name=f"基准第{g}网格")
            buildings = Building.objects.bulk_create([
                Building(code=f"{code}{b:03d}", grid=grid, grid_code=code, name=f"{b}栋")
                for b in range(1, BUILDINGS_PER_GRID + 1)
            ])
            units = Unit.objects.bulk_create([
                Unit(code=f"{b.code}{u:02d}", building=b, grid_code=code, name=f"{u}单元")
                for b in buildings for u in range(1, UNITS_PER_BUILDING + 1)
            ])
            Household.objects.bulk_create([
                Household(code=f"{u.code}{h:04d}", unit=u, grid_code=code, door_number=str(h))
                for u in units for h in range(1, HOUSEHOLDS_PER_UNIT + 1)
            ], batch_size=5000)
            Grid.objects.filter(pk=grid.pk).update(building_count=BUILDINGS_PER_GRID, household_count=per_grid)
    codes = Household.objects.filter(grid_code__startswith=COMMUNITY).order_by("code").values_list("code", flat=True)
    return list(codes[:households_needed])


def write_csv(path: Path, rows: int, household_codes: list[str]) -> None:
    base = dt.date(1940, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for i in range(rows):
            day, sequence = i % 25_000, i // 25_000
            birth = base + dt.timedelta(days=day)
            number = make_id_number("420106", birth, sequence)
            writer.writerow([
                household_codes[i // 3], SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
                "男" if sequence % 2 else "女", "居民身份证", number, f"13{i % 1_000_000_000:09d}",
                RELATIONS[i % 3], RESIDENCE[i % len(RESIDENCE)],
                TAGS[i % len(TAGS)] if i % 10 == 0 else "", "", "",
            ])


def reset_residents() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_residenttag, people_householdmove, people_resident RESTART IDENTITY CASCADE")
    Household.objects.filter(grid_code__startswith=COMMUNITY).update(resident_count=0)
    Grid.objects.filter(code__startswith=COMMUNITY).update(resident_count=0)


def raw_copy(path: Path) -> tuple[float, int]:
    columns = ", ".join(f'"{h}" text' for h in HEADERS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_residents")
        cursor.execute(f"CREATE TABLE bench_raw_residents ({columns})")
        started = time.perf_counter()
        with cursor.copy("COPY bench_raw_residents FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                open(path, "rb") as f:
            while data := f.read(1024 * 1024):
                copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_raw_residents")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_raw_residents")
    return elapsed, copied


def raw_copy_into_residents(path: Path, folder: str) -> float:
    """COPY of the same rows, already resolved to people_resident's columns, into that table (then emptied)."""
    households = dict(Household.objects.filter(grid_code__startswith=COMMUNITY).values_list("code", "id"))
    now = dt.datetime.now(dt.UTC).isoformat()
    resolved = Path(folder) / "resolved.tsv"
    with open(path, encoding="utf-8", newline="") as src, open(resolved, "w", encoding="utf-8") as out:
        reader = csv.reader(src)
        next(reader)
        for code, name, sex, _type, number, phone, *_rest in reader:
            birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            out.write(f"{households[code]}\t{code[:15]}\t{name}\t{'M' if sex == '男' else 'F'}\t{birth}\t"
                      f"resident_id\t{number}\t{number[-4:]}\t{phone}\thead\tregistered\t\t{now}\t{now}\n")
    columns = ("household_id, grid_code, name, sex, birth_date, id_type, id_number, id_tail, phone, relation, "
               "residence_type, note, created_at, updated_at")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy(f"COPY people_resident ({columns}) FROM STDIN") as copy, open(resolved, "rb") as f:
            while data := f.read(1024 * 1024):
                copy.write(data)
        elapsed = time.perf_counter() - started
    reset_residents()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL to a database of its own.")
    call_command("migrate", interactive=False, verbosity=0)

    started = time.perf_counter()
    codes = build_city(-(-args.rows // 3))
    print(f"city: {len(codes)} households ready in {time.perf_counter() - started:.1f} s")
    user = User.objects.filter(username="bench_importer").first() or user_create(
        username="bench_importer", password="Bench-import-2026", role=Role.COMMAND,
        scope_codes=[DISTRICT + "000000"], check_password=False,
    )
    reset_residents()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "residents.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, codes)
        size = path.stat().st_size
        print(f"file: {args.rows} rows, {size / 1e6:.1f} MB written in {time.perf_counter() - started:.1f} s")

        copy_seconds, copied = raw_copy(path)
        assert copied == args.rows, copied
        copy_rate = args.rows / copy_seconds
        table_seconds = raw_copy_into_residents(path, folder)
        table_rate = args.rows / table_seconds

        job = ImportJob.objects.create(kind=ImportJob.Kind.RESIDENTS, mode=ImportJob.Mode.ALL_OR_NOTHING,
                                       file_name=path.name, file_path=str(path), grid_code=DISTRICT,
                                       created_by=user)
        started = time.perf_counter()
        result = run_import_job(job.pk)
        import_seconds = time.perf_counter() - started
    if result.status != ImportJob.Status.SUCCEEDED or result.imported_rows != args.rows:
        sys.exit(f"import did not succeed: {result.status} {result.message} {result.errors[:5]}")
    import_rate = args.rows / import_seconds
    print(f"raw COPY into a scratch table : {copy_seconds:8.2f} s  {copy_rate:12,.0f} rows/s")
    print(f"validated import (service)    : {import_seconds:8.2f} s  {import_rate:12,.0f} rows/s")
    print(f"raw COPY into people_resident : {table_seconds:8.2f} s  {table_rate:12,.0f} rows/s  (same rows, resolved)")
    print(f"ratio import / raw COPY       : {import_rate / copy_rate:8.3f}   (goal >= 0.25; rate goal >= 50,000/s)")
    print(f"ratio import / COPY into table: {import_rate / table_rate:8.3f}")
    url = shlex.quote(os.environ.get("DATABASE_URL", ""))
    print(f"reproduce: DATABASE_URL={url} .venv/bin/python bench/import_residents.py --rows {args.rows}")


if __name__ == "__main__":
    main()
