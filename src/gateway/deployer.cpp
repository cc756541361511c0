#include "gateway/deployer.hpp"

#include "core/definition/parse.hpp"
#include "endpoints/http_proxy/proxy_api.hpp"
#include "gateway/message/message_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace gantry {
namespace fs = std::filesystem;

namespace {

bool read_text(const std::string& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

std::vector<std::pair<std::string, std::string>> host_paths(const ApiDefinition& def) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& listener : def.listeners) {
    if (listener.type != ListenerType::http) continue;
    for (const auto& p : listener.paths) out.emplace_back(p.host, p.path);
  }
  return out;
}

}  // namespace

Deployer::Deployer(const Registry& registry, std::size_t workers, boost::asio::io_context& control)
    : registry_(registry), workers_(workers), control_(control), current_(std::make_shared<const GatewaySnapshot>()) {
  services_.subscriptions = &subscriptions_;
}

void Deployer::set_counter_store(std::unique_ptr<CounterStore> store) {
  counters_ = std::move(store);
  services_.counters = counters_.get();
}

namespace {

// The definition as this gateway serves it: endpoints that name tenants, none of them `tenant`, left out (Gravitee:
// an endpoint without tenants serves every gateway). The definition itself is returned when nothing changes.
std::shared_ptr<const ApiDefinition> for_tenant(std::shared_ptr<const ApiDefinition> def, const std::string& tenant) {
  if (!def || tenant.empty()) return def;
  auto serves = [&](const Endpoint& e) {
    return e.tenants.empty() || std::find(e.tenants.begin(), e.tenants.end(), tenant) != e.tenants.end();
  };
  bool all = true;
  for (const auto& group : def->endpoint_groups)
    all = all && std::all_of(group.endpoints.begin(), group.endpoints.end(), serves);
  if (all) return def;
  auto copy = std::make_shared<ApiDefinition>(*def);
  for (auto& group : copy->endpoint_groups) std::erase_if(group.endpoints, [&](const Endpoint& e) { return !serves(e); });
  return copy;
}

}  // namespace

std::shared_ptr<const DeployedApi> Deployer::build(const std::string& source, const std::string& text,
                                                   std::size_t& problems) {
  Diagnostics diag;
  auto def = load_definition(text, registry_, diag);
  std::shared_ptr<http_proxy::ProxyApi> proxy;
  std::shared_ptr<MessageApi> message;
  const auto served = for_tenant(def, tenant_);
  if (def && def->type == ApiType::proxy) proxy = http_proxy::ProxyApi::create(served, workers_, diag, services_);
  else if (def && def->type == ApiType::message) message = MessageApi::create(served, registry_, diag, services_);
  for (const auto& p : diag.problems()) {
    if (p.severity == Problem::Severity::error) {
      spdlog::error("{}: {}: {}", source, p.path, p.message);
      ++problems;
    } else {
      spdlog::warn("{}: {}: warning: {}", source, p.path, p.message);
    }
  }
  if (diag.has_errors() || !def) return nullptr;
  auto api = std::make_shared<DeployedApi>();
  api->definition = std::move(def);
  api->proxy = std::move(proxy);
  api->message = std::move(message);
  api->source = source;
  return api;
}

std::size_t Deployer::load_directory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) {
    spdlog::error("apis.dir '{}': {}", dir, ec.message());
    return 1;
  }
  std::map<std::string, std::optional<std::string>> sources;
  for (const auto& file : files) {
    std::string text;
    if (read_text(file, text)) sources[file] = std::move(text);
    else sources[file] = std::nullopt;
  }
  return deploy_origin("apis.dir", sources);
}

std::size_t Deployer::deploy_origin(const std::string& origin,
                                    const std::map<std::string, std::optional<std::string>>& sources) {
  std::size_t problems = 0;
  std::map<std::string, Entry> next;
  for (const auto& [source, entry] : by_source_)
    if (entry.origin != origin) next[source] = entry;
  std::vector<std::string> files;  // this origin's sources, in name order
  for (const auto& [file, text] : sources) {
    if (by_source_.count(file) && by_source_.at(file).origin != origin) continue;  // another origin owns it
    files.push_back(file);
    auto old = by_source_.find(file);
    if (!text) {
      spdlog::error("{}: cannot read", file);
      ++problems;
      if (old != by_source_.end()) next[file] = old->second;
      continue;
    }
    if (old != by_source_.end() && old->second.text == *text) {
      next[file] = old->second;
      continue;
    }
    if (auto api = build(file, *text, problems)) {
      cache_.drop(api->definition->id + "\n");
      next[file] = Entry{origin, *text, std::move(api)};
    } else if (old != by_source_.end()) {
      spdlog::warn("{}: keeping the previously deployed version of API '{}'", file, old->second.api->definition->id);
      next[file] = old->second;
    }
  }
  std::vector<std::string> order;
  for (const auto& source : order_)
    if (next.count(source)) order.push_back(source);
  for (const auto& file : files)
    if (next.count(file) && std::find(order.begin(), order.end(), file) == order.end()) order.push_back(file);

  auto snapshot = std::make_shared<GatewaySnapshot>();
  std::set<std::string> ids;
  std::vector<std::string> accepted;
  for (const auto& source : order) {
    const auto& api = next[source].api;
    const auto& def = *api->definition;
    std::optional<std::string> conflict;
    if (ids.count(def.id)) conflict = "an API with id '" + def.id + "' is already deployed";
    else conflict = snapshot->routes.add(api, def.id, host_paths(def));
    if (conflict) {
      spdlog::error("{}: API '{}' refused: {}", source, def.id, *conflict);
      ++problems;
      continue;
    }
    ids.insert(def.id);
    snapshot->apis.push_back(api);
    accepted.push_back(source);
  }
  for (const auto& source : accepted) {
    auto old = by_source_.find(source);
    const bool fresh = old == by_source_.end() || old->second.api != next[source].api;
    if (fresh) {
      const auto& api = next[source].api;
      if (api->proxy) api->proxy->start_health_checks(control_);
      spdlog::info("deployed API '{}' ({}) from {}", api->definition->id, api->definition->name, source);
    }
  }
  std::map<std::string, Entry> kept;
  for (const auto& source : accepted) kept[source] = next[source];
  std::vector<std::shared_ptr<const DeployedApi>> superseded;
  for (const auto& [source, entry] : by_source_) {
    const bool replaced = kept.count(source) && kept[source].api != entry.api;
    if (!kept.count(source)) spdlog::info("retired API '{}' ({})", entry.api->definition->id, source);
    if (replaced || !kept.count(source)) superseded.push_back(entry.api);
  }
  by_source_ = std::move(kept);
  order_ = std::move(accepted);
  current_.store(std::move(snapshot), std::memory_order_release);
  // Streams of a retired or replaced message API end once the new snapshot is live, so clients that reconnect at
  // once reach the new version.
  for (const auto& api : superseded)
    if (api->message) api->message->stop();
  return problems;
}

void Deployer::stop_message_streams() {
  for (const auto& api : snapshot()->apis)
    if (api->message) api->message->stop();
}

}  // namespace gantry
