#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server on loopback (scripts/start-postgres.sh), its
# DATABASE_URL in the environment, and stops it afterwards, whatever happens (PG_DIR, PG_PORT as there).
set -euo pipefail
here="$(dirname "$0")"
trap 'bash "$here/stop-postgres.sh" >/dev/null 2>&1 || true' EXIT
settings="$(bash "$here/start-postgres.sh")"
eval "$settings"
"$@"
