# shellcheck shell=bash
# The Python tools of the test command (scripts/python-requirements.txt) in a
# git-ignored virtualenv, .venv, created from the machine's python3 and
# re-created only when the requirements or the Python version change.
# Exports CONVERGENCE_PYTHON, which tests use to find the interpreter.

ensure_python_venv() {
  local venv="$REPO_ROOT/.venv"
  local requirements="$REPO_ROOT/scripts/python-requirements.txt"
  local stamp="$venv/.convergence-requirements"
  command -v python3 >/dev/null 2>&1 || { echo "python3 is required for the Python tools" >&2; return 1; }
  local fingerprint
  fingerprint="$(python3 --version 2>&1) $(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$fingerprint" ]; then
    phase "Python tools into .venv (pip, from PyPI)"
    python3 -m venv --clear "$venv" || { echo "could not create $venv" >&2; return 1; }
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" ||
      { echo "pip install -r scripts/python-requirements.txt failed" >&2; return 1; }
    echo "$fingerprint" >"$stamp"
  fi
  export CONVERGENCE_PYTHON="$venv/bin/python"
  phase "python tools: $("$CONVERGENCE_PYTHON" --version) in .venv"
}
