// What a policy is at run time: its parsed configuration, with the phases it implements. The flow runner calls
// the synchronous hook first; a policy that must wait (a timer, Redis) answers Verdict::wait and is then awaited.
// Message phases (publish, subscribe) call on_message once per message, synchronously: per-message work must not
// wait (a pacing policy asks the subscriber to hold the message instead, see MessageVerdict::pace).
#pragma once

#include "core/definition/model.hpp"
#include "core/el/expression.hpp"
#include "core/message/message.hpp"
#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gantry {

class CounterStore;

// A response a policy sends instead of the backend's (rate limit exceeded, IP refused, mock...).
struct DirectResponse {
  unsigned status = 200;
  std::string key;      // Gravitee error key for responseTemplates ("RATE_LIMIT_TOO_MANY_REQUESTS"); "" = none
  std::string message;  // for the default JSON error body {"message": ..., "http_status_code": ...}
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;  // a body as it is (mock); else the JSON error body
};

class ResponseCache;
class SubscriptionDirectory;

// Shared by every API on this gateway: counters (memory or Redis), API keys -> subscriptions, the in-process
// response cache.
struct PolicyServices {
  CounterStore* counters = nullptr;
  const SubscriptionDirectory* subscriptions = nullptr;  // API keys -> subscriptions (#subscription); may be null
  ResponseCache* cache = nullptr;
};

// The most body a flow holds whole for policies that read or replace it (assign-content, json-to-xml, #request
// .content...). Bodies of APIs whose flows never use content stream and are never held.
constexpr std::size_t max_buffered_content = 8 * 1024 * 1024;

// How the backend call is retried (the retry policy sets it in the request phase; the proxy endpoint honours it).
struct BackendRetry {
  el::ExpressionPtr condition;  // on #response; true = try again. Null: only failures are retried
  int max_retries = 1;
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds timeout{1000};  // per attempt, until the response header
  bool last_response = false;              // after the last attempt, send its response even if it asks for a retry
};

class Policy;

// One exchange's view for policies. The request header is the client's, modified in place (transform-headers,
// override-http-method) before the backend request is built from it.
struct PolicyContext {
  Exchange& ex;
  const el::Context& el;
  el::Map& attributes;
  const PolicyServices& services;
  http::fields* response = nullptr;  // the backend response header, in the response phase
  unsigned* response_status = nullptr;
  std::optional<DirectResponse> direct;  // set by a policy that answers the client itself
  // Headers every response to this exchange carries, whoever produces it (X-Rate-Limit-*). Names are views of
  // strings that outlive the exchange (literals, or owned by the policy's configuration).
  std::vector<std::pair<std::string_view, std::string>> response_headers;
  std::string_view step_key;  // identifies the step being run ("api:flow#0:request#1"), for per-step state
  // The whole body of the phase's message when the flows need it (null otherwise, or when there is none to hold:
  // a HEAD response). Policies may replace it; the new body is what goes on, with its length.
  std::string* request_body = nullptr;
  std::string* response_body = nullptr;
  const BackendRetry* retry = nullptr;  // set by the retry policy
  // A request-phase policy that must see the complete response (cache) asks for it to be held, and is called
  // with it once the response phase is over: (policy, its per-exchange data).
  bool hold_response = false;
  std::vector<std::pair<const Policy*, std::string>> on_complete;

  http::request_header<>& request() { return ex.parser.get().base(); }
};

enum class Verdict { next, respond, wait };

// A message being run through the steps of a message phase: shared and immutable until a step edits it, then
// copied once (messages are fanned out to several subscribers and must never change under another one).
class MessageDraft {
 public:
  explicit MessageDraft(MessagePtr original) : current_(std::move(original)) {}
  const Message& get() const { return *current_; }
  Message& edit() {
    if (!copy_) {
      copy_ = std::make_shared<Message>(*current_);
      current_ = copy_;
    }
    return *copy_;
  }
  MessagePtr take() { return std::move(current_); }

 private:
  MessagePtr current_;
  std::shared_ptr<Message> copy_;
};

// Per-stream state of one step (a subscriber's token bucket...), made when the stream opens.
class StepState {
 public:
  virtual ~StepState() = default;
};

enum class MessagePhase { publish, subscribe };

// One message's view for policies.
struct MessagePolicyContext {
  MessageDraft& message;
  const el::Context& el;    // #message, #request (the stream's request), #subscription, #context, #api
  el::Map& attributes;      // #context.attributes of the stream
  MessagePhase phase;
  StepState* state = nullptr;  // what the policy's make_state() made for this stream, if anything
  bool ack_dropped = true;     // with MessageVerdict::drop: acknowledge the message (positions move past it)
  std::string error;           // with MessageVerdict::fail: why
  // Added to by a step that delays the message (latency): it goes on no earlier than this after it arrived.
  // The wait happens outside the step (a timer of the subscriber or publisher), never on the io thread.
  std::chrono::milliseconds delay{0};
};

enum class MessageVerdict {
  next,  // on to the next step
  drop,  // the message goes no further (ctx.ack_dropped says whether it counts as consumed)
  pace,  // deliver it only when the step's state (a PacingState) has room: the subscriber holds it until then
  fail,  // the stream ends with ctx.error (subscribe) / the publish is refused (publish)
};

// A step that limits how fast a subscriber receives messages: the subscriber asks it before each paced delivery.
class PacingState : public StepState {
 public:
  virtual bool try_take(std::chrono::steady_clock::time_point now) = 0;
  virtual std::chrono::steady_clock::duration wait_for(std::chrono::steady_clock::time_point now) = 0;
};

class Policy : public PluginConfig {
 public:
  // Request phase. `respond`: ctx.direct holds the answer; `wait`: call on_request_async.
  virtual Verdict on_request(PolicyContext& ctx) const { return Verdict::next; }
  virtual boost::asio::awaitable<Verdict> on_request_async(PolicyContext& ctx) const;
  // Response phase, on the backend's response header (ctx.response).
  virtual Verdict on_response(PolicyContext& ctx) const { return Verdict::next; }
  virtual boost::asio::awaitable<Verdict> on_response_async(PolicyContext& ctx) const;
  // Publish and subscribe phases, once per message.
  virtual MessageVerdict on_message(MessagePolicyContext& ctx) const { return MessageVerdict::next; }
  // Per-stream state for on_message (made once when the stream opens); null when the policy keeps none.
  virtual std::unique_ptr<StepState> make_state(MessagePhase phase) const { return nullptr; }
  // Whether the policy reads or replaces the body of the phase its step runs in (ctx.request_body/response_body).
  virtual bool needs_content() const { return false; }
  // After the response phase, for a policy that registered itself in ctx.on_complete (status, headers, body).
  virtual void on_response_complete(PolicyContext& ctx, const std::string& data, unsigned status,
                                    const http::fields& headers, const std::string& body) const {}
};

}  // namespace gantry
