// The health check's `assertion`, for now only "#response.status <op> <number>": the expression language that
// Gravitee allows here (e.g. "{#response.contentJson.status == 'green'}") arrives later.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gantry {

struct StatusAssertion {
  enum class Op { eq, ne, lt, le, gt, ge };
  Op op = Op::eq;
  int value = 200;  // the default assertion is "{#response.status == 200}"

  bool holds(int status) const;

  // "{#response.status == 200}", "#response.status>=200", "{ #response.status != 503 }". Anything else sets
  // `error` to "unsupported assertion '<text>': only '#response.status <op> <number>' is supported until the
  // expression language lands".
  static std::optional<StatusAssertion> parse(std::string_view text, std::string* error);
};

}  // namespace gantry
