#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server (scripts/start-postgres.sh) and a throw-away
# single-node Ceph cluster (scripts/start-ceph.sh) on loopback, their settings (DATABASE_URL,
# BLOB_STORE=s3, BLOB_S3_*) in the environment, and stops both afterwards, whatever happens.
# Used by `npm test` for the integration suite's second configuration (PostgreSQL + Ceph's S3 gateway).
# PG_DIR/PG_PORT and CEPH_DIR/CEPH_MON_PORT/CEPH_RGW_PORT choose where they run.
set -euo pipefail
here="$(dirname "$0")"
trap 'bash "$here/stop-postgres.sh" >/dev/null 2>&1 || true; bash "$here/stop-ceph.sh" >/dev/null 2>&1 || true' EXIT
postgres="$(bash "$here/start-postgres.sh")"
ceph="$(bash "$here/start-ceph.sh")"
eval "$postgres"
eval "$ceph"
"$@"
