#!/usr/bin/env bash
# Lints the templates of the last `cdk synth` (`npm run synth` first) with the AWS CloudFormation
# Linter, pinned in a virtual environment. The accepted warnings are listed in docs/CFN-LINT.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-venv.sh
ensure_venv .venv/cfn-lint scripts/requirements/cfn-lint.txt
.venv/cfn-lint/bin/python scripts/cfn-lint.py
