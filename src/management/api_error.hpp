// Management API failures in Gravitee's v2 error shape: {"httpStatus", "message", "technicalCode", "details"}.
// Handlers throw ApiError; the router turns it into the response (this is the control path, not the data path).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace gantry::management {

struct ErrorDetail {
  std::string location;  // JSON path of the field in error ("$.listeners[0].entrypoints[0].type")
  std::string message;
};

struct ApiError : std::runtime_error {
  ApiError(int status, std::string message, std::string technical_code, std::vector<ErrorDetail> details = {})
      : std::runtime_error(message),
        status(status),
        technical_code(std::move(technical_code)),
        details(std::move(details)) {}
  int status;
  std::string technical_code;
  std::vector<ErrorDetail> details;
};

// Shorthands for the common cases.
ApiError bad_request(std::string message, std::string technical_code = "request.invalid",
                     std::vector<ErrorDetail> details = {});
ApiError not_found(const std::string& kind, const std::string& id);  // "API [x] cannot be found."

// The response body of an error.
std::string error_body(const ApiError& error);

}  // namespace gantry::management
