#!/usr/bin/env bash
# The suites that drive the real Claude Code, Codex and Gemini CLIs install them on first use into
# ~/.cache/llm-router/clis; on a fresh machine do it here, once, before any test's time limit runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
node test/support/install-agent-clis.ts
