#include "endpoints/mock/factory.hpp"

#include "endpoints/mock/config.hpp"
#include "endpoints/mock/mock_connector.hpp"

namespace gantry {

namespace {

class MockEndpointFactory final : public EndpointFactory {
 public:
  std::string_view type() const override { return "mock"; }

  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               const boost::json::value& shared, const std::string& shared_path,
                               Diagnostics& diag) const override {
    return mock::parse_mock_config(configuration, path, diag);
  }

  std::shared_ptr<EndpointConnector> create_message_endpoint(const Endpoint& endpoint) const override {
    return std::make_shared<mock::MockConnector>(endpoint.name,
                                                 std::static_pointer_cast<const mock::MockConfig>(endpoint.config));
  }

 private:
  static inline const std::vector<Qos> every_level = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once};
  // Generated messages can be produced again from any index: every level, resumable, both directions.
  ConnectorCapabilities capabilities_{.api_types = {ApiType::message},
                                      .publish = true,
                                      .subscribe = true,
                                      .qos = every_level,
                                      .resumable = true,
                                      .publish_qos = every_level,
                                      .subscribe_qos = every_level};
};

}  // namespace

std::unique_ptr<EndpointFactory> make_mock_endpoint_factory() { return std::make_unique<MockEndpointFactory>(); }

}  // namespace gantry
