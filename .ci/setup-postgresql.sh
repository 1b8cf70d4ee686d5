#!/usr/bin/env bash
# The PostgreSQL server the store tests start for themselves (test/support/postgres-server.ts):
# Debian's package, installed only when no initdb is on the machine. Idempotent.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
# Only the server binaries: the tests run their own cluster, so the packaged one is not started.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
