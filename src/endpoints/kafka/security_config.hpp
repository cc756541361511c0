// The kafka endpoint's `security` block: protocol, SASL (with the Java JAAS line read into librdkafka's terms) and
// TLS stores. Parsed at deploy time; every problem reported with its JSON path.
#pragma once

#include "endpoints/kafka/config.hpp"

#include <map>
#include <optional>
#include <string>

namespace gantry::kafka {

// Reads the fields present into `out` (so that an endpoint's block can refine the shared one).
// `el_allowed` (deploy time): an enum field holding `{#` is an expression, checked per request once evaluated.
void parse_security(const boost::json::value& v, const std::string& path, SecurityConfig& out, Diagnostics& diag,
                    bool el_allowed);

// Checks that need the merged block: a SASL protocol needs a mechanism and, for PLAIN and SCRAM, credentials.
void check_security(const SecurityConfig& security, const std::string& path, Diagnostics& diag);

// `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";` -> its options
// ({username: u, password: p}), or nullopt with `error` set when the line is not JAAS.
std::optional<std::map<std::string, std::string>> parse_jaas_options(std::string_view jaas, std::string* error);

}  // namespace gantry::kafka
