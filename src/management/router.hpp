// From an HTTP request to a handler: the base paths (Gravitee v2 and the older v4 path of seed 001), Basic auth,
// and errors in the v2 shape. Unauthenticated requests learn nothing, not even whether a path exists.
#pragma once

#include "management/context.hpp"
#include "management/credentials.hpp"
#include "management/http_types.hpp"

#include <string_view>

namespace gantry::management {

class Router {
 public:
  Router(Context ctx, Credentials& credentials) : ctx_(std::move(ctx)), credentials_(credentials) {}

  // `target` is the request target as sent ("/management/v2/environments/DEFAULT/apis?page=1").
  Response handle(std::string_view method, std::string_view target, std::string_view authorization,
                  std::string body);

 private:
  Response dispatch(const Request& req);
  Context ctx_;
  Credentials& credentials_;
};

// "/a/b?x=1&y=%20" -> path segments {"a", "b"} (decoded, empty ones dropped) and query {x: "1", y: " "}.
void split_target(std::string_view target, std::vector<std::string>& segments,
                  std::map<std::string, std::string>& query);

}  // namespace gantry::management
