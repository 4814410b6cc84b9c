#!/usr/bin/env bash
# Tests the Python binding of the current jsii build (`npm run build && npm run rosetta` first):
# builds the wheel, installs it with pinned aws-cdk-lib, constructs and pytest in a virtual
# environment, and runs test/python, where a Python CDK app synthesizes against it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-venv.sh

bash scripts/package-python.sh

venv=.venv/python-test
ensure_venv "$venv" test/python/requirements.txt
# Same version number, new contents: always replace the installed copy of the library.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall dist/python/*.whl
# The wheel's own dependency ranges must accept the pinned versions.
"$venv/bin/python" -m pip check
"$venv/bin/python" -m pytest -p no:cacheprovider test/python "$@"
