#include "gateway/repository_sync.hpp"

#include "gateway/deployer.hpp"
#include "gateway/webhook/dispatcher.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <future>
#include <map>
#include <optional>

namespace gantry {

RepositorySync::RepositorySync(storage::Repository& repository, Deployer& deployer, boost::asio::io_context& control,
                               std::chrono::milliseconds poll_interval, WebhookDispatcher* webhooks)
    : repository_(repository), deployer_(deployer), webhooks_(webhooks), control_(control), poll_interval_(poll_interval), timer_(control) {}

void RepositorySync::start() {
  sync();
  schedule_poll();
}

void RepositorySync::stop() { timer_.cancel(); }

void RepositorySync::schedule_poll() {
  timer_.expires_after(poll_interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    try {
      if (repository_.revision() != seen_revision_) sync();
      else if (webhooks_) webhooks_->reconcile(*deployer_.snapshot());
      failing_ = false;
    } catch (const storage::StorageError& e) {
      if (!failing_) spdlog::error("repository poll failed (will retry): {}", e.what());
      failing_ = true;
    }
    schedule_poll();
  });
}

void RepositorySync::sync() {
  // The revision is read first: a change landing during the read is seen again by the next poll.
  const auto revision = repository_.revision();
  std::map<std::string, std::optional<std::string>> sources;
  std::vector<std::string> api_ids;
  for (auto& api : repository_.deployable_apis()) {
    api_ids.push_back(api.api_id);
    sources["repository:api/" + api.api_id] = std::move(api.definition);
  }
  // Keys first: a stream opened on a freshly deployed API already finds the subscriptions made before it.
  deployer_.subscriptions().publish(SubscriptionSnapshot::load(repository_, api_ids));
  deployer_.deploy_origin("repository", sources);
  seen_revision_ = revision;
  if (webhooks_) webhooks_->reconcile(*deployer_.snapshot());
}

bool RepositorySync::sync_and_wait(std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  boost::asio::post(control_, [this, done] {
    try {
      sync();
      done->set_value();
    } catch (...) {
      done->set_exception(std::current_exception());
    }
  });
  if (future.wait_for(timeout) != std::future_status::ready) return false;
  future.get();  // rethrows a StorageError of the sync
  return true;
}

}  // namespace gantry
