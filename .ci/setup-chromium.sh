#!/usr/bin/env bash
# The dashboard's browser suite drives Debian's chromium (test/dashboard-browser.test.ts); installs it
# only when it is missing, so a machine that has it pays nothing.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
