// Internal to src/core/definition: what the parse_*.cpp files share while reading one definition.
#pragma once

#include "core/definition/model.hpp"
#include "core/json/object_reader.hpp"
#include "core/registry/registry.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::definition {

struct ParseContext {
  const Registry& registry;
  Diagnostics& diag;
  // The API type when it is one Gantry serves; capability checks are skipped otherwise (already an error).
  std::optional<ApiType> api_type;
};

// One accepted spelling of an enumerated value. Matching ignores case and treats '_' like '-'.
struct Spelling {
  std::string_view name;
  int value;
};

// Reads `key` as one of `spellings`; anything else is "unknown <kind> 'x' (did you mean ...? known: <shown>)".
std::optional<int> read_choice(ObjectReader& reader, std::string_view key, std::string_view kind,
                               std::span<const Spelling> spellings, std::span<const std::string> shown,
                               bool required = false);

template <class E>
std::optional<E> read_enum(ObjectReader& reader, std::string_view key, std::string_view kind,
                           std::span<const Spelling> spellings, std::span<const std::string> shown,
                           bool required = false) {
  auto v = read_choice(reader, key, kind, spellings, shown, required);
  return v ? std::optional<E>(static_cast<E>(*v)) : std::nullopt;
}

// The same for a bare string (not a field): nothing and an error at `path` when it is not a known spelling.
std::optional<int> match_choice(std::string_view given, const std::string& path, std::string_view kind,
                                std::span<const Spelling> spellings, std::span<const std::string> shown,
                                Diagnostics& diag);

// Calls `each(element, path)` for every element of the array field `key`; reports "must not be empty" when
// `non_empty` and the array has no element. Returns false when the field is absent or not an array.
template <class Each>
bool for_each_element(ObjectReader& reader, std::string_view key, bool required, bool non_empty, Each&& each) {
  const auto* array = reader.array(key, required);
  if (!array) return false;
  const std::string path = reader.path_of(key);
  if (non_empty && array->empty()) reader.diag().error(path, "must not be empty");
  for (std::size_t i = 0; i < array->size(); ++i) each((*array)[i], path_index(path, i));
  return true;
}

// "a, b, c"
std::string join(std::span<const std::string> items);

std::vector<Listener> parse_listeners(ObjectReader& api, ParseContext& ctx);
std::vector<EndpointGroup> parse_endpoint_groups(ObjectReader& api, ParseContext& ctx);
std::vector<Flow> parse_flows(ObjectReader& owner, ParseContext& ctx);  // the "flows" field of an API or a plan
std::vector<Plan> parse_plans(ObjectReader& api, ParseContext& ctx);
std::vector<Property> parse_properties(ObjectReader& api, ParseContext& ctx);
std::vector<Resource> parse_resources(ObjectReader& api, ParseContext& ctx);
Failover parse_failover(ObjectReader& api, ParseContext& ctx);
FlowExecution parse_flow_execution(ObjectReader& api, ParseContext& ctx);
std::map<std::string, std::map<std::string, ResponseTemplate>> parse_response_templates(ObjectReader& api,
                                                                                        ParseContext& ctx);
// A {enabled, type, overrideConfiguration, configuration} service of an endpoint group or endpoint. `inherited` is
// the group's service of the same kind, used instead of this one's configuration unless it overrides it.
std::optional<ServiceConfig> parse_service(const boost::json::value& value, const std::string& path,
                                           const ServiceConfig* inherited, ParseContext& ctx);

// Each message entrypoint's QoS against every endpoint type of the API, from the connectors' capabilities.
void check_qos(ApiDefinition& api, ParseContext& ctx);

}  // namespace gantry::definition
