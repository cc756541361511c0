#include "app/serve_command.hpp"

#include "core/config/config.hpp"
#include "core/message/connector_threads.hpp"
#include "core/registry/registry.hpp"
#include "endpoints/kafka/blocking.hpp"
#include "gateway/access_log.hpp"
#include "gateway/deployer.hpp"
#include "gateway/message/message_stats.hpp"
#include "gateway/repository_sync.hpp"
#include "gateway/webhook/dispatcher.hpp"
#include "gateway/server.hpp"
#include "management/credentials.hpp"
#include "management/router.hpp"
#include "management/server.hpp"
#include "storage/open_repository.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
  std::unique_ptr<storage::Repository> repository;
  try {
    repository = storage::open_repository(config.repository);
  } catch (const std::exception& e) {
    spdlog::critical("repository ({}): {}", config.repository.type, e.what());
    return 1;
  }
  // Broker connectors' own io thread and blocking pool: built before the first deployment, gone after the APIs.
  auto connector_threads = std::make_unique<ConnectorThreads>(2);
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
  deployer->set_tenant(config.gateway.tenant);
  if (!config.apis_dir.empty()) deployer->load_directory(config.apis_dir);
  // Signals are caught from here on: one arriving during the rest of the start-up is handled once the control
  // thread runs, instead of killing the process half started.
  std::unique_ptr<WebhookDispatcher> webhooks;
  std::unique_ptr<RepositorySync> sync;
  std::unique_ptr<Server> server;
  std::unique_ptr<management::Server> management_server;
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
    if (management_server) management_server->stop();
    if (sync) sync->stop();
    deployer->stop_message_streams();  // long-lived streams would otherwise hold the drain until its deadline
    drained = server ? server->shutdown() : true;
    control->stop();
  };
  signals.async_wait(on_signal);
  // APIs started through the management API are live before the gateway accepts its first connection.
  webhooks = std::make_unique<WebhookDispatcher>(*repository, *control);
  sync = std::make_unique<RepositorySync>(*repository, *deployer, *control, config.repository.poll_interval,
                                          webhooks.get());
  try {
    sync->start();
  } catch (const std::exception& e) {
    spdlog::critical("repository ({}): {}", config.repository.type, e.what());
    return 1;
  }

  server = std::make_unique<Server>(config.gateway, *deployer, threads);
  try {
    server->start();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  boost::asio::co_spawn(*control, log_message_stats(), boost::asio::detached);

  std::unique_ptr<management::Credentials> credentials;
  try {
    credentials = management::Credentials::set_up(config.management, *repository);
  } catch (const std::exception& e) {
    spdlog::critical("management credentials: {}", e.what());
    server->shutdown();
    return 1;
  }
  management::Router router(
      management::Context{*repository, registry, *deployer,
                          [&sync] {
                            if (!sync->sync_and_wait(std::chrono::seconds(2)))
                              spdlog::warn("management: the gateway did not apply a change within 2 s; it will "
                                           "on its next poll");
                          }},
      *credentials);
  management_server = std::make_unique<management::Server>(config.management, router);
  try {
    management_server->start();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    server->shutdown();
    return 1;
  }

  control->run();
  if (!drained) {
    // Exchanges still hold sockets of several io threads: skip teardown, the kernel closes everything.
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }
  management_server.reset();
  sync.reset();
  webhooks.reset();  // ends the delivery loops and joins their thread, before the APIs they use go
  signals_owner.reset();  // before its io_context
  control.reset();   // health-check probes release their hold on APIs
  deployer.reset();  // APIs and their pooled connections, while every io_context still exists
  if (server) server->finish_pending_work(std::chrono::seconds(2));
  // Kafka consumers leave their groups (and producers flush) on a pool of their own; let them, within bounds.
  if (!kafka::finish_blocking_work(std::chrono::seconds(5)))
    spdlog::warn("kafka: shutdown did not wait longer for consumers to leave their groups");
  connector_threads.reset();  // broker clients still queued there; gateway io_contexts (stopped) still exist
  server.reset();
  return 0;
}

}  // namespace gantry
