#include "gateway/message/phase_chain.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace gantry {
namespace asio = boost::asio;

std::string_view operations_of(std::string_view entrypoint_type) {
  if (entrypoint_type == "http-post") return "PUBLISH";
  if (entrypoint_type == "websocket") return "PUBLISH,SUBSCRIBE";
  return "SUBSCRIBE";  // sse, http-get, webhook
}

MessagePhaseRun::MessagePhaseRun(const MessagePhaseChain& chain, Exchange& ex, std::string_view entrypoint,
                                 std::string_view operations, std::shared_ptr<const SubscriptionInfo> subscription)
    : chain_(chain), ex_(&ex), entrypoint_(entrypoint), operations_(operations),
      subscription_(std::move(subscription)) {}

MessagePhaseRun::MessagePhaseRun(const MessagePhaseChain& chain, std::shared_ptr<const SubscriptionInfo> subscription)
    : chain_(chain), ex_(nullptr), entrypoint_("webhook"), operations_("SUBSCRIBE"),
      subscription_(std::move(subscription)) {}

MessagePhaseRun::~MessagePhaseRun() {
  if (flow_run_ && ex_ && ex_->flows == &*flow_run_) ex_->flows = nullptr;
}

MessageOutcome run_publish(MessagePhaseRun* run, MessagePtr message) {
  if (!run) return {std::move(message)};
  const MessageFields& context = run->publish_attributes();
  const auto missing = [&own = message->attributes](const auto& attribute) {
    return std::none_of(own.begin(), own.end(), [&](const auto& field) { return field.first == attribute.first; });
  };
  if (std::any_of(context.begin(), context.end(), missing)) {
    auto with_context = std::make_shared<Message>(*message);
    for (const auto& attribute : context)
      if (missing(attribute)) with_context->attributes.push_back(attribute);
    message = std::move(with_context);
  }
  if (!run->has_publish()) return {std::move(message)};
  return run->publish(std::move(message));
}

const MessageFields& MessagePhaseRun::publish_attributes() {
  if (!publish_attributes_) publish_attributes_ = context_attributes();
  return *publish_attributes_;
}

MessageFields MessagePhaseRun::context_attributes() const {
  MessageFields out;
  const el::Map& attributes = flow_run_ ? flow_run_->attributes() : own_attributes_;
  for (const auto& [name, value] : attributes) out.emplace_back(name, el::to_string(value));
  return out;
}

bool MessagePhaseRun::has_attribute_prefix(std::string_view prefix) const {
  const el::Map& attributes = flow_run_ ? flow_run_->attributes() : own_attributes_;
  const auto it = attributes.lower_bound(prefix);  // sorted: the first name at or after the prefix
  return it != attributes.end() && std::string_view(it->first).starts_with(prefix);
}

bool MessagePhaseRun::open_without_request(std::string& error) {
  const FlowChain* flows = chain_.flows();
  if (!flows) return true;
  el_.emplace(nullptr, subscription_);
  const FlowRequest request{"", "/", &*el_, "/", operations_, entrypoint_};
  std::vector<const CompiledFlow*> selected;
  el::Map path_params;
  flows->select(request, selected, path_params);
  return publish_.prepare(selected, &CompiledFlow::publish, *el_, error) &&
         subscribe_.prepare(selected, &CompiledFlow::subscribe, *el_, error);
}

asio::awaitable<void> wait_publish_delay(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
}

asio::awaitable<bool> MessagePhaseRun::open() {
  const FlowChain* flows = chain_.flows();
  if (!flows) co_return true;
  Exchange& ex = *ex_;
  const std::string_view channel = ex.remaining_path.empty() ? std::string_view("/") : ex.remaining_path;
  flow_run_.emplace(*flows, ex, MessageSelection{channel, operations_, entrypoint_});
  ex.flows = &*flow_run_;  // error responses and the stream's response carry the request steps' headers
  el_.emplace(&flow_run_->el(), subscription_);
  const bool proceed = co_await flow_run_->request_phase();
  if (!proceed) co_return false;
  std::string error;
  if (publish_.prepare(flow_run_->flows(), &CompiledFlow::publish, *el_, error) &&
      subscribe_.prepare(flow_run_->flows(), &CompiledFlow::subscribe, *el_, error))
    co_return true;
  spdlog::warn("{}: {}", ex.api ? ex.api->id : "", error);
  const DirectResponse failed{500, "GATEWAY_POLICY_CONDITION_ERROR", "Internal Server Error", {}, {}};
  co_await write_direct_response(ex, failed);
  co_return false;
}

}  // namespace gantry
