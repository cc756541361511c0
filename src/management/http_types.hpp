// A management request as the handlers see it (path split in segments, body as text) and their response.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace gantry::management {

struct Request {
  std::string method;                 // "GET", "POST", ...
  std::vector<std::string> segments;  // path below the environment base, e.g. {"apis", "<id>", "_start"}
  std::map<std::string, std::string> query;
  std::string body;
};

struct Response {
  int status = 200;
  std::string body;  // empty = no body
  std::string content_type = "application/json";
};

inline Response json_response(int status, std::string body) { return Response{status, std::move(body), "application/json"}; }
inline Response no_content() { return Response{204, "", "application/json"}; }

}  // namespace gantry::management
