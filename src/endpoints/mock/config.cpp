#include "endpoints/mock/config.hpp"

#include "core/json/object_reader.hpp"

#include <boost/json.hpp>

namespace gantry::mock {

namespace {

// [{"name": "x", "value": "y"}, ...]
void read_fields(ObjectReader& r, std::string_view key, MessageFields& out) {
  const auto* array = r.array(key);
  if (!array) return;
  const std::string path = r.path_of(key);
  for (std::size_t i = 0; i < array->size(); ++i) {
    ObjectReader item((*array)[i], path_index(path, i), r.diag());
    if (!item.valid()) continue;
    auto name = item.string("name", true);
    auto value = item.string("value");
    if (name) out.emplace_back(std::move(*name), value.value_or(""));
  }
}

void read_interval(ObjectReader& r, MockConfig& config) {
  const auto* v = r.get("messageInterval");
  if (!v) return;
  double ms = 0;
  if (v->is_int64()) ms = static_cast<double>(v->get_int64());
  else if (v->is_uint64()) ms = static_cast<double>(v->get_uint64());
  else if (v->is_double()) ms = v->get_double();
  else {
    r.diag().error(r.path_of("messageInterval"), "expected a number of milliseconds");
    return;
  }
  if (ms < 0.001) {
    r.diag().error(r.path_of("messageInterval"), "must be at least 0.001 (got " + boost::json::serialize(*v) + ")");
    return;
  }
  config.interval = std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6));
}

// [{"status": 500, "message": "..."}, ...] and [600, ...]
void read_connection_failures(ObjectReader& r, MockConfig& config) {
  if (const auto* errors = r.array("connectionErrors")) {
    const std::string path = r.path_of("connectionErrors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
      ObjectReader item((*errors)[i], path_index(path, i), r.diag());
      if (!item.valid()) continue;
      MockConfig::ConnectionError error;
      if (auto status = item.integer("status")) error.fails = *status != 200;
      error.message = item.string("message").value_or("mock connection error");
      config.connection_errors.push_back(std::move(error));
    }
  }
  if (const auto* latencies = r.array("connectionLatencies")) {
    const std::string path = r.path_of("connectionLatencies");
    for (std::size_t i = 0; i < latencies->size(); ++i) {
      const auto& v = (*latencies)[i];
      if (!v.is_int64() || v.get_int64() < 0) {
        r.diag().error(path_index(path, i), "expected a number of milliseconds (0 or more)");
        continue;
      }
      config.connection_latencies.emplace_back(v.get_int64());
    }
  }
}

}  // namespace

std::shared_ptr<const MockConfig> parse_mock_config(const boost::json::value& configuration, const std::string& path,
                                                    Diagnostics& diag) {
  auto config = std::make_shared<MockConfig>();
  if (configuration.is_null()) return config;
  ObjectReader r(configuration, path, diag);
  read_interval(r, *config);
  r.read("messageContent", config->content);
  if (auto count = r.integer("messageCount")) {
    if (*count < 0) diag.error(r.path_of("messageCount"), "must be at least 0 (got " + std::to_string(*count) + ")");
    else config->count = static_cast<std::uint64_t>(*count);
  }
  read_fields(r, "headers", config->headers);
  read_fields(r, "metadata", config->metadata);
  read_connection_failures(r, *config);
  return config;
}

}  // namespace gantry::mock
