#!/usr/bin/env bash
# The whole test suite: ruff, then every test on SQLite and again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --dev
export WANGGE_VAR_DIR="${WANGGE_VAR_DIR:-$PWD/var/test}"
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/wangge makemigrations --check --dry-run >/dev/null || { echo "模型有未生成的迁移" >&2; exit 1; }
echo "==> SQLite"
workers=(-n "${WANGGE_TEST_WORKERS:-2}")
env -u DATABASE_URL .venv/bin/pytest -q "${workers[@]}" "$@"
if [ "${WANGGE_SKIP_POSTGRES:-0}" != "1" ]; then
  echo "==> PostgreSQL"
  DATABASE_URL="${WANGGE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}" .venv/bin/pytest -q "${workers[@]}" "$@"
fi
