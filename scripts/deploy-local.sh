#!/usr/bin/env bash
# Tries the presets end to end without an AWS account (`npm run deploy:local [-- STACK...]`): starts
# LocalStack on 127.0.0.1 (see scripts/deploy-test.sh), deploys the deploy stacks of test/deploy (or the
# ones named: DeployEdge, DeployRegional, DeployS3, DeployPrivate, DeployKeys) and prints a curl command for every
# route. Ctrl-C stops LocalStack and removes its state. Needs Python 3.13; nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/localstack.sh
export CDK_DISABLE_CLI_TELEMETRY=true

ensure_localstack_venv
mkdir -p .deploy
DEPLOY_TEST_BACKEND_PORT=${DEPLOY_TEST_BACKEND_PORT:-$(free_port)}
export DEPLOY_TEST_BACKEND_PORT
export DEPLOY_TEST_OUTDIR=.deploy/local.out
rm -rf "$DEPLOY_TEST_OUTDIR"
npx ts-node --project tsconfig.dev.json test/deploy/app.ts
start_localstack
export DEPLOY_TEST_ENDPOINT="http://127.0.0.1:$LOCALSTACK_PORT"
"$LOCALSTACK_VENV/bin/python" test/deploy/try_local.py "$@"
