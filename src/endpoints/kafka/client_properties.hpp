// librdkafka properties for a producer or consumer of a kafka endpoint: what the configuration says, Gantry's
// defaults (bounded delivery time, explicit commits) and the user's extra properties last, so those win.
#pragma once

#include "endpoints/kafka/config.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

namespace gantry::kafka {

enum class Role { producer, consumer };

// Without I/O: PKCS12 stores given inline, and PKCS12 trust stores, are left to resolve_stores().
Properties client_properties(const EndpointConfig& config, Role role);

// Turns the stores librdkafka cannot read itself (PKCS12 trust stores; inline PKCS12 key stores, base64) into PEM
// properties. Returns "" or what went wrong ("trust store /x.p12: wrong password or not PKCS12").
std::string resolve_stores(const EndpointConfig& config, Properties& out);

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// A librdkafka configuration holding `properties`, or null with `error` naming the property librdkafka refused.
ConfPtr make_conf(const Properties& properties, std::string* error);

// Deploy-time check: librdkafka itself judges every property (a misspelt extra property is reported at its JSON
// path, `property_paths[i]` being where config.properties[i] was written).
void check_client_properties(const EndpointConfig& config, const std::vector<std::string>& property_paths,
                             Diagnostics& diag);

}  // namespace gantry::kafka
