#!/usr/bin/env bash
# HTTP benchmarks of issue 5 (docs/PERFORMANCE.md): POST /api/v1/verify beside raw OpenSSL
# ECDSA P-256 verification on one core, and submission latency with 200 concurrent clients on
# SQLite. Usage: bench/http/run.sh [BUILD_DIR]   (default build/main; build it first)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$repo/build/main}"
openvap="$build/bin/openvap"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$openvap" serve --listen 127.0.0.1:0 --data-dir "$work/data" --demo >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q "is serving" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)"
echo "== server $url ($(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'))"

echo "== raw OpenSSL ECDSA P-256 verification, one core"
openssl speed -seconds 10 ecdsap256 2>/dev/null | grep -E "^ *256 bits ecdsa"

# A visa issued through the whole procedure, so that the benchmark verifies a seal the register
# holds (status "valid"; issue_visa.py checks it once itself).
seal="$(python3 "$repo/bench/http/issue_visa.py" "$url" "$work/data")"
echo "== POST /api/v1/verify: wrk -t2 -c64 -d20s"
OPENVAP_BENCH_SEAL="$seal" wrk -t2 -c64 -d20s --latency -s "$repo/bench/http/verify.lua" "$url"

echo "== preparing 1000 submitted applications"
python3 "$repo/bench/http/prepare.py" "$url" "$work/data" 1000 "$work/config.lua"
echo "== POST /api/v1/applications/{id}/submit: wrk -t2 -c200 -d30s"
# Beside it, the disk's flush latency on the database's file system, one flush every 100 ms:
# the one writer's COMMIT waits for such a flush, and a slow one holds up every submission.
python3 "$repo/bench/http/flushprobe.py" "$work/data" 290 0.1 >"$work/flush.out" &
probe=$!
OPENVAP_BENCH_CONFIG="$work/config.lua" wrk -t2 -c200 -d30s --latency -s "$repo/bench/http/submit.lua" "$url"
wait "$probe"
cat "$work/flush.out"
