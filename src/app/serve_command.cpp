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
  // Owned through pointers so they can be torn down in a safe order: sockets must go before their io_context,
  // and a proxy API owns pooled sockets of every io thread.
  auto control = std::make_unique<boost::asio::io_context>(1);
  auto deployer = std::make_unique<Deployer>(registry, threads, *control);
  {
    std::string error;
    auto counters = make_counter_store(config.ratelimit, threads, error);
    if (!counters) {
      std::cerr << "gantry: invalid configuration:\n" << error << "\n";
      return 2;
    }
    deployer->set_counter_store(std::move(counters));
  }
  if (!config.apis_dir.empty()) deployer->load_directory(config.apis_dir);

  auto server = std::make_unique<Server>(config.gateway, *deployer, threads);
  try {
    server->start();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }

  bool drained = true;
  auto signals_owner = std::make_unique<boost::asio::signal_set>(*control, SIGINT, SIGTERM, SIGHUP);
  auto& signals = *signals_owner;
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                              int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      if (config.apis_dir.empty()) {
        spdlog::info("SIGHUP: no apis.dir configured, nothing to reload");
      } else {
        spdlog::info("SIGHUP: reloading {}", config.apis_dir);
        const auto problems = deployer->load_directory(config.apis_dir);
        spdlog::info("reload done ({} problems)", problems);
      }
      signals.async_wait(on_signal);
      return;
    }
    spdlog::info("{}: draining (up to {} ms)", signo == SIGTERM ? "SIGTERM" : "SIGINT",
                 config.gateway.drain_timeout.count());
    drained = server->shutdown();
    control->stop();
  };
  signals.async_wait(on_signal);
  control->run();
  if (!drained) {
    // Exchanges still hold sockets of several io threads: skip teardown, the kernel closes everything.
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }
  signals_owner.reset();  // before its io_context
  control.reset();   // health-check probes release their hold on APIs
  deployer.reset();  // APIs and their pooled connections, while every io_context still exists
  server.reset();
  return 0;
}

}  // namespace gantry
