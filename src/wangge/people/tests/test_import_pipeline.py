"""The checker thread that runs ahead of the PostgreSQL writer."""

import threading
import time

import pytest

from wangge.people.imports import _in_background


def test_chunks_come_through_in_order():
    assert list(_in_background(iter([[1], [2], [3], [4], [5], [6]]))) == [[1], [2], [3], [4], [5], [6]]


def test_an_error_in_the_checker_reaches_the_writer():
    def chunks():
        yield [1]
        raise ValueError("第3行无法读取")

    received = []
    with pytest.raises(ValueError, match="第3行无法读取"):
        for chunk in _in_background(chunks()):
            received.append(chunk)
    assert received == [[1]]


def test_the_checker_stops_when_the_writer_gives_up():
    produced = []

    def chunks():
        for n in range(1000):
            produced.append(n)
            yield [n]

    stream = _in_background(chunks())
    assert next(stream) == [0]
    stream.close()  # the writer failed: the generator is closed
    time.sleep(0.3)
    assert len(produced) < 20  # bounded read-ahead, and the thread has ended
    assert not [t for t in threading.enumerate() if t.name == "wangge-import-check"]
