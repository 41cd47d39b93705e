#!/usr/bin/env bash
# Paired submission benchmark of two or more `openvap` binaries (docs/PERFORMANCE.md): this
# machine's speed drifts by tens of percent within minutes, so builds are compared in turns,
# one after the other, several rounds. Each turn: `openvap serve --demo` on SQLite in a
# temporary directory, 1000 prepared applications (prepare.py), then
# `wrk -t2 -c200 -d${DUR:-10}s` of submit.lua; prints throughput, p50, p99, the server's CPU per
# submission and the bytes it wrote to the disk per submission (WAL and checkpoints; from /proc). Extra `serve` options in SERVE_ARGS.
# Usage: bench/http/compare.sh ROUNDS BINARY...
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="$1"
shift
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
written() { awk '$1 == "write_bytes:" {print $2}' "/proc/$1/io"; }
turn() {
  local openvap="$1" work url out t0 t1 w0 w1 count
  work="$(mktemp -d)"
  # shellcheck disable=SC2086 # SERVE_ARGS holds several options
  "$openvap" serve --listen 127.0.0.1:0 --data-dir "$work/data" --demo ${SERVE_ARGS:-} \
    >"$work/serve.out" 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 100); do grep -q "is serving" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  url="$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)"
  python3 "$repo/bench/http/prepare.py" "$url" "$work/data" 1000 "$work/config.lua"
  t0="$(ticks "$server")"
  w0="$(written "$server")"
  out="$(OPENVAP_BENCH_CONFIG="$work/config.lua" wrk -t2 -c200 -d"${DUR:-10}"s --latency \
    -s "$repo/bench/http/submit.lua" "$url")"
  t1="$(ticks "$server")"
  w1="$(written "$server")"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  rm -rf "$work"
  count="$(echo "$out" | awk '/requests in/ {print $1}')"
  echo "$openvap: $(echo "$out" | awk '/Requests\/sec/ {print $2}')/s" \
    "p50 $(echo "$out" | awk '$1 == "50%" {print $2}')" \
    "p99 $(echo "$out" | awk '$1 == "99%" {print $2}')" \
    "server CPU $(((t1 - t0) * 1000000 / $(getconf CLK_TCK) / count)) us/submission," \
    "disk $(((w1 - w0) / count)) B/submission," \
    "$(echo "$out" | awk '/non-200/ {print $3}') answers not 200"
}
for _ in $(seq "$rounds"); do
  for binary in "$@"; do turn "$binary"; done
done
