// The endpoint's target URL: parsed once at deploy time, then joined with each request's path and query.
#pragma once

#include "endpoints/http_proxy/config.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gantry::http_proxy {

// "https://h:8443/base?x=1" -> Target. ws/wss are accepted as http/https (Gravitee does the same).
// On failure returns nullopt and sets `error` to the reason, e.g.
// "invalid target URL 'foo': expected an absolute http or https URL".
std::optional<Target> parse_target(std::string_view text, std::string* error);

// The request-target sent upstream: the target's path joined with the part of the client's path after the API's
// context path, then the target's query followed by the client's. Percent-encoding is kept as received.
//   "http://h/endpoint", "/foo", "x=1" -> "/endpoint/foo?x=1"      "http://h", "", "" -> "/"
//   "http://h/base/", "/foo", ""       -> "/base/foo"              "http://h/?a=1", "", "x=1" -> "/?a=1&x=1"
std::string upstream_request_target(const Target& target, std::string_view remaining_path,
                                    std::string_view client_query);

// "/a/" + "/b" -> "/a/b", "/a" + "b" -> "/a/b", "/a" + "" -> "/a": exactly one '/' at the seam.
std::string join_paths(std::string_view prefix, std::string_view suffix);

}  // namespace gantry::http_proxy
