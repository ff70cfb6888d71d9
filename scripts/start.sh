#!/usr/bin/env bash
# One command: install, create the embedded database, build the demo city, start the platform.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/wangge migrate --no-input -v 0
if [ ! -f var/demo_accounts.txt ]; then
  echo "==> 生成示范城市（约5万居民，首次需要一两分钟）"
  .venv/bin/wangge demo --residents "${WANGGE_DEMO_RESIDENTS:-50000}"
else
  echo "==> 示范账号（role username password scope-code）："
  cat var/demo_accounts.txt
fi
exec .venv/bin/wangge serve --host "${WANGGE_HOST:-127.0.0.1}" --port "${WANGGE_PORT:-8000}"
