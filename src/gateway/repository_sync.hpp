// Keeps the gateway serving what the repository says: every started API at its latest deployment. Runs on the
// control thread: after each management change (at once) and on a short poll that picks up changes made by other
// gantry processes sharing the database.
#pragma once

#include "storage/repository.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>

namespace gantry {

class Deployer;
class WebhookDispatcher;

class RepositorySync {
 public:
  RepositorySync(storage::Repository& repository, Deployer& deployer, boost::asio::io_context& control,
                 std::chrono::milliseconds poll_interval, WebhookDispatcher* webhooks = nullptr);

  // Deploys what the repository holds now, then polls. Each sync and each poll also has `webhooks` follow the
  // stored subscriptions (their status changes do not move the revision). Call before the control io_context runs.
  void start();
  void stop();

  // From any thread but the control thread: syncs there and waits until the new snapshot is live. False when
  // the control thread did not get to it within `timeout` (the poll still will).
  bool sync_and_wait(std::chrono::milliseconds timeout);

 private:
  void sync();
  void schedule_poll();

  storage::Repository& repository_;
  Deployer& deployer_;
  WebhookDispatcher* webhooks_;
  boost::asio::io_context& control_;
  std::chrono::milliseconds poll_interval_;
  boost::asio::steady_timer timer_;
  std::int64_t seen_revision_ = -1;
  bool failing_ = false;  // the last poll failed: log the next failure only once
};

}  // namespace gantry
