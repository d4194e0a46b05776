#!/usr/bin/env bash
# Debian's Ceph monitor, OSD and S3 gateway (16.2 on Debian 12), for scripts/start-ceph.sh. Without
# recommends, which would pull in the manager and its Python stack: ~70 MB, 40-70 s. No-op when
# they are installed. Run as root, or with sudo.
set -euo pipefail

missing=()
for package in ceph-mon ceph-osd radosgw; do
  command -v "$package" >/dev/null || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update >&2
  $sudo apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw >&2
fi
