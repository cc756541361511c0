// The "websocket" entrypoint at run time: upgrades the request, then reads client frames (publish, when
// publisher.enabled) and writes the endpoint's messages (subscribe, when subscriber.enabled) until either side
// closes; a stopped API closes with 1001 (going away).
#pragma once

#include "gateway/message/message_entrypoint.hpp"

namespace gantry::websocket_entrypoint {

struct WebSocketConfig final : PluginConfig {
  bool publisher = true;   // publisher.enabled
  bool subscriber = true;  // subscriber.enabled
};

class WebSocketEntrypoint final : public MessageEntrypoint {
 public:
  explicit WebSocketEntrypoint(std::shared_ptr<const WebSocketConfig> config) : config_(std::move(config)) {}
  std::string_view type() const override { return "websocket"; }
  int specificity() const override { return 3; }
  bool matches(const RequestParser::value_type& request) const override;
  boost::asio::awaitable<void> serve(Exchange& ex, MessageContext& ctx) const override;

 private:
  std::shared_ptr<const WebSocketConfig> config_;
};

// Whether `bytes` is valid UTF-8 (sent as a text frame) or not (a binary frame).
bool is_utf8(std::string_view bytes);

}  // namespace gantry::websocket_entrypoint
