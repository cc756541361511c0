#include "core/json/diagnostics.hpp"

#include <algorithm>
#include <cctype>

namespace gantry {

void Diagnostics::error(std::string path, std::string message) {
  problems_.push_back({Problem::Severity::error, std::move(path), std::move(message)});
  ++error_count_;
}

void Diagnostics::warning(std::string path, std::string message) {
  problems_.push_back({Problem::Severity::warning, std::move(path), std::move(message)});
}

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal-string-alignment distance, case-insensitive: a swapped pair of letters ("kafak") is one typo, not two.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

// Short names tolerate one typo, longer ones two. More would suggest real, different plugins for each other
// ('http-post' is not a misspelt 'http-proxy').
std::size_t tolerance(std::string_view given) { return given.size() <= 5 ? 1 : 2; }

bool is_identifier(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key.front()))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
  });
}

}  // namespace

std::string did_you_mean(std::string_view given, std::span<const std::string> candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = tolerance(given) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(given, candidate);
    if (distance < best_distance && candidate != given) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best ? *best : std::string{};
}

std::string unknown_name_message(std::string_view kind, std::string_view given,
                                 std::span<const std::string> known) {
  return unknown_name_message(kind, given, known, did_you_mean(given, known));
}

std::string unknown_name_message(std::string_view kind, std::string_view given, std::span<const std::string> known,
                                 std::string_view suggestion) {
  std::string message = "unknown ";
  message.append(kind).append(" '").append(given).append("' (");
  if (!suggestion.empty()) message.append("did you mean '").append(suggestion).append("'? ");
  message.append("known: ");
  if (known.empty()) message.append("none");
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (i > 0) message.append(", ");
    message.append(known[i]);
  }
  message.append(")");
  return message;
}

std::string path_field(std::string_view parent, std::string_view field) {
  std::string path(parent);
  if (is_identifier(field)) {
    path.append(".").append(field);
  } else {
    // Keys such as "*/*" or "Content Type" would make a dotted path ambiguous.
    path.append("['");
    for (char c : field) {
      if (c == '\'' || c == '\\') path.push_back('\\');
      path.push_back(c);
    }
    path.append("']");
  }
  return path;
}

std::string path_index(std::string_view parent, std::size_t index) {
  std::string path(parent);
  path.append("[").append(std::to_string(index)).append("]");
  return path;
}

}  // namespace gantry
