#include "management/router.hpp"

#include "management/api_error.hpp"
#include "management/handlers.hpp"
#include "management/openapi_document.hpp"

#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

namespace gantry::management {

namespace {

bool starts_with(const std::vector<std::string>& s, std::initializer_list<std::string_view> prefix) {
  if (s.size() < prefix.size()) return false;
  std::size_t i = 0;
  for (auto p : prefix)
    if (!p.empty() && s[i] != p) return false;
    else ++i;
  return true;
}

// Strips the environment base; false when the path is not under one. An environment other than DEFAULT is a 404.
bool strip_base(std::vector<std::string>& s) {
  std::size_t skip = 0;
  std::string env;
  if (starts_with(s, {"management", "v2", "environments", ""})) skip = 4, env = s[3];
  else if (starts_with(s, {"management", "v2", "organizations", "", "environments", ""})) skip = 6, env = s[5];
  else if (starts_with(s, {"management", "organizations", "", "environments", "", "v4"})) skip = 6, env = s[4];
  else return false;
  if (env != "DEFAULT") throw not_found("Environment", env);
  s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(skip));
  return true;
}

Response error_response(const ApiError& e) {
  return json_response(e.status, error_body(e));
}

}  // namespace

void split_target(std::string_view target, std::vector<std::string>& segments,
                  std::map<std::string, std::string>& query) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    for (std::size_t start = 0; start < target.size();) {
      auto end = target.find('/', start);
      if (end == std::string_view::npos) end = target.size();
      if (end > start) segments.emplace_back(target.substr(start, end - start));
      start = end + 1;
    }
    return;
  }
  for (auto segment : url->segments())
    if (!segment.empty()) segments.push_back(segment);
  for (auto param : url->params()) query[param.key] = param.has_value ? param.value : "";
}

Response Router::handle(std::string_view method, std::string_view target, std::string_view authorization,
                        std::string body) {
  Request req;
  req.method = std::string(method);
  req.body = std::move(body);
  split_target(target, req.segments, req.query);
  try {
    if (req.segments == std::vector<std::string>{"management", "openapi.yaml"} && req.method == "GET")
      return Response{200, std::string(openapi_document()), "application/yaml"};
    if (!credentials_.check(authorization)) throw ApiError(401, "Unauthorized", "unauthorized");
    return dispatch(req);
  } catch (const ApiError& e) {
    return error_response(e);
  } catch (const storage::StorageError& e) {
    spdlog::error("management {} {}: storage: {}", req.method, target, e.what());
    return error_response(ApiError(503, "The repository is not available; try again", "repository.unavailable"));
  } catch (const std::exception& e) {
    spdlog::error("management {} {}: {}", req.method, target, e.what());
    return error_response(ApiError(500, "Internal error", "internal"));
  }
}

Response Router::dispatch(const Request& in) {
  Request req = in;
  if (!strip_base(req.segments) || req.segments.empty()) throw not_found("Resource", std::string("path"));
  if (req.segments[0] == "apis") return handle_apis(ctx_, req);
  if (req.segments[0] == "applications") return handle_applications(ctx_, req);
  throw not_found("Resource", req.segments[0]);
}

}  // namespace gantry::management
