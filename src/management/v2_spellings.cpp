#include "management/v2_spellings.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace gantry::management {

namespace json = boost::json;

namespace {

// "at-least-once" -> "AT_LEAST_ONCE"; a value that is not a string is left alone.
void upper_snake(json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  if (!v || !v->is_string()) return;
  std::string out(v->get_string());
  for (auto& ch : out) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  *v = out;
}

void rename(json::object& o, std::string_view from, std::string_view to) {
  auto it = o.find(from);
  if (it == o.end() || o.contains(to)) return;
  json::value v = std::move(it->value());
  o.erase(it);
  o[to] = std::move(v);
}

// Calls `each(object)` for every object element of the array field `field`.
template <class Each>
void each_object(json::object& o, std::string_view field, Each&& each) {
  auto* v = o.if_contains(field);
  if (!v || !v->is_array()) return;
  for (auto& item : v->get_array())
    if (item.is_object()) each(item.get_object());
}

void selector_to_v2(json::object& s) {
  upper_snake(s, "type");
  rename(s, "channel-operator", "channelOperator");
  rename(s, "operation", "operations");
  for (const char* op : {"pathOperator", "channelOperator"}) {
    upper_snake(s, op);
    if (auto* v = s.if_contains(op); v && v->is_string() && v->get_string() == "START_WITH") *v = "STARTS_WITH";
  }
}

}  // namespace

void flows_to_v2_spellings(json::array& flows) {
  for (auto& flow : flows)
    if (flow.is_object()) each_object(flow.get_object(), "selectors", selector_to_v2);
}

void to_v2_spellings(json::object& api) {
  api.erase("gravitee");  // the v4 beta's name of definitionVersion
  each_object(api, "listeners", [](json::object& listener) {
    upper_snake(listener, "type");
    each_object(listener, "entrypoints", [](json::object& entrypoint) { upper_snake(entrypoint, "qos"); });
  });
  each_object(api, "endpointGroups", [](json::object& group) {
    if (auto* lb = group.if_contains("loadBalancer"); lb && lb->is_object()) upper_snake(lb->get_object(), "type");
  });
  if (auto* fe = api.if_contains("flowExecution"); fe && fe->is_object()) upper_snake(fe->get_object(), "mode");
  if (auto* flows = api.if_contains("flows"); flows && flows->is_array()) flows_to_v2_spellings(flows->get_array());
}

}  // namespace gantry::management
