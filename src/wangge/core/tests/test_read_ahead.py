"""core.exports.read_ahead: on PostgreSQL, outside a transaction, an export's reads run one chunk
ahead in a thread of their own; its errors reach the export, an abandoned export stops it, and its
connection is closed.  Inside a transaction (and on SQLite) the reads stay in the calling thread."""

import threading

import pytest
from django.db import connection, transaction

from wangge.core.exports import read_ahead
from wangge.core.testing.city import build_city
from wangge.core.testing.factories import add_resident
from wangge.people.exports import resident_export_rows
from wangge.people.models import Resident

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="read-ahead is for PostgreSQL")


def _reads(produced: list, n: int = 100):
    def reads():
        for i in range(n):
            produced.append((i, threading.current_thread().name))
            yield i
    return reads


@on_postgresql
def test_items_come_in_order_from_a_thread_of_their_own():
    produced = []
    assert list(read_ahead(_reads(produced, 20))) == list(range(20))
    assert {name for _, name in produced} == {"export-read-ahead"}
    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]


@on_postgresql
def test_an_error_in_the_reads_reaches_the_export():
    def reads():
        yield 1
        raise ValueError("broken read")

    items = read_ahead(reads)
    assert next(items) == 1
    with pytest.raises(ValueError, match="broken read"):
        next(items)


@on_postgresql
def test_an_abandoned_export_stops_the_reads():
    produced = []
    items = read_ahead(_reads(produced, 10_000))
    assert next(items) == 0
    items.close()
    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]
    assert len(produced) <= 4  # one handed over, one waiting, one being read


@on_postgresql
@pytest.mark.django_db
def test_inside_a_transaction_the_reads_stay_in_this_thread():
    produced = []
    with transaction.atomic():
        assert list(read_ahead(_reads(produced, 3))) == [0, 1, 2]
    assert {name for _, name in produced} == {threading.current_thread().name}


def test_off_postgresql_or_switched_off_the_reads_stay_in_this_thread(settings):
    settings.WANGGE_EXPORT_READ_AHEAD = False
    produced = []
    assert list(read_ahead(_reads(produced, 3))) == [0, 1, 2]
    assert {name for _, name in produced} == {threading.current_thread().name}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_resident_export_reads_the_same_rows_ahead_and_closes_its_connection(settings):
    city = build_city()
    for i, household in enumerate(city["households"]["A"] * 3):
        add_resident(household, name=f"居民{i}")
    qs = Resident.objects.order_by("grid_code", "id")

    def backends() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    before = backends()
    ahead = list(resident_export_rows(qs))
    settings.WANGGE_EXPORT_READ_AHEAD = False
    in_turn = list(resident_export_rows(qs))
    assert ahead == in_turn and len(ahead) == Resident.objects.count() >= 9
    assert backends() == before
