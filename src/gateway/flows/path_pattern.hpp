// A flow's http selector path ("/products/:id"): matched segment by segment against the path after the
// context path, collecting `:name` segments as path parameters.
#pragma once

#include "core/definition/model.hpp"
#include "core/el/value.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gantry {

class PathPattern {
 public:
  explicit PathPattern(std::string_view pattern);

  // Whether `path` matches (EQUALS: every segment; STARTS_WITH: the pattern's segments are a prefix, its last
  // literal segment a prefix of the path's segment, as Gravitee's regex prefix match has it). Path parameters go
  // into `params` when given.
  bool match(std::string_view path, PathOperator op, el::Map* params) const;

  // Specificity for best-match: more segments first, then more literal (non-parameter) segments.
  std::size_t segments() const { return segments_.size(); }
  std::size_t literal_segments() const;

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter name
    bool parameter = false;
  };
  std::vector<Segment> segments_;
};

// Whether `path` is exactly `pattern` written as text ("/test/:testId"), segment by segment, without compiling it
// (listener pathMappings, matched rarely enough that keeping compiled copies is not worth it).
bool matches_pattern_text(std::string_view pattern, std::string_view path);

// Splits "/a//b/" into {"a", "b"}.
std::vector<std::string_view> path_segments(std::string_view path);

}  // namespace gantry
