#include "app/cli_io.h"

#include <ostream>

#include "crypto/ec_key.h"

namespace openvap::app {

Result<Bytes> ReadInput(const std::string& path, std::istream& in) {
  auto bytes = path == "-" ? crypto::ReadStream(in, "the standard input") : crypto::ReadFile(path);
  if (!bytes.ok()) return Error{"cannot-read", bytes.error().message};
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
