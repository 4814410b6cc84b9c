# Sourced by the deploy scripts: finds Python 3.13, installs LocalStack into a virtual environment with
# pinned packages (reused when present), and starts it on 127.0.0.1 with a trap that stops it.
# LocalStack's runtime needs Python 3.13 whatever its metadata says (3.11 fails on syntax, 3.12 lacks
# warnings.deprecated).

LOCALSTACK_VENV=${LOCALSTACK_VENV:-.venv/localstack}
LOCALSTACK_REQUIREMENTS=test/deploy/requirements.txt
# Only what the deploy stacks use; Lambda is listed so CloudFormation knows the service, but runs no function.
LOCALSTACK_SERVICES=cloudformation,apigateway,sqs,s3,stepfunctions,iam,logs,lambda,sts,kms,ssm,events,secretsmanager

# Prints the path of a Python 3.13 interpreter: $DEPLOY_TEST_PYTHON, python3.13 on PATH, or pyenv's.
find_python313() {
  local candidates=() root=${PYENV_ROOT:-$HOME/.pyenv} pyenv_bin candidate version
  [ -n "${DEPLOY_TEST_PYTHON:-}" ] && candidates+=("$DEPLOY_TEST_PYTHON")
  candidate=$(command -v python3.13 2>/dev/null) && candidates+=("$candidate")
  pyenv_bin=$(command -v pyenv 2>/dev/null) || pyenv_bin="$root/bin/pyenv"
  if [ -x "$pyenv_bin" ]; then
    root=$("$pyenv_bin" root 2>/dev/null || echo "$root")
    while read -r version; do
      candidates+=("$root/versions/$version/bin/python3.13")
    done < <("$pyenv_bin" versions --bare --skip-aliases 2>/dev/null | grep -E '^3\.13(\.[0-9]+)?$' | sort -rV)
  fi
  for candidate in "$root"/versions/3.13*/bin/python3.13; do candidates+=("$candidate"); done
  for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  cat >&2 <<MESSAGE
The deploy tests need Python 3.13 for LocalStack, and none was found: not in DEPLOY_TEST_PYTHON, not as
python3.13 on PATH, not in pyenv (${root}). Install it (for example \`pyenv install 3.13\`) or set
DEPLOY_TEST_PYTHON to a Python 3.13 interpreter.
MESSAGE
  return 1
}

# Creates (once) $LOCALSTACK_VENV with Python 3.13 and installs the pinned requirements into it.
ensure_localstack_venv() {
  local python
  if [ -x "$LOCALSTACK_VENV/bin/python" ] &&
    ! "$LOCALSTACK_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))'; then
    echo "$LOCALSTACK_VENV is not a Python 3.13 environment: recreating it" >&2
    rm -rf "$LOCALSTACK_VENV"
  fi
  if [ ! -x "$LOCALSTACK_VENV/bin/python" ]; then
    python=$(find_python313) || return 1
    "$python" -m venv "$LOCALSTACK_VENV"
  fi
  "$LOCALSTACK_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$LOCALSTACK_REQUIREMENTS"
}

# Prints a TCP port free on 127.0.0.1.
free_port() {
  "$LOCALSTACK_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts LocalStack on 127.0.0.1:$LOCALSTACK_PORT in its own process group, with its files in a new
# temporary folder, and sets a trap that stops it and removes the folder on exit. Waits until it answers.
start_localstack() {
  LOCALSTACK_PORT=${LOCALSTACK_PORT:-$(free_port)}
  LOCALSTACK_STATE=$(mktemp -d "${TMPDIR:-/tmp}/cdk-apigateway-presets-localstack.XXXXXX")
  LOCALSTACK_LOG="$LOCALSTACK_STATE/localstack.log"
  trap stop_localstack EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # OVERRIDE_IN_DOCKER=0: host mode even inside a container, so every file goes under FILESYSTEM_ROOT.
  # GATEWAY_SERVER=hypercorn: LocalStack's default server (twisted) binds IPv4 addresses to 0.0.0.0
  # whatever GATEWAY_LISTEN names; hypercorn binds the address given (test_emulator.py checks it).
  # No DNS server, no certificate download, no usage events: nothing leaves the machine.
  env GATEWAY_LISTEN="127.0.0.1:$LOCALSTACK_PORT" LOCALSTACK_HOST="127.0.0.1:$LOCALSTACK_PORT" GATEWAY_SERVER=hypercorn \
    OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$LOCALSTACK_STATE/root" PERSISTENCE=0 \
    SERVICES="$LOCALSTACK_SERVICES" CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES=1 \
    DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 SKIP_INFRA_DOWNLOADS=1 \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    setsid "$LOCALSTACK_VENV/bin/python" -m localstack.runtime.main >"$LOCALSTACK_LOG" 2>&1 &
  LOCALSTACK_PID=$!
  local deadline=$((SECONDS + ${LOCALSTACK_START_TIMEOUT:-180}))
  until "$LOCALSTACK_VENV/bin/python" - "$LOCALSTACK_PORT" <<'PY' 2>/dev/null; do
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_localstack/health", timeout=5) as r:
    sys.exit(r.status != 200)
PY
    if ! kill -0 "$LOCALSTACK_PID" 2>/dev/null; then
      echo "LocalStack exited before it was ready; its log:" >&2
      tail -n 50 "$LOCALSTACK_LOG" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "LocalStack was not ready within ${LOCALSTACK_START_TIMEOUT:-180} s; its log:" >&2
      tail -n 50 "$LOCALSTACK_LOG" >&2
      return 1
    fi
    sleep 1
  done
  echo "LocalStack $LOCALSTACK_PID is ready on 127.0.0.1:$LOCALSTACK_PORT (log: $LOCALSTACK_LOG)"
}

# Stops the LocalStack process group that start_localstack started, and removes its temporary folder.
# Silent, so the test runner's summary stays the last line; on failure LocalStack's log is kept in .deploy/.
stop_localstack() {
  local status=$?
  if [ -n "${LOCALSTACK_PID:-}" ]; then
    kill -TERM -- "-$LOCALSTACK_PID" 2>/dev/null || true
    # `wait` reaps the process (a zombie still answers kill -0); a watchdog kills it if it hangs.
    (sleep 30 && kill -KILL -- "-$LOCALSTACK_PID" 2>/dev/null) >/dev/null 2>&1 &
    local watchdog=$!
    wait "$LOCALSTACK_PID" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    # Anything LocalStack itself started in its process group.
    kill -KILL -- "-$LOCALSTACK_PID" 2>/dev/null || true
  fi
  if [ -n "${LOCALSTACK_STATE:-}" ]; then
    if [ "$status" -ne 0 ] && [ -f "$LOCALSTACK_LOG" ]; then
      mkdir -p .deploy && cp "$LOCALSTACK_LOG" .deploy/localstack.log || true
      echo "LocalStack's log is kept in .deploy/localstack.log" >&2
    fi
    rm -rf "$LOCALSTACK_STATE"
  fi
  LOCALSTACK_PID=
  LOCALSTACK_STATE=
  return "$status"
}
