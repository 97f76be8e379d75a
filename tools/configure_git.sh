#!/usr/bin/env bash
# Git settings of the instructor repository (called by tools/bootstrap.sh; safe to re-run):
# the clean filter .gitattributes names, so what is committed of a lecture or a solution never
# has outputs, whatever JupyterLab's autosave wrote into the working tree.
set -euo pipefail
VENV="${VENV:-.venv}"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0  # not a git checkout: nothing to do
git config filter.gancourse-strip.clean "\"$(cd "$VENV" && pwd)/bin/python\" tools/strip_notebook.py"
