#include "app/serve_command.hpp"

#include "core/config/config.hpp"
#include "core/registry/registry.hpp"
#include "gateway/access_log.hpp"
#include "gateway/deployer.hpp"
#include "gateway/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace gantry {

int run_serve(const std::string& config_path, char** environ) {
  Config config;
  try {
    config = load_config(config_path, environ);
  } catch (const ConfigError& e) {
    std::cerr << "gantry: invalid configuration:\n" << e.what() << "\n";
    return 2;
  }
  configure_logging(config.log);
  std::signal(SIGPIPE, SIG_IGN);

  Registry registry;
  register_builtins(registry);
  const std::size_t threads = config.gateway.threads > 0
                                  ? static_cast<std::size_t>(config.gateway.threads)
                                  : std::max(1u, std::thread::hardware_concurrency());
  boost::asio::io_context control;
  Deployer deployer(registry, threads, control);
  if (!config.apis_dir.empty()) deployer.load_directory(config.apis_dir);

  Server server(config.gateway, deployer, threads);
  try {
    server.start();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }

  boost::asio::signal_set signals(control, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                              int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      if (config.apis_dir.empty()) {
        spdlog::info("SIGHUP: no apis.dir configured, nothing to reload");
      } else {
        spdlog::info("SIGHUP: reloading {}", config.apis_dir);
        const auto problems = deployer.load_directory(config.apis_dir);
        spdlog::info("reload done ({} problems)", problems);
      }
      signals.async_wait(on_signal);
      return;
    }
    spdlog::info("{}: draining (up to {} ms)", signo == SIGTERM ? "SIGTERM" : "SIGINT",
                 config.gateway.drain_timeout.count());
    server.shutdown();
    control.stop();
  };
  signals.async_wait(on_signal);
  control.run();
  return 0;
}

}  // namespace gantry
