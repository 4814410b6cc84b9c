#!/usr/bin/env bash
# The only way snapshots change: run this on purpose, read the diff, and commit it.
# A changed logical id in a snapshot replaces users' resources; say so in the change.
set -euo pipefail
cd "$(dirname "$0")/.."
npx jest --ci=false --updateSnapshot test/snapshot
