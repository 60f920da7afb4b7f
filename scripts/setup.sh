#!/usr/bin/env bash
# Install what ANTT needs on a fresh Debian machine with Python 3.11: system packages (only those missing),
# then the locked Python environment in .venv. Safe to run again; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
need_lean=()  # installed without recommended packages
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
  # the report tests open the Word file in a real office suite (LibreOffice headless, ≈ 15 s to install
  # without its recommended extras)
  command -v soffice >/dev/null || need_lean+=(libreoffice-writer-nogui)
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
updated=""
apt_install() {  # apt_install [apt-get options] package…
  [ -n "$updated" ] || { $SUDO apt-get update -qq; updated=1; }
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null  # sudo drops the env
}
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  apt_install "${need_apt[@]}"
fi
if [ ${#need_lean[@]} -gt 0 ]; then
  echo "setup: installing system packages (without recommends): ${need_lean[*]}"
  apt_install --no-install-recommends "${need_lean[@]}"
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
