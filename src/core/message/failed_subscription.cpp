#include "core/message/failed_subscription.hpp"

#include <boost/asio/post.hpp>

namespace gantry {

namespace {

class FailedSubscription final : public Subscription {
 public:
  explicit FailedSubscription(std::shared_ptr<bool> alive) : alive_(std::move(alive)) {}
  ~FailedSubscription() override { *alive_ = false; }
  void pause() override {}
  void resume() override {}
  void ack(std::uint64_t) override {}
  void nack(std::uint64_t) override {}

 private:
  std::shared_ptr<bool> alive_;  // read on the subscriber's executor only
};

}  // namespace

std::unique_ptr<Subscription> failed_subscription(const SubscribeRequest& request, MessageSink& sink, std::string key,
                                                  std::string error) {
  auto alive = std::make_shared<bool>(true);
  // Posted rather than called: the subscriber has not finished opening yet.
  boost::asio::post(request.executor, [alive, &sink, key = std::move(key), error = std::move(error)]() mutable {
    if (*alive) sink.on_failure(std::move(key), std::move(error));
  });
  return std::make_unique<FailedSubscription>(std::move(alive));
}

}  // namespace gantry
