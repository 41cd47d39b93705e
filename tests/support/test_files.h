#ifndef OPENVAP_TESTS_SUPPORT_TEST_FILES_H_
#define OPENVAP_TESTS_SUPPORT_TEST_FILES_H_

// Whole-file byte I/O and the third-party seal vectors (tests/vectors/seals/vectors.tsv) for
// tests. Header-only; tests run with the repository root as working directory.

#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace openvap::testing {

// The file's bytes; empty when it cannot be read.
inline std::vector<std::uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void WriteFileBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline void WriteFileBytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  WriteFileBytes(path, std::string_view(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                                        bytes.size()));
}

// One line of vectors.tsv: `id format expect signer_cert at payload` (tests/vectors/README.md).
struct SealVector {
  std::string id;
  std::string format;  // "vds-hex" or "idb-text"
  std::string expect;
  std::string signer_cert;
  std::string at;
  std::string payload;  // hex for vds-hex, the barcode text for idb-text
};

inline std::vector<SealVector> ReadSealVectors(
    const std::string& path = "tests/vectors/seals/vectors.tsv") {
  std::ifstream in(path);
  std::vector<SealVector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() >= 6) out.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]});
  }
  return out;
}

}  // namespace openvap::testing

#endif  // OPENVAP_TESTS_SUPPORT_TEST_FILES_H_
