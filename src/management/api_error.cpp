#include "management/api_error.hpp"

#include <boost/json.hpp>

namespace gantry::management {

ApiError bad_request(std::string message, std::string technical_code, std::vector<ErrorDetail> details) {
  return ApiError(400, std::move(message), std::move(technical_code), std::move(details));
}

ApiError not_found(const std::string& kind, const std::string& id) {
  std::string code = kind;
  for (auto& ch : code) ch = ch == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return ApiError(404, kind + " [" + id + "] cannot be found.", code + ".notFound");
}

std::string error_body(const ApiError& error) {
  boost::json::object body;
  body["httpStatus"] = error.status;
  body["message"] = error.what();
  body["technicalCode"] = error.technical_code;
  if (!error.details.empty()) {
    boost::json::array details;
    for (const auto& d : error.details) details.push_back({{"location", d.location}, {"message", d.message}});
    body["details"] = std::move(details);
  }
  return boost::json::serialize(body);
}

}  // namespace gantry::management
