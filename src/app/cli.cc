#include "app/cli.h"

#include <openvap/version.h>

#include <CLI/CLI.hpp>
#include <new>
#include <ostream>

namespace openvap::app {

int RunCli(const std::vector<std::string>& args, CliContext& ctx) {
  CLI::App root{
      "OpenVAP: the EU digital visa and digital residence permit platform.\n"
      "Runs the application platform (serve) and the tools to sign, verify and render\n"
      "digital documents (seal, barcode, pki), to check the Schengen rules (rules) and to\n"
      "verify the audit trail (audit).",
      "openvap"};
  root.set_version_flag("--version", std::string("openvap ") + kVersion,
                        "Print the version and exit");
  root.require_subcommand(1);
  root.footer("Run 'openvap COMMAND --help' for the options of a command.");

  CommandAction action;
  AddServeCommand(root, ctx, action);
  AddSealCommands(root, ctx, action);
  AddPkiCommands(root, ctx, action);
  AddBarcodeCommands(root, ctx, action);
  AddRulesCommands(root, ctx, action);
  AddAuditCommands(root, ctx, action);

  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : root.get_subcommands({}))
      known = known || sub->get_name() == args[0];
    if (!known) {
      ctx.err << "openvap: unknown command '" << args[0] << "'\nRun 'openvap --help' for usage.\n";
      return kExitUsage;
    }
    // And the group's own commands: `openvap seal bogus` names what is unknown and what is not.
    const CLI::App* group = root.get_subcommand(args[0]);
    if (args.size() > 1 && !args[1].empty() && args[1][0] != '-' &&
        !group->get_subcommands({}).empty()) {
      std::string names;
      bool found = false;
      for (const CLI::App* sub : group->get_subcommands({})) {
        found = found || sub->get_name() == args[1];
        names += (names.empty() ? "" : ", ") + sub->get_name();
      }
      if (!found) {
        ctx.err << "openvap " << args[0] << ": unknown command '" << args[1] << "' (one of "
                << names << ")\nRun 'openvap " << args[0] << " --help' for usage.\n";
        return kExitUsage;
      }
    }
  }
  std::vector<const char*> argv{"openvap"};
  argv.reserve(args.size() + 1);
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    root.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    CLI::App* help_for = &root;
    for (CLI::App* sub = &root; sub != nullptr;) {
      const auto subs = sub->get_subcommands();
      sub = subs.empty() ? nullptr : subs.front();
      if (sub != nullptr) help_for = sub;
    }
    ctx.out << help_for->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    ctx.out << root.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion& v) {
    ctx.out << v.what() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    ctx.err << "openvap: " << e.what() << "\nRun 'openvap --help' for usage.\n";
    return kExitUsage;
  }
  if (!action) {
    ctx.err << "openvap: no command given\nRun 'openvap --help' for usage.\n";
    return kExitUsage;
  }
  // The last line of defence: a command that runs out of memory says so and fails, instead of
  // aborting with the library's message.
  try {
    return action();
  } catch (const std::bad_alloc&) {
    ctx.err << "openvap: out of memory\n";
    return kExitFailure;
  }
}

}  // namespace openvap::app
