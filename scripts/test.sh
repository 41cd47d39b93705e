#!/usr/bin/env bash
# Sets up, builds and runs every test and quality gate (README; .ci/run calls exactly this):
#   1. build with -Wall -Wextra -Werror            (build/main)
#   2. clang-format --dry-run -Werror               (.clang-format, Google based)
#   3. clang-tidy                                   (.clang-tidy: bugprone, performance, ...)
#   4. every test: unit, integration, fuzz-corpus replay, browser (CTest in build/main)
#   5. AddressSanitizer + UBSan build, unit tests   (build/asan)
# Every stage runs even when an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"

"$repo/scripts/setup.sh" || exit 1

declare -a summary=()
failed=0
stage() {
  local name="$1"; shift
  local start=$SECONDS
  echo "=== $name"
  if "$@"; then
    summary+=("$(printf '%-34s ok      %4ds' "$name" $((SECONDS - start)))")
  else
    summary+=("$(printf '%-34s FAILED  %4ds' "$name" $((SECONDS - start)))")
    failed=1
  fi
}

check_format() {
  project_sources | xargs clang-format --dry-run -Werror
}

check_tidy() {
  local log="$repo/build/main/clang-tidy.log"
  project_sources | grep '\.cc$' |
    xargs -P "$jobs" -n 1 clang-tidy -p "$repo/build/main" --quiet >"$log" 2>&1
  local rc=$?
  grep -E 'error:|warning:' "$log" | sort -u
  return $rc
}

run_ctest() {
  local dir="$1"; shift
  ctest --test-dir "$dir" --output-on-failure --timeout 600 -j "$jobs" "$@" \
    | tee "$dir/ctest.log" | grep -vE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed'
  local rc=${PIPESTATUS[0]}
  # The CTest summary, for .ci/run's output.
  sed -n '/tests passed/,$p' "$dir/ctest.log" >"$dir/ctest-summary.txt"
  return $rc
}

build_asan() {
  if [[ ! -f build/asan/build.ninja ]]; then
    cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DOPENVAP_SANITIZE=ON \
      -DOPENVAP_BENCH=OFF || return 1
  fi
  cmake --build build/asan --parallel "$jobs" --target openvap_unit_tests
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

stage "build (-Wall -Wextra -Werror)" build_main
stage "clang-format" check_format
stage "clang-tidy" check_tidy
stage "tests (unit, integration, e2e)" run_ctest build/main
stage "build (ASan + UBSan)" build_asan
stage "unit tests (ASan + UBSan)" run_ctest build/asan -L unit

echo
echo "=== CTest summary (build/main)"
cat build/main/ctest-summary.txt 2>/dev/null
echo "=== CTest summary (build/asan, unit tests)"
cat build/asan/ctest-summary.txt 2>/dev/null
echo "=== Stages"
printf '%s\n' "${summary[@]}"
exit $failed
