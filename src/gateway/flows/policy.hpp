// What a policy is at run time: its parsed configuration, with the phases it implements. The flow runner calls
// the synchronous hook first; a policy that must wait (a timer, Redis) answers Verdict::wait and is then awaited.
#pragma once

#include "core/definition/model.hpp"
#include "core/el/expression.hpp"
#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>

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

// Shared by every API on this gateway: counters (memory or Redis).
struct PolicyServices {
  CounterStore* counters = nullptr;
};

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

  http::request_header<>& request() { return ex.parser.get().base(); }
};

enum class Verdict { next, respond, wait };

class Policy : public PluginConfig {
 public:
  // Request phase. `respond`: ctx.direct holds the answer; `wait`: call on_request_async.
  virtual Verdict on_request(PolicyContext& ctx) const { return Verdict::next; }
  virtual boost::asio::awaitable<Verdict> on_request_async(PolicyContext& ctx) const;
  // Response phase, on the backend's response header (ctx.response).
  virtual Verdict on_response(PolicyContext& ctx) const { return Verdict::next; }
  virtual boost::asio::awaitable<Verdict> on_response_async(PolicyContext& ctx) const;
};

}  // namespace gantry
