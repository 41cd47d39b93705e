// Replays a fuzz corpus without libFuzzer: runs LLVMFuzzerTestOneInput on every file of the
// directories (or files) given, so each corpus is a regression test in the normal and the
// sanitizer builds. Fails when a directory is empty or missing: a corpus that replays nothing
// proves nothing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool Replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    (void)std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return false;
  }
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),  // NOLINT
                         bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file() && Replay(entry.path())) ++replayed;
      }
    } else if (std::filesystem::is_regular_file(path, ec) && Replay(path)) {
      ++replayed;
    }
  }
  std::printf("replayed %zu input(s)\n", replayed);
  return replayed > 0 ? 0 : 1;
}
