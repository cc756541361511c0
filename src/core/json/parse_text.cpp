#include "core/json/parse_text.hpp"

#include <boost/json.hpp>

#include <string>

namespace gantry {

namespace {

struct Position {
  std::size_t line = 1;
  std::size_t column = 1;
};

Position position_of(std::string_view text, std::size_t offset) {
  Position pos;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // UTF-8 continuation bytes belong to the previous character
      ++pos.column;
    }
  }
  return pos;
}

}  // namespace

std::optional<boost::json::value> parse_json_text(std::string_view text, Diagnostics& diag) {
  boost::json::parse_options options;
  options.max_depth = 1000;  // plugin configurations nest deeper than Boost's default of 32
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
    consumed = text.size();
  }
  if (ec) {
    const Position pos = position_of(text, consumed);
    diag.error("$", "malformed JSON at line " + std::to_string(pos.line) + ", column " +
                        std::to_string(pos.column) + ": " + ec.message());
    return std::nullopt;
  }
  return parser.release();
}

}  // namespace gantry
