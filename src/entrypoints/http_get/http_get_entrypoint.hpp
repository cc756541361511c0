// The "http-get" entrypoint at run time: each GET returns up to `limit` messages gathered for at most
// messagesLimitDurationMs, as JSON, XML or text, with the cursor of the next batch.
#pragma once

#include "entrypoints/http_get/batch_format.hpp"
#include "gateway/message/message_entrypoint.hpp"

#include <chrono>

namespace gantry::http_get {

struct HttpGetConfig final : PluginConfig {
  std::int64_t limit_count = 500;                 // messagesLimitCount
  std::chrono::milliseconds limit_duration{5000};  // messagesLimitDurationMs
  BatchOptions payload;                            // headersInPayload, metadataInPayload
};

class HttpGetEntrypoint final : public MessageEntrypoint {
 public:
  explicit HttpGetEntrypoint(std::shared_ptr<const HttpGetConfig> config) : config_(std::move(config)) {}
  std::string_view type() const override { return "http-get"; }
  int specificity() const override { return 1; }
  bool matches(const RequestParser::value_type& request) const override {
    return request.method() == http::verb::get;
  }
  boost::asio::awaitable<void> serve(Exchange& ex, MessageContext& ctx) const override;

 private:
  std::shared_ptr<const HttpGetConfig> config_;
};

}  // namespace gantry::http_get
