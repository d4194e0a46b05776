#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback, for the tests and benchmarks that keep metadata in
# PostgreSQL (DATABASE_URL=postgres://...). Installs Debian's postgresql-15 first if it is missing
# (scripts/install-postgres.sh).
#
#   eval "$(scripts/start-postgres.sh)"   # starts it (or finds it running) and exports DATABASE_URL
#   scripts/stop-postgres.sh              # stops it and deletes its data
#
# Prints `export DATABASE_URL=...` on stdout (progress goes to stderr) and writes the same line to
# $PG_DIR/env. Idempotent: when the server in PG_DIR is already up it only prints the line again.
# A server that stopped is not restarted: the next start builds a fresh one (2-4 s).
#
# Settings: PG_DIR (default /tmp/bos-mirror-postgres), PG_PORT (default 55432), PG_BIN (default
# /usr/lib/postgresql/15/bin).
#
# It listens on 127.0.0.1 only, with its socket in PG_DIR (not /var/run/postgresql), and a password
# (scram-sha-256) for the superuser bos_mirror. fsync and synchronous_commit are off: a crash of the
# machine may lose the last commits, which is right for a test server and wrong for anything else.
# initdb refuses to run as root, so as root the server runs as the postgres user (runuser).
set -euo pipefail

PG_DIR="${PG_DIR:-/tmp/bos-mirror-postgres}"
PG_PORT="${PG_PORT:-55432}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATA="$PG_DIR/data"
SOCKET_DIR="$PG_DIR/run"
USER_NAME="bos_mirror"
DATABASE="bos_mirror"

log() { echo "start-postgres: $*" >&2; }
fail() { log "$*"; exit 1; }

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
  [ -f "$PG_DIR/env" ] && as_server_user "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
}

if running; then
  log "already running in $PG_DIR"
  cat "$PG_DIR/env"
  exit 0
fi

PG_BIN="$PG_BIN" bash "$(dirname "$0")/install-postgres.sh"
# Whatever is left of a server that stopped.
if [ -f "$DATA/postmaster.pid" ]; then
  kill -9 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null || true
fi
rm -rf "$PG_DIR"
mkdir -p "$PG_DIR" "$SOCKET_DIR"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$(dirname "$PG_DIR")"; then
  fail "the postgres user cannot reach $(dirname "$PG_DIR"); choose a PG_DIR whose parent directories it may enter"
fi
password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
printf '%s\n' "$password" >"$PG_DIR/password"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$PG_DIR"; fi
chmod 700 "$PG_DIR"

log "initdb in $DATA"
as_server_user "$PG_BIN/initdb" -D "$DATA" -U "$USER_NAME" --pwfile="$PG_DIR/password" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
  || fail "initdb failed: $(cat "$PG_DIR/initdb.log")"
cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SOCKET_DIR'
max_connections = 300
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

log "starting on 127.0.0.1:$PG_PORT"
as_server_user "$PG_BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
  || fail "the server did not start (log: $PG_DIR/server.log)"
as_server_user env PGPASSWORD="$password" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$USER_NAME" "$DATABASE" \
  || fail "createdb failed"

url="postgres://$USER_NAME:$password@127.0.0.1:$PG_PORT/$DATABASE"
line="export DATABASE_URL='$url'"
printf '%s\n' "$line" >"$PG_DIR/env"
log "ready: $url"
printf '%s\n' "$line"
