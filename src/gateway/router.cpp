#include "gateway/router.hpp"

#include <algorithm>
#include <cctype>

namespace gantry {
namespace {

std::string lower_host(std::string_view host) {
  // Strip the port; an IPv6 literal keeps its brackets ("[::1]:8082" -> "[::1]").
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') == std::string_view::npos ? host.size() : host.find(']') + 1);
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string out(host);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// True when `path` is `prefix` itself or continues it at a segment boundary ("/a" claims "/a/x", not "/ab").
bool claims(std::string_view prefix, std::string_view path) {
  if (prefix == "/") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

std::string normalise_path(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 1);
  for (char ch : path) {
    if (ch == '/' && !out.empty() && out.back() == '/') continue;
    out += ch;
  }
  if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::optional<std::string> RouteTable::add(std::shared_ptr<const DeployedApi> api, const std::string& api_id,
                                           const std::vector<std::pair<std::string, std::string>>& host_paths) {
  std::vector<Route> added;
  for (const auto& [host, path] : host_paths) {
    Route route{lower_host(host), normalise_path(path), api_id, api};
    for (const auto& existing : routes_) {
      if (existing.host == route.host && existing.path == route.path && existing.api_id != api_id) {
        std::string where = (route.host.empty() ? "" : route.host) + route.path;
        return "path '" + where + "' is already used by API '" + existing.api_id + "'";
      }
    }
    added.push_back(std::move(route));
  }
  for (auto& r : added) routes_.push_back(std::move(r));
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    if (a.host.empty() != b.host.empty()) return !a.host.empty();
    return a.path.size() > b.path.size();
  });
  return std::nullopt;
}

std::optional<RouteMatch> RouteTable::match(std::string_view host, std::string_view path) const {
  const std::string wanted_host = lower_host(host);
  for (const auto& route : routes_) {
    if (!route.host.empty() && route.host != wanted_host) continue;
    if (!claims(route.path, path)) continue;
    std::string_view remaining = route.path == "/" ? path : path.substr(route.path.size());
    if (route.path == "/" && remaining == "/") remaining = "";
    return RouteMatch{route.api.get(), route.path, remaining};
  }
  return std::nullopt;
}

}  // namespace gantry
