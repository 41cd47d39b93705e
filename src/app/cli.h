#ifndef OPENVAP_APP_CLI_H_
#define OPENVAP_APP_CLI_H_

// The `openvap` command line: one binary for the platform (`serve`) and the tools (`seal`,
// `pki`, `barcode`, `rules`). RunCli is the whole program minus process set-up, so tests run
// it in-process with their own streams and clock.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/clock.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace openvap::app {

// Exit codes shared by every command. Commands with a verdict (seal verify) use 1 for a
// negative verdict; failures of the tool itself (unreadable file, cannot listen) are 1 too.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct CliContext {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  const Clock& clock;
};

// What a subcommand does once its arguments are parsed; returns the exit code.
using CommandAction = std::function<int()>;

// Runs the command line `args` (without the program name).
int RunCli(const std::vector<std::string>& args, CliContext& ctx);

// Each command group registers itself on the root app; its parse callback stores the action
// to run in `action`.
void AddServeCommand(CLI::App& root, CliContext& ctx, CommandAction& action);
void AddBarcodeCommands(CLI::App& root, CliContext& ctx, CommandAction& action);
void AddSealCommands(CLI::App& root, CliContext& ctx, CommandAction& action);
void AddPkiCommands(CLI::App& root, CliContext& ctx, CommandAction& action);
void AddRulesCommands(CLI::App& root, CliContext& ctx, CommandAction& action);
void AddAuditCommands(CLI::App& root, CliContext& ctx, CommandAction& action);

}  // namespace openvap::app

#endif  // OPENVAP_APP_CLI_H_
