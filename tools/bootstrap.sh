#!/usr/bin/env bash
# Creates or updates the course's virtual environment.  Called by `make venv` (and so by
# `make lab`, `make test`, ...) whenever pyproject.toml or requirements.lock changed.
# Needs only a Python 3.11 interpreter (3.12/3.13 work but are not the pinned target).
# ROLE=student (the student course's Makefile) leaves the instructor-only nbgrader tools off.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
EXTRAS="${EXTRAS:-}"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: Python interpreter '$PYTHON' not found. Install Python 3.11, or point to it: make PYTHON=/path/to/python3.11 ..." >&2
  exit 1
fi
"$PYTHON" - <<'PY'
import sys
v = sys.version_info
if not ((3, 11) <= v[:2] <= (3, 13)):
    sys.exit(f"error: Python {v.major}.{v.minor} found; the course needs Python 3.11 "
             "(3.12 and 3.13 also work). Set PYTHON=/path/to/python3.11.")
if v[:2] != (3, 11):
    print(f"note: Python {v.major}.{v.minor}; the course is pinned and tested on 3.11.", file=sys.stderr)
PY

if [ ! -x "$VENV/bin/python" ]; then
  echo ">> creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV" || {
    rm -rf "$VENV"
    echo "error: '$PYTHON -m venv' failed. On Debian/Ubuntu install the venv module first:" >&2
    echo "       sudo apt install python3.11-venv   (or use conda: see README)" >&2
    exit 1
  }
fi

spec="."
[ -n "$EXTRAS" ] && spec=".[${EXTRAS}]"
echo ">> installing the course into $VENV (pinned by pyproject.toml, constrained by requirements.lock)"
log="$VENV/pip-install.log"
pip_quiet() {  # run pip, show its messages (minus harmless local-index warnings), keep its status
  local status=0
  "$VENV/bin/python" -m pip "$@" --quiet --disable-pip-version-check >"$log" 2>&1 || status=$?
  grep -v "^WARNING: Location" "$log" >&2 || true
  return "$status"
}
# uv (a fast pip replacement, pinned here; it lives in $VENV/uv-tool, not among the course's
# packages) installs the same pinned set in about a third of pip's time.  Where uv cannot be
# installed or cannot reach the index (pip-only mirror settings, no network), pip does it;
# GANCOURSE_INSTALLER=pip asks for pip from the start.
UV_VERSION=0.13.10
uv_install() {
  local uv="$VENV/uv-tool/bin/uv"
  if [ ! -x "$uv" ]; then
    pip_quiet install --target "$VENV/uv-tool" "uv==$UV_VERSION" || return 1
  fi
  "$uv" pip install --quiet --python "$VENV/bin/python" --compile-bytecode \
    -c requirements.lock -e "$spec" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}
if [ "${GANCOURSE_INSTALLER:-uv}" = uv ] && uv_install; then
  :
else
  [ "${GANCOURSE_INSTALLER:-uv}" = uv ] && echo ">> uv could not install the course (above); using pip"
  pip_quiet install -c requirements.lock -e "$spec" \
    || { echo "error: installing the course into $VENV failed (pip's messages above)" >&2; exit 1; }
fi
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -c "import gancourse, tensorflow, keras, nbgrader, nbval" \
  || { echo "error: $VENV cannot import the course's packages" >&2; exit 1; }

echo ">> enabling the nbgrader server and lab extensions in $VENV"
"$VENV/bin/jupyter" server extension enable --sys-prefix nbgrader >/dev/null 2>&1
"$VENV/bin/jupyter" labextension list 2>&1 | grep -q "@jupyter/nbgrader.*enabled" \
  || { echo "error: the nbgrader JupyterLab extension is not enabled in $VENV" >&2; exit 1; }
# offline first: no "get notified about Jupyter news?" prompt that would fetch a news feed
"$VENV/bin/jupyter" labextension disable --level=sys_prefix \
  "@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1
if [ "${ROLE:-instructor}" = student ]; then
  # the student course: no instructor tools in the lab (Formgrader, Create Assignment, courses)
  for plugin in formgrader create-assignment course-list; do
    "$VENV/bin/jupyter" labextension disable --level=sys_prefix "@jupyter/nbgrader:$plugin" >/dev/null 2>&1
  done
  for ext in formgrader course_list; do
    "$VENV/bin/jupyter" server extension disable --sys-prefix "nbgrader.server_extensions.$ext" >/dev/null 2>&1
  done
fi
if [ "${ROLE:-instructor}" != student ]; then
  VENV="$VENV" bash tools/configure_git.sh  # commits of notebooks never carry outputs
fi
echo ">> $VENV is ready"
