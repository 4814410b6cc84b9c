#!/usr/bin/env bash
# Runs the tests that run cdk-nag's packs (every test file that calls validateScope) against the newest
# aws-cdk-lib in the peer range. `npm test` runs them against the floor, the devDependency pin; users
# get whatever the range allows, and cdk-nag's rules (the latest Lambda runtime, for one) depend on the
# aws-cdk-lib they run with.
#
# aws-cdk-lib and constructs are installed into a throw-away directory, never into node_modules, and
# jest maps every import of them (from the library, the tests and cdk-nag alike) to that one copy: a
# second copy would make every nag rule silently not apply. test/private/runtimes.test.ts checks that
# the copy loaded is the version installed here and that cdk-nag's rules fire with it.
#
# Usage: bash scripts/test-nag-latest.sh [aws-cdk-lib version]   (default: the newest in the peer range)
set -euo pipefail
cd "$(dirname "$0")/.."

range=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib']")
constructs_range=$(node -p "require('./package.json').peerDependencies.constructs")
version=${1:-$(npm view "aws-cdk-lib@${range}" version --json | node -e '
  const found = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
  const parts = (v) => v.split(".").map(Number);
  const newer = (a, b) => { const [x, y] = [parts(a), parts(b)]; for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i]; return false; };
  console.log(found.reduce((best, v) => (newer(v, best) ? v : best)));
')}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{ "private": true }' >"$work/package.json"
npm install --prefix "$work" --no-audit --no-fund --ignore-scripts --no-package-lock --loglevel=error \
  "aws-cdk-lib@${version}" "constructs@${constructs_range}" >/dev/null

# Exactly one copy of each in the throw-away install, at the version asked for.
for pkg in aws-cdk-lib constructs; do
  copies=$(find "$work/node_modules" -path "*/node_modules/${pkg}/package.json" | wc -l)
  if [ "$copies" -ne 1 ]; then
    echo "expected one copy of ${pkg} in ${work}/node_modules, found ${copies}" >&2
    exit 1
  fi
done
installed=$(node -p "require('$work/node_modules/aws-cdk-lib/package.json').version")
if [ "$installed" != "$version" ]; then
  echo "asked for aws-cdk-lib ${version}, npm installed ${installed}" >&2
  exit 1
fi
constructs_version=$(node -p "require('$work/node_modules/constructs/package.json').version")

mapper=$(node -e '
  const dir = process.argv[1];
  console.log(JSON.stringify({
    "^aws-cdk-lib$": `${dir}/aws-cdk-lib`,
    "^aws-cdk-lib/(.*)$": `${dir}/aws-cdk-lib/$1`,
    "^constructs$": `${dir}/constructs`,
  }));
' "$work/node_modules")
mapfile -t files < <(grep -rl --include='*.test.ts' 'validateScope' test | sort)

echo "cdk-nag tests against aws-cdk-lib ${installed} and constructs ${constructs_version} (peer range ${range}):"
printf '  %s\n' "${files[@]}"
NAG_EXPECTED_AWS_CDK_LIB="$installed" npx jest --ci --moduleNameMapper "$mapper" "${files[@]}"
echo "cdk-nag tests passed against aws-cdk-lib ${installed}"
