#!/usr/bin/env bash
# Stops the server scripts/start-postgres.sh started (same PG_DIR) and deletes its data.
set -euo pipefail

PG_DIR="${PG_DIR:-/tmp/bos-mirror-postgres}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

[ -d "$PG_DIR" ] || exit 0
[ -f "$PG_DIR/password" ] || { echo "stop-postgres: $PG_DIR is not a server made by start-postgres.sh; left alone" >&2; exit 1; }
if [ -f "$PG_DIR/data/postmaster.pid" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  else
    "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  # pg_ctl failed or the pid file outlived its process: make sure nothing is left.
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pid="$(head -1 "$PG_DIR/data/postmaster.pid")"
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
fi
rm -rf "$PG_DIR"
echo "stop-postgres: stopped and removed $PG_DIR" >&2
