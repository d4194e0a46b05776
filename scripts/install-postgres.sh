#!/usr/bin/env bash
# Debian's PostgreSQL 15 server (postgresql-15, ~19 MB), for scripts/start-postgres.sh. No-op when it
# is installed. Run as root, or with sudo.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$PG_BIN/postgres" ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update >&2
  $sudo apt-get install -y --no-install-recommends postgresql-15 >&2
fi
