#ifndef OPENVAP_APP_CLI_IO_H_
#define OPENVAP_APP_CLI_IO_H_

// File input and output shared by the CLI commands: "-" is the standard stream, errors name
// the file.

#include <openvap/result.h>

#include <iosfwd>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace openvap::app {

// The bytes of FILE, or of `in` for "-". Errors: "cannot-read" naming the file.
Result<Bytes> ReadInput(const std::string& path, std::istream& in);

// Writes `data` to FILE (atomically replaced), or to `out` for "" and "-".
// Errors: "cannot-write" naming the file.
Status WriteOutput(const std::string& path, std::string_view data, std::ostream& out);

}  // namespace openvap::app

#endif  // OPENVAP_APP_CLI_IO_H_
