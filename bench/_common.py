"""Shared by the benchmark scripts: which database, and how to say what reproduces a figure."""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/wangge_bench"


def database_url() -> str:
    """DATABASE_URL from the environment, as the app reads it; the bench database by default."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("这些基准需要 PostgreSQL：请把 DATABASE_URL 设为 postgres://...")
    return url


def bench_env() -> dict[str, str]:
    """The environment for the app under benchmark: its own var/ dir, so the demo accounts of
    the bench database never overwrite those of the everyday SQLite demo."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env.setdefault("WANGGE_VAR_DIR", str(ROOT / "var" / "bench"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    return env


def reproduce(script: str, args: list[str]) -> str:
    return f"DATABASE_URL={database_url()} .venv/bin/python bench/{script} " + " ".join(shlex.quote(a) for a in args)


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist yet."""
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname") or "postgres"
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile: the value at or below which ``pct`` percent of samples lie."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(fn: Callable[[], object], n: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``n`` calls of ``fn``, after ``warmup`` calls that are not counted."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples
