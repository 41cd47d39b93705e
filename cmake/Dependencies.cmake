# Third-party dependencies, all from Debian bookworm packages (scripts/debian-packages.txt).
# Found once here; modules link the imported targets they need.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(date REQUIRED CONFIG)
find_package(ZXing REQUIRED CONFIG)
find_package(PNG REQUIRED)
find_package(JPEG REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# The PostgreSQL adapter talks libpq directly (typed parameters, binary bytea, SQLSTATEs);
# libpqxx stays available.
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(DMTX REQUIRED IMPORTED_TARGET libdmtx)
pkg_check_modules(OATH REQUIRED IMPORTED_TARGET liboath)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
# jemalloc for the `openvap` executable (docs/PERFORMANCE.md: glibc malloc cost a third of the
# submission throughput); not with the sanitizers, which bring their own allocator.
if(NOT OPENVAP_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo cairo-pdf cairo-png)
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo)
if(OPENVAP_BENCH)
  find_package(benchmark REQUIRED)
endif()
# stb_image (libstb-dev) is header-only: /usr/include/stb/.
find_path(STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb REQUIRED)
