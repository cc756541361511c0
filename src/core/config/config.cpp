#include "core/config/config.hpp"

#include "core/json/diagnostics.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <vector>

namespace gantry {
namespace {

// One settable key: its dotted path and how to store a textual value into the Config.
struct Key {
  std::string path;
  std::function<bool(Config&, const std::string&)> set;  // false = the value has the wrong form
};

bool parse_bool(const std::string& v, bool& out) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return out = true, true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return out = false, true;
  return false;
}

template <class Int>
bool parse_int(const std::string& v, Int& out) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc{} && p == v.data() + v.size();
}


template <class Int>
Key integer(std::string path, std::function<Int&(Config&)> field) {
  return {std::move(path), [field](Config& c, const std::string& v) { return parse_int(v, field(c)); }};
}

Key millis(std::string path, std::function<std::chrono::milliseconds&(Config&)> field) {
  return {std::move(path), [field](Config& c, const std::string& v) {
            std::int64_t ms = 0;
            if (!parse_int(v, ms) || ms < 0) return false;
            field(c) = std::chrono::milliseconds(ms);
            return true;
          }};
}

Key boolean(std::string path, std::function<bool&(Config&)> field) {
  return {std::move(path), [field](Config& c, const std::string& v) { return parse_bool(v, field(c)); }};
}

Key text(std::string path, std::function<std::string&(Config&)> field) {
  return {std::move(path), [field](Config& c, const std::string& v) { field(c) = v; return true; }};
}

Key one_of(std::string path, std::vector<std::string> allowed, std::function<std::string&(Config&)> field) {
  return {std::move(path), [field, allowed](Config& c, const std::string& v) {
            if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) return false;
            field(c) = v;
            return true;
          }};
}

const std::vector<Key>& keys() {
  static const std::vector<Key> all = {
      text("gateway.host", [](Config& c) -> auto& { return c.gateway.host; }),
      integer<std::uint16_t>("gateway.port", [](Config& c) -> auto& { return c.gateway.port; }),
      integer<int>("gateway.threads", [](Config& c) -> auto& { return c.gateway.threads; }),
      text("gateway.tenant", [](Config& c) -> auto& { return c.gateway.tenant; }),
      text("gateway.tls.cert", [](Config& c) -> auto& { return c.gateway.tls_cert; }),
      text("gateway.tls.key", [](Config& c) -> auto& { return c.gateway.tls_key; }),
      integer<std::uint64_t>("gateway.limits.max_header_bytes",
                             [](Config& c) -> auto& { return c.gateway.max_header_bytes; }),
      integer<std::uint64_t>("gateway.limits.max_body_bytes",
                             [](Config& c) -> auto& { return c.gateway.max_body_bytes; }),
      millis("gateway.timeouts.request_header_ms", [](Config& c) -> auto& { return c.gateway.request_header_timeout; }),
      millis("gateway.timeouts.request_ms", [](Config& c) -> auto& { return c.gateway.request_timeout; }),
      millis("gateway.timeouts.keepalive_idle_ms", [](Config& c) -> auto& { return c.gateway.keepalive_idle_timeout; }),
      millis("gateway.timeouts.drain_ms", [](Config& c) -> auto& { return c.gateway.drain_timeout; }),
      text("management.host", [](Config& c) -> auto& { return c.management.host; }),
      integer<std::uint16_t>("management.port", [](Config& c) -> auto& { return c.management.port; }),
      text("management.username", [](Config& c) -> auto& { return c.management.username; }),
      text("management.password", [](Config& c) -> auto& { return c.management.password; }),
      one_of("repository.type", {"sqlite", "postgres"}, [](Config& c) -> auto& { return c.repository.type; }),
      text("repository.path", [](Config& c) -> auto& { return c.repository.path; }),
      text("repository.uri", [](Config& c) -> auto& { return c.repository.uri; }),
      millis("repository.poll_ms", [](Config& c) -> auto& { return c.repository.poll_interval; }),
      one_of("ratelimit.type", {"memory", "redis"}, [](Config& c) -> auto& { return c.ratelimit.type; }),
      text("ratelimit.uri", [](Config& c) -> auto& { return c.ratelimit.uri; }),
      text("apis.dir", [](Config& c) -> auto& { return c.apis_dir; }),
      one_of("log.level", {"trace", "debug", "info", "warn", "error", "critical", "off"},
             [](Config& c) -> auto& { return c.log.level; }),
      one_of("log.format", {"text", "json"}, [](Config& c) -> auto& { return c.log.format; }),
      boolean("log.access", [](Config& c) -> auto& { return c.log.access; }),
  };
  return all;
}

std::string env_name(const std::string& path) {
  std::string name = "GANTRY_";
  for (char ch : path) name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

// Flattens a YAML mapping into dotted paths; problems for non-scalar leaves are collected.
void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out,
             std::vector<std::string>& problems) {
  for (const auto& item : node) {
    const std::string key = prefix.empty() ? item.first.as<std::string>() : prefix + "." + item.first.as<std::string>();
    const YAML::Node& value = item.second;
    if (value.IsMap()) {
      flatten(value, key, out, problems);
    } else if (value.IsScalar()) {
      out[key] = value.as<std::string>();
    } else if (value.IsNull()) {
      out[key] = "";
    } else {
      problems.push_back(key + ": expected a scalar value");
    }
  }
}

}  // namespace

Config load_config(const std::string& path, char** environ) {
  std::map<std::string, std::string> values;
  std::vector<std::string> problems;
  if (!path.empty()) {
    try {
      YAML::Node root = YAML::LoadFile(path);
      if (root.IsMap()) flatten(root, "", values, problems);
      else if (!root.IsNull()) problems.push_back(path + ": expected a mapping at the top level");
    } catch (const YAML::Exception& e) {
      throw ConfigError(path + ": " + e.what());
    }
  }
  std::vector<std::string> known;
  for (const auto& k : keys()) known.push_back(k.path);
  for (const auto& [k, v] : values) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      auto hint = did_you_mean(k, known);
      problems.push_back("unknown configuration key '" + k + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    for (const auto& k : keys()) {
      const std::string name = env_name(k.path);
      if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=')
        values[k.path] = std::string(entry.substr(name.size() + 1));
    }
  }
  Config config;
  for (const auto& k : keys()) {
    auto it = values.find(k.path);
    if (it != values.end() && !k.set(config, it->second))
      problems.push_back(k.path + ": invalid value '" + it->second + "'");
  }
  if (config.gateway.tls_cert.empty() != config.gateway.tls_key.empty())
    problems.push_back("gateway.tls: cert and key must be set together");
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    throw ConfigError(all);
  }
  return config;
}

}  // namespace gantry
