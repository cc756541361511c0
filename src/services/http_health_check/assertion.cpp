#include "services/http_health_check/assertion.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace gantry {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Two-character operators first, so "<=" is not read as "<" followed by "=".
constexpr std::array<std::pair<std::string_view, StatusAssertion::Op>, 6> kOps = {{
    {"==", StatusAssertion::Op::eq},
    {"!=", StatusAssertion::Op::ne},
    {"<=", StatusAssertion::Op::le},
    {">=", StatusAssertion::Op::ge},
    {"<", StatusAssertion::Op::lt},
    {">", StatusAssertion::Op::gt},
}};

std::optional<StatusAssertion> parse_comparison(std::string_view s) {
  s = trim(s);
  if (!consume(s, "#response.status")) return std::nullopt;
  s = trim(s);
  StatusAssertion assertion;
  bool found = false;
  for (const auto& [text, op] : kOps) {
    if (consume(s, text)) {
      assertion.op = op;
      found = true;
      break;
    }
  }
  if (!found) return std::nullopt;
  s = trim(s);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), assertion.value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return assertion;
}

}  // namespace

bool StatusAssertion::holds(int status) const {
  switch (op) {
    case Op::eq: return status == value;
    case Op::ne: return status != value;
    case Op::lt: return status < value;
    case Op::le: return status <= value;
    case Op::gt: return status > value;
    case Op::ge: return status >= value;
  }
  return false;
}

std::optional<StatusAssertion> StatusAssertion::parse(std::string_view text, std::string* error) {
  std::string_view body = trim(text);
  if (!body.empty() && body.front() == '{') {
    body.remove_prefix(1);
    if (!body.empty() && body.back() == '}') body.remove_suffix(1);
    else body = {};  // an unclosed brace: refuse
  }
  if (auto assertion = body.empty() ? std::nullopt : parse_comparison(body)) return assertion;
  if (error)
    *error = "unsupported assertion '" + std::string(text) +
             "': only '#response.status <op> <number>' is supported until the expression language lands";
  return std::nullopt;
}

}  // namespace gantry
