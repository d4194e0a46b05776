#!/usr/bin/env bash
# Runs a command with a throw-away single-node Ceph cluster on loopback (scripts/start-ceph.sh) and
# its S3 blob-store settings in the environment, and stops the cluster afterwards, whatever happens.
# Used by `npm test` for the integration suite's second run (object bytes in Ceph's S3 gateway).
set -euo pipefail
here="$(dirname "$0")"
settings="$(bash "$here/start-ceph.sh")"
trap 'bash "$here/stop-ceph.sh" >/dev/null 2>&1 || true' EXIT
eval "$settings"
"$@"
