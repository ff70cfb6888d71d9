"""Rows per second of the one Excel writer (core/xlsx.py), in-process, on resident-shaped rows.

No database: the figure is the writer's own cost (SpreadsheetML into a deflate stream), the
ceiling for every export.  It prints wall-clock and CPU rates and the file size, and the command
that reproduces them:

    .venv/bin/python bench/export_writer.py --rows 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import ROOT  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    os.environ.setdefault("WANGGE_VAR_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()
    from wangge.core.xlsx import stream_xlsx
    from wangge.people.exports import RESIDENT_EXPORT_HEADERS

    def rows():
        for i in range(args.rows):
            yield (i, f"张{i % 997}伟", "男", dt.date(1950 + i % 60, 1 + i % 12, 1 + i % 28), "居民身份证",
                   "420***********1234", "138****8000", "户主", "户籍", f"420106001001001001001{i % 1000:03d}",
                   f"武汉市江岸区某街道某小区{i % 40}栋1单元{i % 30}01", "420106001001001",
                   "独居老人" if i % 7 == 0 else "")

    wall, cpu = time.perf_counter(), time.process_time()
    size = sum(len(chunk) for chunk in stream_xlsx(headers=RESIDENT_EXPORT_HEADERS, rows=rows()))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"export writer: {args.rows:,} rows of {len(RESIDENT_EXPORT_HEADERS)} columns in {wall:.2f} s "
          f"= {args.rows / wall:,.0f} rows/s wall, {args.rows / cpu:,.0f} rows/s CPU; {size / 1e6:.1f} MB")
    print(f"reproduce: .venv/bin/python bench/export_writer.py --rows {args.rows}")


if __name__ == "__main__":
    main()
