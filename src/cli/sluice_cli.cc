#include "cli/sluice_cli.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/version.h"

namespace sluice::cli {

int RunSluiceCli(int argc, char** argv) {
  CLI::App app{"sluice: real-time event pipelines written in SQL", "sluice"};
  app.set_version_flag("--version", std::string("sluice ") + kVersion);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUserError;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return kExitOk;
}

}  // namespace sluice::cli
