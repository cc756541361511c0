#include "gateway/flows/path_pattern.hpp"

namespace gantry {

std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    auto slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) out.push_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

PathPattern::PathPattern(std::string_view pattern) {
  for (auto s : path_segments(pattern)) {
    if (s.size() > 1 && s[0] == ':') segments_.push_back({std::string(s.substr(1)), true});
    else segments_.push_back({std::string(s), false});
  }
}

std::size_t PathPattern::literal_segments() const {
  std::size_t n = 0;
  for (const auto& s : segments_) n += s.parameter ? 0 : 1;
  return n;
}

namespace {

// The next non-empty segment of `path` from `pos` (advanced past it); empty at the end.
std::string_view next_segment(std::string_view path, std::size_t& pos) {
  while (pos < path.size() && path[pos] == '/') ++pos;
  const std::size_t start = pos;
  while (pos < path.size() && path[pos] != '/') ++pos;
  return path.substr(start, pos - start);
}

}  // namespace

bool matches_pattern_text(std::string_view pattern, std::string_view path) {
  std::size_t p = 0, q = 0;
  for (;;) {
    const auto expected = next_segment(pattern, p);
    const auto part = next_segment(path, q);
    if (expected.empty() || part.empty()) return expected.empty() && part.empty();
    if (!(expected.size() > 1 && expected[0] == ':') && expected != part) return false;
  }
}

// Walks the path in place: matching runs per request and per flow, so it allocates nothing.
bool PathPattern::match(std::string_view path, PathOperator op, el::Map* params) const {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const auto& segment = segments_[i];
    const bool after_slash = pos < path.size() && path[pos] == '/';
    const auto part = next_segment(path, pos);
    // A last parameter may be empty when its slash is there ("/:topic" matches "/", not ""), as in Gravitee.
    if (part.empty() && !(segment.parameter && after_slash && i + 1 == segments_.size())) return false;
    // Gravitee's STARTS_WITH is a prefix of the path's text: "/test" selects "/test-dynamic-configuration" too.
    const bool last_prefix = op == PathOperator::starts_with && i + 1 == segments_.size() &&
                             part.starts_with(segment.text);
    if (!segment.parameter && segment.text != part && !last_prefix) return false;
  }
  if (op == PathOperator::equals && !next_segment(path, pos).empty()) return false;
  if (params) {
    pos = 0;
    for (const auto& segment : segments_) {
      const auto part = next_segment(path, pos);
      if (segment.parameter) params->insert_or_assign(segment.text, el::Value(part));
    }
  }
  return true;
}

}  // namespace gantry
