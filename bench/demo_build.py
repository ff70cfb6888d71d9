"""Demo-city build rate on PostgreSQL: ``wangge demo --residents N --reset``, residents per second.

Creates the database if needed, migrates it, then times the whole command (reset, generation,
COPY, index rebuild and the demo accounts) as a user would run it.

    DATABASE_URL=postgres://postgres@127.0.0.1/wangge_bench .venv/bin/python bench/demo_build.py --residents 1000000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _common import ROOT, bench_env, database_url, ensure_database, reproduce


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    url = database_url()
    ensure_database(url)
    env = bench_env()
    wangge = str(ROOT / ".venv" / "bin" / "wangge")
    subprocess.run([wangge, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    command = [wangge, "demo", "--residents", str(args.residents), "--seed", str(args.seed), "--reset", "--city-only"]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"wangge demo failed with exit code {done.returncode}")
    accounts = done.stdout.splitlines()

    print()
    print(f"demo build on PostgreSQL: {args.residents:,} residents in {seconds:.1f} s "
          f"= {args.residents / seconds:,.0f} residents/s (whole command: reset, generate, COPY, indexes, accounts)")
    print(f"demo accounts printed: {len(accounts)} (written to {env['WANGGE_VAR_DIR']}/demo_accounts.txt)")
    print("reproduce:", reproduce("demo_build.py", ["--residents", str(args.residents), "--seed", str(args.seed)]))


if __name__ == "__main__":
    main()
