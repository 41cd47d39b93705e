# Shared by scripts/run.sh and scripts/test.sh.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc)"

# Configures (once) and builds the main tree in build/main. Arguments: ninja targets.
build_main() {
  if [[ ! -f "$repo/build/main/build.ninja" ]]; then
    cmake -S "$repo" -B "$repo/build/main" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$repo/build/main" --parallel "$jobs" ${1:+--target "$@"}
}

# The C++ sources of the project (not third-party, not generated).
project_sources() {
  (cd "$repo" && find src include tests bench fuzz -type f \( -name '*.cc' -o -name '*.h' \) \
    -not -path '*/corpus/*' | sort)
}
