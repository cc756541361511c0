// The "sse" entrypoint at run time: a GET with Accept: text/event-stream opens a stream of the endpoint's messages;
// heartbeats keep it alive, Last-Event-ID resumes it, and a stopped API says goaway.
#pragma once

#include "entrypoints/sse/sse_format.hpp"
#include "gateway/message/message_entrypoint.hpp"

#include <chrono>

namespace gantry::sse {

struct SseConfig final : PluginConfig {
  std::chrono::milliseconds heartbeat{5000};  // heartbeatIntervalInMs (at least 2000)
  FrameOptions frames;                        // metadataAsComment, headersAsComment
};

class SseEntrypoint final : public MessageEntrypoint {
 public:
  explicit SseEntrypoint(std::shared_ptr<const SseConfig> config) : config_(std::move(config)) {}
  std::string_view type() const override { return "sse"; }
  int specificity() const override { return 2; }
  bool matches(const RequestParser::value_type& request) const override;
  boost::asio::awaitable<void> serve(Exchange& ex, MessageContext& ctx) const override;

 private:
  std::shared_ptr<const SseConfig> config_;
};

}  // namespace gantry::sse
