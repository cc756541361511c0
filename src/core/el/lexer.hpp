// Splits an expression into tokens, each with its 1-based column, for the parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::el {

enum class TokenKind { end, number, string, identifier, variable, symbol };

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;     // identifier/variable name (without '#'), symbol, unescaped string, number as written
  std::size_t column = 0;
};

struct LexError {
  std::size_t column;
  std::string message;
};

// Tokens of `text`, the last one `end`; or the first error. `base_column` is the column of text[0].
bool tokenize(std::string_view text, std::size_t base_column, std::vector<Token>& out, LexError& error);

}  // namespace gantry::el
