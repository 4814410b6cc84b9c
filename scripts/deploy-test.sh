#!/usr/bin/env bash
# The deploy tests (`npm run test:deploy`, docs/DEPLOY-TESTS.md): synthesizes test/deploy/app.ts, starts
# LocalStack on 127.0.0.1 (installed in a pinned virtual environment, reused when present), deploys every
# deploy stack through its CloudFormation, calls the APIs over HTTP with pytest (test/deploy), deletes the
# stacks and stops LocalStack, whatever happened. Needs Python 3.13; nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/localstack.sh
export CDK_DISABLE_CLI_TELEMETRY=true

started=$SECONDS
ensure_localstack_venv
echo "::: LocalStack environment ready in $((SECONDS - started)) s"

mkdir -p .deploy
DEPLOY_TEST_BACKEND_PORT=$(free_port)
export DEPLOY_TEST_BACKEND_PORT
export DEPLOY_TEST_OUTDIR=.deploy/cdk.out
rm -rf "$DEPLOY_TEST_OUTDIR"
npx ts-node --project tsconfig.dev.json test/deploy/app.ts

start_localstack
export DEPLOY_TEST_ENDPOINT="http://127.0.0.1:$LOCALSTACK_PORT" DEPLOY_TEST_EMULATOR_PID=$LOCALSTACK_PID
# pytest's exit code is kept so the trap still stops LocalStack and reports it.
"$LOCALSTACK_VENV/bin/python" -m pytest -p no:cacheprovider -rs test/deploy "$@"
