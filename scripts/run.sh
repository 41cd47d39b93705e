#!/usr/bin/env bash
# Sets up, builds and starts the platform: `openvap serve --demo` on the embedded SQLite
# database in ./openvap-data, with a demo PKI, demo staff accounts and slots created on first
# start (README). Extra arguments go to `openvap serve`, e.g.
#   scripts/run.sh --listen 0.0.0.0:8080 --data-dir /srv/openvap
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$repo/scripts/setup.sh"
build_main openvap
cd "$repo"
exec "$repo/build/main/bin/openvap" serve --demo "$@"
