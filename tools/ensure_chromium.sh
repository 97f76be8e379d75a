#!/usr/bin/env bash
# The browser tests (tests/test_browser.py) drive Debian's Chromium through Playwright.  `make
# test` calls this first: Chromium present -> nothing to do; missing, as root with apt-get (CI,
# a fresh container) -> install Debian's package; otherwise say how, and let the test fail
# with the same advice (it never skips).
set -euo pipefail
CHROMIUM="${GANCOURSE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo ">> installing Debian's chromium for the browser tests"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "note: no Chromium at $CHROMIUM; the browser tests will fail. Install it" \
     "(sudo apt-get install chromium) or set GANCOURSE_CHROMIUM to a Chromium binary." >&2
