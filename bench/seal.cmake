# Seal decode, sign and verify beside raw OpenSSL ECDSA on the same keys (issue 3);
# docs/PERFORMANCE.md records the numbers and the command. Reads tests/vectors (with the
# header-only tests/support/test_files.h): run it from the repository root. It calls OpenSSL
# directly for the raw baseline (bench/ is outside the layering rule, which covers src/).
openvap_benchmark(seal_bench SOURCES seal_bench.cc
                  DEPS openvap_seal openvap_trust openvap_crypto OpenSSL::Crypto)
target_include_directories(seal_bench PRIVATE ${PROJECT_SOURCE_DIR}/tests)
