#!/usr/bin/env bash
# Install what ANTT needs on a fresh Debian machine with Python 3.11: system packages (only those missing),
# then the locked Python environment in .venv. Safe to run again; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
command -v pg_ctlcluster >/dev/null || command -v pg_isready >/dev/null || need_apt+=(postgresql)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need_apt+=(fonts-liberation2)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)  # report pages rendered to PNG by the tests
# WeasyPrint (PDF reports) loads Pango through ctypes
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libpango-1.0.so.0' || need_apt+=(libpango-1.0-0)
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libpangoft2-1.0.so.0' || need_apt+=(libpangoft2-1.0-0)
# the browser tests drive Debian's chromium through Playwright (never a downloaded browser); the demo needs none
if [[ "${ANTT_EXTRAS:-}" == *test* ]]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  # the sign-in tests start npm's oidc-provider (Node.js ≥ 20 recommended; the test fixture runs npm ci)
  command -v npm >/dev/null || need_apt+=(nodejs npm)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup: installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "setup: Python 3.11 is required" >&2; exit 1; }

if ! "$PYTHON" -m uv --version >/dev/null 2>&1 && ! command -v uv >/dev/null; then
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
UV="uv"; command -v uv >/dev/null || UV="$PYTHON -m uv"
export UV_PYTHON_DOWNLOADS=never
$UV sync --quiet --frozen --python "$PYTHON" ${ANTT_EXTRAS:-}
