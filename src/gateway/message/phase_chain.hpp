// WHERE FLOWS PLUG IN: every message of a message API passes through its flows' steps, on the publish phase
// (client -> endpoint) or the subscribe phase (endpoint -> client). MessagePhaseChain is built once per deployed
// API (its compiled flows); a MessagePhaseRun lives as long as one client exchange (an SSE or WebSocket stream,
// an http-get or http-post request): it runs the request phase on the request, keeps the steps of the matching
// flows whose `condition` held for that request, and runs them per message (`messageCondition` per message).
#pragma once

#include "core/definition/model.hpp"
#include "core/message/message.hpp"
#include "gateway/flows/flow_chain.hpp"
#include "gateway/flows/flow_run.hpp"
#include "gateway/message/message_el.hpp"
#include "gateway/message/message_steps.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry {

class MessagePhaseChain {
 public:
  // `flows` is null when the API has no flow with a step (every message passes as it is).
  explicit MessagePhaseChain(std::shared_ptr<const FlowChain> flows) : flows_(std::move(flows)) {}
  const FlowChain* flows() const { return flows_.get(); }

 private:
  std::shared_ptr<const FlowChain> flows_;
};

class MessagePhaseRun {
 public:
  // `operations`: what the entrypoint does, for channel selectors ("SUBSCRIBE", "PUBLISH", "PUBLISH,SUBSCRIBE");
  // `subscription`: the one the client's API key names (#subscription), null for none.
  MessagePhaseRun(const MessagePhaseChain& chain, Exchange& ex, std::string_view entrypoint,
                  std::string_view operations, std::shared_ptr<const SubscriptionInfo> subscription);
  // A webhook subscription's run: no client request opens it. Its flows are those a subscribing webhook request on
  // channel "/" would select; #request is null, #subscription is the webhook's subscription.
  MessagePhaseRun(const MessagePhaseChain& chain, std::shared_ptr<const SubscriptionInfo> subscription);
  ~MessagePhaseRun();
  MessagePhaseRun(const MessagePhaseRun&) = delete;
  MessagePhaseRun& operator=(const MessagePhaseRun&) = delete;

  // Selects the flows, runs their request steps and prepares their message steps. False when the exchange was
  // answered here (a policy's response, 404 when a match is required, 500 when a step condition fails).
  boost::asio::awaitable<bool> open();
  // The same for a run without a request (no request steps run). False, with `error`, when a step condition
  // cannot be evaluated.
  bool open_without_request(std::string& error);

  // #context.attributes as text (after the request phase), for the endpoint subscription.
  MessageFields context_attributes() const;
  // The same, taken once at the first publish (the request and response phases are over by then; message steps
  // write message attributes, never these): what every published message carries along.
  const MessageFields& publish_attributes();
  // Whether a context attribute's name starts with `prefix` (gravitee.attributes.endpoint.kafka.), without copying.
  bool has_attribute_prefix(std::string_view prefix) const;
  // The EL roots of the opened run (#request, #context, #api, #properties, #subscription); null before open().
  const el::Context* el_context() const { return el_ ? &*el_ : nullptr; }

  bool has_publish() const { return !publish_.empty(); }
  bool has_subscribe() const { return !subscribe_.empty(); }
  MessageOutcome publish(MessagePtr message) { return publish_.run(std::move(message), *el_, attributes()); }
  MessageOutcome subscribe(MessagePtr message) { return subscribe_.run(std::move(message), *el_, attributes()); }

  // Pacing of subscribe deliveries (message-rate-limit, DELAY); see MessageSteps.
  std::chrono::steady_clock::duration pace_wait(std::uint32_t mask, std::chrono::steady_clock::time_point now) const {
    return subscribe_.pace_wait(mask, now);
  }
  void pace_take(std::uint32_t mask, std::chrono::steady_clock::time_point now) { subscribe_.pace_take(mask, now); }

  // Headers the request steps asked every response to carry (X-Rate-Limit-*), for the stream's response.
  template <class Fields>
  void add_response_headers(Fields& fields) const {
    if (flow_run_) flow_run_->add_response_headers(fields);
  }

 private:
  el::Map& attributes() { return flow_run_ ? flow_run_->attributes() : own_attributes_; }

  const MessagePhaseChain& chain_;
  Exchange* ex_;  // null: a run without a request
  std::string_view entrypoint_, operations_;
  std::optional<FlowRun> flow_run_;
  el::Map own_attributes_;  // #context.attributes of a run without a request
  std::optional<MessageFields> publish_attributes_;
  std::shared_ptr<const SubscriptionInfo> subscription_;
  std::optional<MessageElContext> el_;
  MessageSteps publish_{MessagePhase::publish}, subscribe_{MessagePhase::subscribe};
};

// The publish phase for callers that may have no run (an API without flows: the message as it is). Attributes
// the request phase set (#context.attributes: gravitee.attribute.kafka.topics...) go with the message to the
// endpoint, under any the message already has or its publish steps set.
MessageOutcome run_publish(MessagePhaseRun* run, MessagePtr message);

// Waits out a publish step's latency (zero: returns at once) on a timer of the caller's executor.
boost::asio::awaitable<void> wait_publish_delay(std::chrono::milliseconds delay);

// The operations an entrypoint type performs, for channel selectors.
std::string_view operations_of(std::string_view entrypoint_type);

}  // namespace gantry
