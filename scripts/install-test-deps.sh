#!/usr/bin/env bash
# What the test suite needs beyond npm packages, from Debian: Chromium, which Playwright drives
# (Playwright's own browser download cannot reach its host from these machines), and the S3
# clients the S3 tests run against the server (awscli, rclone, s3cmd, python3-boto3), Ceph
# (scripts/install-ceph.sh) and PostgreSQL 15 (scripts/install-postgres.sh), which
# scripts/with-postgres-and-ceph.sh runs for the integration suite's PostgreSQL + Ceph run.
set -euo pipefail

# Debian package → a file it installs.
declare -A needs=(
  [chromium]=/usr/bin/chromium
  [awscli]=/usr/bin/aws
  [rclone]=/usr/bin/rclone
  [s3cmd]=/usr/bin/s3cmd
  [python3-boto3]=/usr/lib/python3/dist-packages/boto3/__init__.py
)

missing=()
for package in "${!needs[@]}"; do
  if [ ! -e "${needs[$package]}" ]; then missing+=("$package"); fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update
  $sudo apt-get install -y "${missing[@]}"
fi

bash "$(dirname "$0")/install-ceph.sh"
bash "$(dirname "$0")/install-postgres.sh"

echo "Chromium: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
echo "awscli:   $(/usr/bin/aws --version 2>&1)"
echo "rclone:   $(/usr/bin/rclone version 2>/dev/null | head -1)"
echo "s3cmd:    $(/usr/bin/s3cmd --version 2>&1)"
echo "boto3:    $(/usr/bin/python3 -c 'import boto3; print(boto3.__version__)')"
echo "Ceph:     $(ceph-mon --version | cut -d' ' -f1-3)"
echo "PostgreSQL: $(/usr/lib/postgresql/15/bin/postgres --version)"
