"""The Excel writer's fast row path: byte for byte the cell-by-cell path, on tricky and random rows."""

import datetime as dt
import io
import random
from decimal import Decimal

from openpyxl import load_workbook

from wangge.core import xlsx

TRICKY = [
    "", " ", "  两端空格  ", "张三", "a&b", "<script>", "x>y", "'quoted'", '"double"', "=SUM(A1:A2)", "+86 138",
    "-5", "@cmd", "\tindent", "\rcr", "line\nbreak", "line\n=formula", "line\n-dash", "bell\x07", "nul\x00",
    "\ufffe", "\uffff", "emoji 😷🏠", "全角\u3000空格", "\x7fdel", "\x85nel", "%s %d %%", "a\u2028b", "中文&<>",
]
ALPHABET = "ab 张伟&<>\"'=+-@\t\r\n\x00\x01\x1f\x7f\ufffe\uffff😷%\u3000"


def reference(number, row):
    return xlsx._row_xml(number, row).encode()


def random_text(rng):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 6)))


def test_tricky_texts_are_written_as_the_cell_by_cell_path_writes_them():
    write = xlsx.row_writer("itdtt")
    for number, text in enumerate(TRICKY, start=2):
        for row in [(1, text, dt.date(2022, 4, 1), "甲", text), (1, "甲", dt.date(2022, 4, 1), text, "")]:
            assert write(number, row) == reference(number, row), row


def test_random_rows_are_written_as_the_cell_by_cell_path_writes_them():
    rng = random.Random(7)
    write = xlsx.row_writer("ttitdt-")
    for number in range(2, 5002):
        row = [random_text(rng), random_text(rng), rng.randrange(-10**6, 10**6), random_text(rng),
               dt.date(1900 + rng.randrange(200), 1 + rng.randrange(12), 1 + rng.randrange(28)), random_text(rng),
               rng.choice([None, 1.5, Decimal("2.25"), True, "x", dt.datetime(2022, 4, 1, 8, 30)])]
        if rng.random() < 0.1:  # a None, a bool or a str where the columns say otherwise
            row[rng.randrange(len(row))] = rng.choice([None, True, "3", 4])
        assert write(number, row) == reference(number, row), row


def test_rows_that_do_not_fit_their_columns_take_the_slow_path_unchanged():
    write = xlsx.row_writer("tid")
    for row in [(None, 1, dt.date(2022, 4, 1)), ("a", True, dt.date(2022, 4, 1)), ("a", 1, None),
                ("a", 1, dt.datetime(2022, 4, 1, 8)), ("a", 1), ("a", 1, dt.date(2022, 4, 1), "extra"), (5, "x", 1)]:
        assert write(2, row) == reference(2, row), row


def test_column_kinds_are_read_off_a_row():
    assert xlsx.column_kinds((1, "a", dt.date(2022, 4, 1), None, dt.datetime(2022, 4, 1), True, 1.5)) == "itd----"


def test_a_file_of_tricky_rows_opens_with_every_text_as_written():
    rows = [(i, text, dt.date(2022, 4, 1 + i % 28), "甲") for i, text in enumerate(TRICKY)]
    out = io.BytesIO()
    assert xlsx.write_xlsx(out, headers=["编号", "文字", "日期", "名称"], rows=iter(rows), columns="itdt") == len(rows)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    read = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    for (i, text, day, name), (got_i, got_text, got_day, got_name) in zip(rows, read, strict=True):
        expected = xlsx.ILLEGAL_XML.sub("\ufffd", text).replace("\r", "\n")  # XML reads CR as a line end
        assert got_i == i and got_day.date() == day and got_name == name
        assert (got_text or "") == expected, text
    cells = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2)}
    for text in ("=SUM(A1:A2)", "+86 138", "-5", "@cmd"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
