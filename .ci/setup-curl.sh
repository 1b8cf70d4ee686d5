#!/usr/bin/env bash
# test/docs-examples.test.ts runs the documentation's curl examples as written: make sure curl is there.
set -euo pipefail
command -v curl >/dev/null 2>&1 && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null
