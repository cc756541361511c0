// The gantry command: serve, check, version.
#include "app/check_command.hpp"
#include "app/serve_command.hpp"
#include "core/registry/registry.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

extern char** environ;

int main(int argc, char** argv) {
  CLI::App app{"Gantry: an event-native API gateway"};
  app.require_subcommand(1);

  std::string config_path;
  auto* serve = app.add_subcommand("serve", "run the gateway");
  serve->add_option("-c,--config", config_path, "YAML configuration file")->check(CLI::ExistingFile);

  std::vector<std::string> files;
  auto* check = app.add_subcommand("check", "validate v4 API definitions");
  check->add_option("files", files, "definition files")->required();

  app.add_subcommand("version", "print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*serve) return gantry::run_serve(config_path, environ);
  if (*check) {
    gantry::Registry registry;
    gantry::register_builtins(registry);
    return gantry::run_check(files, registry, std::cout, std::cerr);
  }
  std::cout << "gantry " << GANTRY_VERSION << "\n";
  return 0;
}
