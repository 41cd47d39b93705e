#!/usr/bin/env bash
# Instructions per submission of the whole server, counted by valgrind's callgrind
# (docs/PERFORMANCE.md). On this machine wall time and CPU time drift by tens of percent within
# minutes; the number of instructions the server runs per submission drifts much less (1-7%
# from run to run: the background checkpoint's share follows the number of submissions), and
# within one profile (KEEP) each part is exact, so compare the parts a change touches. It does
# not see waiting, locks or the kernel: confirm a change with compare.sh. Under callgrind the
# server is ~50 times slower and gets 20 connections, so its write batches are small: the
# per-commit work (COMMIT, checkpoint) weighs more per submission than at full load.
#
# Each turn: `openvap serve --demo` on SQLite under callgrind, N prepared applications
# (prepare.py), the counters zeroed, then `wrk -t1 -c${C:-20} -d${DUR:-15}s` of submit.lua, the
# counters dumped; prints the user-space instructions of every thread per submission. With
# KEEP=FILE the callgrind profile of the measured part is kept (callgrind_annotate FILE).
# Usage: bench/http/instructions.sh BINARY...
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null || true' EXIT
for openvap in "$@"; do
  work="$(mktemp -d)"
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$openvap" serve --listen 127.0.0.1:0 --data-dir "$work/data" --demo \
    >"$work/serve.out" 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 600); do grep -q "is serving" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  url="$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)"
  python3 "$repo/bench/http/prepare.py" "$url" "$work/data" "${N:-200}" "$work/config.lua"
  callgrind_control --zero "$server" >/dev/null 2>&1
  out="$(OPENVAP_BENCH_CONFIG="$work/config.lua" wrk -t1 -c"${C:-20}" -d"${DUR:-15}"s \
    -s "$repo/bench/http/submit.lua" "$url")"
  callgrind_control --dump "$server" >/dev/null 2>&1
  count="$(echo "$out" | awk '/requests in/ {print $1}')"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  # The dump after the zeroing is part 1; the file without a part number is what followed it.
  instructions="$(awk '/^(summary|totals):/ {print $2; exit}' "$work/callgrind.out.1")"
  echo "$openvap: $count submissions, $((instructions / count / 1000))k instructions per" \
    "submission, $(echo "$out" | awk '/non-200/ {print $3}') answers not 200"
  if [ -n "${KEEP:-}" ]; then cp "$work/callgrind.out.1" "$KEEP"; fi
  rm -rf "$work"
done
