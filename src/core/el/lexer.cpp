#include "core/el/lexer.hpp"

#include <cctype>

namespace gantry::el {
namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

// Longest first, so "?:" wins over "?" and "<=" over "<".
constexpr std::string_view symbols[] = {"?.", "?:", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", "{", "}",
                                        ".",  ",",  ":",  "?",  "<",  ">",  "!",  "+",  "-", "*", "/", "%"};

}  // namespace

bool tokenize(std::string_view text, std::size_t base_column, std::vector<Token>& out, LexError& error) {
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t column = base_column + i;
    if (i == text.size()) {
      out.push_back({TokenKind::end, "", column});
      return true;
    }
    const char c = text[i];
    if (c == '\'' || c == '"') {  // 'it''s' and "say ""hi""": a doubled quote is the quote itself, as in SpEL
      std::string s;
      ++i;
      while (true) {
        if (i == text.size()) {
          error = {column, "unterminated string"};
          return false;
        }
        if (text[i] == c) {
          if (i + 1 < text.size() && text[i + 1] == c) {
            s += c;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        s += text[i++];
      }
      out.push_back({TokenKind::string, std::move(s), column});
    } else if (digit(c)) {
      std::size_t start = i;
      while (i < text.size() && digit(text[i])) ++i;
      if (i + 1 < text.size() && text[i] == '.' && digit(text[i + 1])) {
        ++i;
        while (i < text.size() && digit(text[i])) ++i;
      }
      if (i < text.size() && (text[i] == 'L' || text[i] == 'l' || text[i] == 'd' || text[i] == 'D' ||
                              text[i] == 'f' || text[i] == 'F')) {
        std::string number(text.substr(start, i - start));
        if (text[i] != 'L' && text[i] != 'l' && number.find('.') == std::string::npos) number += ".0";
        ++i;
        out.push_back({TokenKind::number, std::move(number), column});
        continue;
      }
      out.push_back({TokenKind::number, std::string(text.substr(start, i - start)), column});
    } else if (c == '#') {
      std::size_t start = ++i;
      while (i < text.size() && ident_char(text[i])) ++i;
      if (i == start) {
        error = {column, "expected a variable name after '#'"};
        return false;
      }
      out.push_back({TokenKind::variable, std::string(text.substr(start, i - start)), column});
    } else if (ident_start(c)) {
      std::size_t start = i;
      while (i < text.size() && ident_char(text[i])) ++i;
      out.push_back({TokenKind::identifier, std::string(text.substr(start, i - start)), column});
    } else {
      bool found = false;
      for (auto sym : symbols) {
        if (text.substr(i).starts_with(sym)) {
          out.push_back({TokenKind::symbol, std::string(sym), column});
          i += sym.size();
          found = true;
          break;
        }
      }
      if (!found) {
        error = {column, std::string("unexpected character '") + c + "'"};
        return false;
      }
    }
  }
}

}  // namespace gantry::el
