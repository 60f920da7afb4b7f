#!/usr/bin/env bash
# Install ANTT, then build the demo database (synthetic Hải Phòng) and start the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/antt demo "$@"
