#!/usr/bin/env bash
# What the test suite needs beyond npm packages: Debian's Chromium, which Playwright drives
# (Playwright's own browser download cannot reach its host from these machines).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "Chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y chromium
/usr/bin/chromium --version
