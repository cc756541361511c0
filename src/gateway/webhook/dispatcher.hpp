// Keeps one delivery loop running for every accepted webhook subscription of a started API, following the
// repository: a subscription paused, closed or resumed through the management API, or an API stopped or
// redeployed, starts or ends its loop at the next reconcile (each repository poll). Loops run on the
// dispatcher's own io thread; the repository is only touched on the control thread.
#pragma once

#include "gateway/deployed_api.hpp"
#include "gateway/webhook/delivery_loop.hpp"
#include "storage/repository.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace gantry {

class WebhookDispatcher {
 public:
  WebhookDispatcher(storage::Repository& repository, boost::asio::io_context& control);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // On the control thread: starts and stops loops so that exactly the accepted subscriptions of the webhook
  // APIs in `snapshot` have one, then logs the delivery figures that changed. Throws StorageError.
  void reconcile(const GatewaySnapshot& snapshot);

  // Ends every loop and joins the delivery thread. Idempotent.
  void stop();

  std::size_t running() const { return loops_.size(); }

 private:
  struct Running {
    std::shared_ptr<DeliveryLoop> loop;  // null: the stored configuration is unusable (logged once)
    const MessageApi* api = nullptr;
    std::string configuration;  // as stored, to notice a change
    storage::Millis updated_at = 0;  // a pause/resume in between restarts the loop even if both polls saw ACCEPTED
    std::string logged;              // the figures last logged
    std::chrono::steady_clock::time_point logged_at{};
  };
  struct Wanted;

  void start_loop(const std::string& id, const Wanted& wanted);
  void end_loop(std::map<std::string, Running>::iterator it);
  void pause_subscription(const std::string& id, const std::string& reason);
  void log_figures(const std::string& id, Running& running, bool force);

  storage::Repository& repository_;
  boost::asio::io_context& control_;
  boost::asio::io_context deliveries_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{deliveries_.get_executor()};
  std::thread thread_;
  std::map<std::string, Running> loops_;  // by subscription id; control thread only
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for pause requests posted to control
};

}  // namespace gantry
