// Maps a request's host and path to the deployed API that claims it: host match first, then longest path prefix.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry {

struct DeployedApi;

struct RouteMatch {
  const DeployedApi* api = nullptr;
  std::string_view context_path;    // the listener path that matched ("/test")
  std::string_view remaining_path;  // what follows it in the request path ("/foo", or "")
};

class RouteTable {
 public:
  // Claims host + each path for `api`. Returns an error naming the API that already holds one of them (and adds
  // nothing) when there is a conflict.
  std::optional<std::string> add(std::shared_ptr<const DeployedApi> api, const std::string& api_id,
                                 const std::vector<std::pair<std::string, std::string>>& host_paths);

  // `host` is the Host header as sent (a port is ignored, case-insensitive); `path` has no query string.
  std::optional<RouteMatch> match(std::string_view host, std::string_view path) const;

  std::size_t size() const { return routes_.size(); }

 private:
  struct Route {
    std::string host;  // lower case, no port; "" = any host
    std::string path;  // normalised, "/" or "/a/b"
    std::string api_id;
    std::shared_ptr<const DeployedApi> api;
  };
  std::vector<Route> routes_;  // host-specific first, then longest path first
};

// "/a//b/" -> "/a/b"; "" -> "/".
std::string normalise_path(std::string_view path);

}  // namespace gantry
