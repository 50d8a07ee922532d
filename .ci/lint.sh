#!/usr/bin/env bash
# Lints the API contract (loyalty-core/src/main/resources/openapi.yaml) with Redocly CLI, pinned in
# .ci/lint/package-lock.json, by the rules in redocly.yaml; exits non-zero on any error.
# Needs Node.js 20.19+ or 22.12+ and npm (Debian: apt-get install -y nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/.."
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
# Exactly the locked version, from the npm registry (or npm's cache): about a second.
npm ci --prefix .ci/lint --no-audit --no-fund --loglevel=error
.ci/lint/node_modules/.bin/redocly lint --format=stylish
