// Problems found while reading a definition or a config: every one is kept, each with its JSON path.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gantry {

struct Problem {
  enum class Severity { error, warning };
  Severity severity;
  std::string path;     // "$.listeners[0].entrypoints[1].type"
  std::string message;  // "unknown entrypoint type 'sse2' (did you mean 'sse'? known: ...)"
};

class Diagnostics {
 public:
  void error(std::string path, std::string message);
  void warning(std::string path, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
  std::size_t error_count_ = 0;
};

// The closest candidate by edit distance, or "" when none is close enough to be a plausible typo.
std::string did_you_mean(std::string_view given, std::span<const std::string> candidates);

// "unknown entrypoint type 'sse2' (did you mean 'sse'? known: http-get, sse)"; `kind` is "entrypoint type".
std::string unknown_name_message(std::string_view kind, std::string_view given,
                                 std::span<const std::string> known);
// The same with the suggestion chosen by the caller ("" for none), e.g. after normalising spellings.
std::string unknown_name_message(std::string_view kind, std::string_view given, std::span<const std::string> known,
                                 std::string_view suggestion);

// "$.a" + "b" -> "$.a.b";  "$.a" + 3 -> "$.a[3]".
std::string path_field(std::string_view parent, std::string_view field);
std::string path_index(std::string_view parent, std::size_t index);

}  // namespace gantry
