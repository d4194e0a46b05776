#!/usr/bin/env bash
# Stops the cluster scripts/start-ceph.sh started (same CEPH_DIR) and deletes its data. SIGKILL is
# enough: the cluster is throw-away and its data lives in the OSD's memory.
set -euo pipefail

CEPH_DIR="${CEPH_DIR:-/tmp/bos-mirror-ceph}"

[ -d "$CEPH_DIR" ] || exit 0
[ -f "$CEPH_DIR/ceph.conf" ] || { echo "stop-ceph: $CEPH_DIR is not a cluster made by start-ceph.sh; left alone" >&2; exit 1; }
for pidfile in "$CEPH_DIR"/run/*.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
done
rm -rf "$CEPH_DIR"
echo "stop-ceph: stopped and removed $CEPH_DIR" >&2
