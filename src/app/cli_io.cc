#include "app/cli_io.h"

#include <fstream>
#include <iterator>
#include <ostream>

#include "crypto/ec_key.h"

namespace openvap::app {

Result<Bytes> ReadInput(const std::string& path, std::istream& in) {
  if (path == "-") {
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{"cannot-read", "cannot read '" + path + "'"};
  Bytes bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) return Error{"cannot-read", "error while reading '" + path + "'"};
  return bytes;
}

Status WriteOutput(const std::string& path, std::string_view data, std::ostream& out) {
  if (path.empty() || path == "-") {
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    return Ok();
  }
  Status written = crypto::WriteFileAtomically(path, data, 0644);
  if (!written.ok())
    return Error{"cannot-write", "cannot write '" + path + "': " + written.error().message};
  return Ok();
}

}  // namespace openvap::app
