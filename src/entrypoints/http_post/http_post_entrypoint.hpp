// The "http-post" entrypoint at run time: reads the request body (within the gateway's body limit), turns it into
// a message, runs the publish phase and answers 202 once the endpoint accepted it.
#pragma once

#include "gateway/message/message_entrypoint.hpp"

namespace gantry::http_post {

struct HttpPostConfig final : PluginConfig {
  bool request_headers_to_message = false;  // requestHeadersToMessage
};

class HttpPostEntrypoint final : public MessageEntrypoint {
 public:
  explicit HttpPostEntrypoint(std::shared_ptr<const HttpPostConfig> config) : config_(std::move(config)) {}
  std::string_view type() const override { return "http-post"; }
  int specificity() const override { return 1; }
  bool matches(const RequestParser::value_type& request) const override {
    return request.method() == http::verb::post;
  }
  boost::asio::awaitable<void> serve(Exchange& ex, MessageContext& ctx) const override;

 private:
  std::shared_ptr<const HttpPostConfig> config_;
};

}  // namespace gantry::http_post
