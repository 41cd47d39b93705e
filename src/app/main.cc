// The `openvap` executable: the composition root of the CLI and the server.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli.h"
#include "base/clock.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const openvap::SystemClock clock;
  openvap::app::CliContext ctx{std::cin, std::cout, std::cerr, clock};
  const std::vector<std::string> args(argv + 1, argv + argc);
  const int code = openvap::app::RunCli(args, ctx);
  std::cout.flush();
  return code;
}
