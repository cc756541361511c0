// The "mock" endpoint's configuration (Gravitee's fields and defaults), parsed once at deploy time.
#pragma once

#include "core/definition/model.hpp"
#include "core/message/message.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gantry {
class Diagnostics;
}

namespace gantry::mock {

struct MockConfig final : PluginConfig {
  // messageInterval, in milliseconds in the definition. A fraction is accepted (0.1 = 10,000 messages/s), which
  // Gravitee's integer field cannot express; load tests need it.
  std::chrono::nanoseconds interval{std::chrono::milliseconds(1000)};
  std::string content = "mock message";       // messageContent; each message's content is "<content> <index>"
  std::optional<std::uint64_t> count;         // messageCount: messages per subscription; none = endless
  MessageFields headers;                      // [{name, value}]
  MessageFields metadata;                     // [{name, value}]
  // Failure injection, as in Gravitee's test harness (to try failover without a broker): the endpoint counts its
  // connection attempts (each subscription and each publish is one) from deployment on; attempt n fails with
  // connectionErrors[n] (an entry with status 200 lets it through) and reaches its "broker" after
  // connectionLatencies[n] milliseconds. Past the end of a list, attempts succeed at once.
  struct ConnectionError {
    bool fails = true;
    std::string message;
  };
  std::vector<ConnectionError> connection_errors;
  std::vector<std::chrono::milliseconds> connection_latencies;
};

std::shared_ptr<const MockConfig> parse_mock_config(const boost::json::value& configuration, const std::string& path,
                                                    Diagnostics& diag);

}  // namespace gantry::mock
