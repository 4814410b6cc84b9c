#!/usr/bin/env bash
# Builds the Python package, a wheel and an sdist, into dist/python from the current jsii build
# (`npm run build && npm run rosetta` first): jsii-pacmak writes the sources, with the README's
# examples translated to Python, and `python -m build` packs them with pinned build tools.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-venv.sh

sources=dist/python-src
rm -rf "$sources" dist/python
# An example missing from the rosetta tablet fails the build instead of shipping as TypeScript.
npx jsii-pacmak --targets python --code-only --rosetta-unknown-snippets fail --outdir "$sources"

ensure_venv .venv/python-build scripts/requirements/python-build.txt
.venv/python-build/bin/python -m build --quiet --no-isolation --outdir dist/python "$sources/python"
