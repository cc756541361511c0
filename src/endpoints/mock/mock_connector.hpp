// The "mock" endpoint at run time: each subscription generates messages on the subscriber's own io thread at
// `messageInterval`; published messages are accepted and logged. Connection failures and latencies can be injected
// (MockConfig) to try failover. It honours every QoS level and resumes from a
// message id, so every entrypoint can be tried (and tested) without a broker.
#pragma once

#include "core/message/endpoint_connector.hpp"
#include "endpoints/mock/config.hpp"

#include <atomic>
#include <memory>

namespace gantry::mock {

class MockConnector final : public EndpointConnector {
 public:
  MockConnector(std::string endpoint_name, std::shared_ptr<const MockConfig> config)
      : name_(std::move(endpoint_name)), config_(std::move(config)) {}

  std::string_view type() const override { return "mock"; }
  std::unique_ptr<Subscription> subscribe(const SubscribeRequest& request, MessageSink& sink) override;
  void publish(MessagePtr message, Qos qos, PublishCompletion done) override;

  std::uint64_t received() const { return received_.load(); }

 private:
  // The injected outcome of the next connection attempt (MockConfig::connection_errors / _latencies).
  struct AttemptOutcome {
    const MockConfig::ConnectionError* error = nullptr;  // fails with it
    std::chrono::milliseconds latency{0};
  };
  AttemptOutcome next_attempt();

  std::string name_;
  std::shared_ptr<const MockConfig> config_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::size_t> attempts_{0};
};

}  // namespace gantry::mock
