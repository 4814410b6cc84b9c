# Sourced by the Python scripts. ensure_venv DIR REQUIREMENTS creates a virtual environment at DIR
# (once) and installs the pinned REQUIREMENTS into it, so a rerun only checks what is installed.
# PYTHON chooses the interpreter (default python3); the packages need Python 3.10 or newer.

ensure_venv() {
  local dir=$1 requirements=$2
  local python=${PYTHON:-python3}
  if [ ! -x "$dir/bin/python" ]; then
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
      { echo "$python is $("$python" --version 2>&1); Python 3.10 or newer is needed." >&2; return 1; }
    "$python" -m venv "$dir"
  fi
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
}
