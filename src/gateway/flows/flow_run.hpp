// One exchange going through its API's flows: selects the flows once, runs the request phase before the backend
// is called and the response phase on the backend's response header. Lives on the exchange's coroutine frame.
//
// Message APIs: the request that opens a stream (or posts a message) goes through the same request phase, with
// the channel selector's facts (channel, operations, entrypoint) given; gateway/message/phase_chain.hpp then runs
// the selected flows' publish/subscribe steps per message.
#pragma once

#include "gateway/flows/exchange_el.hpp"
#include "gateway/flows/flow_chain.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <vector>

namespace gantry {

// What a message API's request adds to flow selection (see FlowRequest).
struct MessageSelection {
  std::string_view channel, operations, entrypoint;
};

class FlowRun {
 public:
  FlowRun(const FlowChain& chain, Exchange& ex, MessageSelection message = {});

  // Selects the flows and runs their request steps. False when the exchange was answered here (a policy's
  // direct response, or 404 when a match is required and no flow matches).
  boost::asio::awaitable<bool> request_phase();

  // Runs the response steps on the backend response header (and its whole body, `content`, when
  // needs_response_content() said so); a policy may replace the response (returned).
  boost::asio::awaitable<std::optional<DirectResponse>> response_phase(http::fields& headers, unsigned& status,
                                                                       std::string* content = nullptr);

  // Whether the response phase wants the backend's body whole (a flow's step works on it, or a request policy
  // such as the cache asked to see it).
  bool needs_response_content() const { return response_content_ || ctx_.hold_response; }

  // The backend call's retry settings, when a retry policy ran in the request phase.
  const BackendRetry* retry() const { return ctx_.retry; }
  // Whether the retry condition asks for another try on this response header (false when it cannot be evaluated).
  bool retry_wanted(const http::fields& headers, unsigned status);

  // Headers policies asked every response to carry (rate-limit counters...).
  template <class Fields>
  void add_response_headers(Fields& fields) const {
    for (const auto& [name, value] : ctx_.response_headers) fields.set(name, value);
  }

  // For the message phases of the same exchange.
  const std::vector<const CompiledFlow*>& flows() const { return flows_; }
  const ExchangeElContext& el() const { return el_; }
  el::Map& attributes() { return attributes_; }
  const el::Map& attributes() const { return attributes_; }
  const FlowChain& chain() const { return chain_; }

 private:
  boost::asio::awaitable<Verdict> run_steps(const std::vector<CompiledStep> CompiledFlow::*phase, bool response);

  const FlowChain& chain_;
  Exchange& ex_;
  el::Map attributes_, path_params_;
  ExchangeElContext el_;
  PolicyContext ctx_;
  std::vector<const CompiledFlow*> flows_;
  MessageSelection message_;
  std::string request_body_;  // when a flow needs the request content
  bool response_content_ = false;
};

// A message API's response phase: its flows' response steps run on the response the entrypoint is about to send
// (status and headers; there is no backend body to hold), with the headers request steps asked for. False when a
// policy answered instead; that answer has been sent.
boost::asio::awaitable<bool> run_entrypoint_response_phase(Exchange& ex, http::fields& headers, unsigned& status);

// Sends a policy's direct response (or the API's response template for its key) to the client.
boost::asio::awaitable<void> write_direct_response(Exchange& ex, const DirectResponse& response);

}  // namespace gantry
