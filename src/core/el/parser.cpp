// Recursive-descent parser for the Spring EL subset Gravitee uses, with SpEL's operator precedence:
// ternary/elvis < or < and < relational (one, non-associative) < additive < multiplicative < unary < navigation.
#include "core/el/expression.hpp"
#include "core/el/functions.hpp"
#include "core/el/lexer.hpp"

#include <re2/re2.h>

#include <charconv>
#include <cstdlib>

namespace gantry::el {
namespace {

struct ParseFailure {
  SyntaxError error;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Node parse_all() {
    Node n = expression();
    if (peek().kind != TokenKind::end) fail(peek(), "unexpected " + describe(peek()));
    return n;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
  bool is_symbol(std::string_view s, std::size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::symbol && peek(ahead).text == s;
  }
  bool is_word(std::string_view w) const { return peek().kind == TokenKind::identifier && iequal(peek().text, w); }
  static bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
  }
  bool accept_symbol(std::string_view s) {
    if (!is_symbol(s)) return false;
    ++pos_;
    return true;
  }
  bool accept_word(std::string_view w) {
    if (!is_word(w)) return false;
    ++pos_;
    return true;
  }
  void expect_symbol(std::string_view s) {
    if (!accept_symbol(s)) fail(peek(), "expected '" + std::string(s) + "' but found " + describe(peek()));
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::end: return "the end of the expression";
      case TokenKind::string: return "string '" + t.text + "'";
      case TokenKind::variable: return "'#" + t.text + "'";
      default: return "'" + t.text + "'";
    }
  }
  [[noreturn]] static void fail(const Token& at, std::string message) {
    throw ParseFailure{{at.column, std::move(message)}};
  }

  // Depth of recursion doubles as the depth of the tree being built: both stay under max_depth.
  struct Guard {
    Parser& p;
    explicit Guard(Parser& parser) : p(parser) {
      if (++p.depth_ > max_depth) fail(p.peek(), "expression nested too deeply (limit " + std::to_string(max_depth) + ")");
    }
    ~Guard() { --p.depth_; }
  };

  Node make(NodeKind kind, std::size_t column, std::vector<Node> kids) {
    Node n;
    n.kind = kind;
    n.column = column;
    n.kids = std::move(kids);
    return n;
  }
  // Left-associative chains (a + b + c, a.b.c) deepen the tree without recursing: count them here.
  void deepen(std::size_t& chain, const Token& at) {
    if (++chain + depth_ > max_depth) fail(at, "expression nested too deeply (limit " + std::to_string(max_depth) + ")");
  }

  Node expression() {
    Guard g(*this);
    Node cond = logical_or();
    if (is_symbol("?:")) {
      const auto col = next().column;
      Node other = expression();
      return make(NodeKind::elvis, col, {std::move(cond), std::move(other)});
    }
    if (is_symbol("?")) {
      const auto col = next().column;
      Node yes = expression();
      expect_symbol(":");
      Node no = expression();
      return make(NodeKind::ternary, col, {std::move(cond), std::move(yes), std::move(no)});
    }
    return cond;
  }

  Node logical_or() {
    Node left = logical_and();
    std::size_t chain = 0;
    while (is_symbol("||") || is_word("or")) {
      deepen(chain, peek());
      const auto col = next().column;
      left = make(NodeKind::logical_or, col, {std::move(left), logical_and()});
    }
    return left;
  }

  Node logical_and() {
    Node left = relational();
    std::size_t chain = 0;
    while (is_symbol("&&") || is_word("and")) {
      deepen(chain, peek());
      const auto col = next().column;
      left = make(NodeKind::logical_and, col, {std::move(left), relational()});
    }
    return left;
  }

  std::optional<Operator> relational_operator() const {
    static constexpr std::pair<std::string_view, Operator> ops[] = {
        {"==", Operator::eq}, {"!=", Operator::ne}, {"<", Operator::lt}, {"<=", Operator::le},
        {">", Operator::gt},  {">=", Operator::ge}, {"eq", Operator::eq}, {"ne", Operator::ne},
        {"lt", Operator::lt}, {"le", Operator::le}, {"gt", Operator::gt}, {"ge", Operator::ge}};
    const Token& t = peek();
    for (const auto& [text, op] : ops) {
      if (t.kind == TokenKind::symbol && t.text == text) return op;
      if (t.kind == TokenKind::identifier && text[0] >= 'a' && iequal(t.text, text)) return op;
    }
    return std::nullopt;
  }

  Node relational() {
    Node left = additive();
    if (auto op = relational_operator()) {
      const auto col = next().column;
      Node n = make(NodeKind::compare, col, {std::move(left), additive()});
      n.op = *op;
      return n;
    }
    if (is_word("matches")) {
      const auto col = next().column;
      const Token& pattern_token = peek();
      Node n = make(NodeKind::matches, col, {std::move(left), additive()});
      if (n.kids[1].kind == NodeKind::literal && n.kids[1].value.is_string()) {
        auto regex = std::make_shared<const re2::RE2>(n.kids[1].value.as_string(), re2::RE2::Quiet);
        if (!regex->ok()) fail(pattern_token, "invalid regular expression: " + regex->error());
        n.regex = std::move(regex);
      }
      return n;
    }
    return left;
  }

  Node additive() {
    Node left = multiplicative();
    std::size_t chain = 0;
    while (is_symbol("+") || is_symbol("-")) {
      deepen(chain, peek());
      const Token& t = next();
      Node n = make(NodeKind::arithmetic, t.column, {std::move(left), multiplicative()});
      n.op = t.text == "+" ? Operator::add : Operator::sub;
      left = std::move(n);
    }
    return left;
  }

  Node multiplicative() {
    Node left = unary();
    std::size_t chain = 0;
    while (true) {
      Operator op;
      if (is_symbol("*")) op = Operator::mul;
      else if (is_symbol("/") || is_word("div")) op = Operator::div;
      else if (is_symbol("%") || is_word("mod")) op = Operator::mod;
      else return left;
      deepen(chain, peek());
      const auto col = next().column;
      Node n = make(NodeKind::arithmetic, col, {std::move(left), unary()});
      n.op = op;
      left = std::move(n);
    }
  }

  Node unary() {
    Guard g(*this);
    if (is_symbol("!") || is_word("not")) {
      const auto col = next().column;
      return make(NodeKind::logical_not, col, {unary()});
    }
    if (is_symbol("-")) {
      const auto col = next().column;
      return make(NodeKind::negate, col, {unary()});
    }
    if (accept_symbol("+")) return unary();
    return navigation(primary());
  }

  std::vector<Node> arguments() {
    std::vector<Node> args;
    expect_symbol("(");
    if (accept_symbol(")")) return args;
    do args.push_back(expression());
    while (accept_symbol(","));
    expect_symbol(")");
    return args;
  }

  Node navigation(Node target) {
    std::size_t chain = 0;
    while (true) {
      if (is_symbol(".") || is_symbol("?.")) {
        deepen(chain, peek());
        const bool safe = next().text == "?.";
        const Token& name = next();
        if (name.kind != TokenKind::identifier) fail(name, "expected a property or method name after '.'");
        if (is_symbol("(")) {
          std::vector<Node> kids{std::move(target)};
          for (auto& a : arguments()) kids.push_back(std::move(a));
          target = make(NodeKind::method, name.column, std::move(kids));
        } else {
          target = make(NodeKind::property, name.column, {std::move(target)});
        }
        target.name = name.text;
        target.safe = safe;
      } else if (is_symbol("[")) {
        deepen(chain, peek());
        const auto col = next().column;
        Node index = expression();
        expect_symbol("]");
        target = make(NodeKind::index, col, {std::move(target), std::move(index)});
      } else {
        return target;
      }
    }
  }

  Node literal(Value v, std::size_t column) {
    Node n;
    n.kind = NodeKind::literal;
    n.column = column;
    n.value = std::move(v);
    return n;
  }

  Node number(const Token& t) {
    if (t.text.find('.') != std::string::npos) return literal(std::strtod(t.text.c_str(), nullptr), t.column);
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), i);
    if (ec != std::errc{}) fail(t, "number out of range: " + t.text);
    return literal(i, t.column);
  }

  // {1, 2, 3} or {'a': 1, 'b': 2} or {} (an empty list), as in SpEL.
  Node inline_collection(std::size_t column) {
    if (accept_symbol("}")) return make(NodeKind::list, column, {});
    std::vector<Node> kids;
    std::vector<std::string> names;
    const bool is_map = (peek().kind == TokenKind::string || peek().kind == TokenKind::identifier) && is_symbol(":", 1);
    do {
      if (is_map) {
        const Token& key = next();
        if (key.kind != TokenKind::string && key.kind != TokenKind::identifier) fail(key, "expected a map key");
        names.push_back(key.text);
        expect_symbol(":");
      }
      kids.push_back(expression());
    } while (accept_symbol(","));
    expect_symbol("}");
    Node n = make(is_map ? NodeKind::map : NodeKind::list, column, std::move(kids));
    n.names = std::move(names);
    return n;
  }

  Node primary() {
    const Token& t = next();
    switch (t.kind) {
      case TokenKind::number: return number(t);
      case TokenKind::string: return literal(t.text, t.column);
      case TokenKind::variable: {
        if (is_symbol("(")) {
          if (!is_function(t.text)) fail(t, "unknown function '#" + t.text + "' (known: " + function_names() + ")");
          Node n = make(NodeKind::function, t.column, arguments());
          n.name = t.text;
          return n;
        }
        Node n = make(NodeKind::variable, t.column, {});
        n.name = t.text;
        return n;
      }
      case TokenKind::identifier: {
        if (iequal(t.text, "true")) return literal(true, t.column);
        if (iequal(t.text, "false")) return literal(false, t.column);
        if (iequal(t.text, "null")) return literal(Value{}, t.column);
        fail(t, "unexpected '" + t.text + "' (variables start with '#', strings are quoted)");
      }
      case TokenKind::symbol:
        if (t.text == "(") {
          Node n = expression();
          expect_symbol(")");
          return n;
        }
        if (t.text == "{") return inline_collection(t.column);
        fail(t, "unexpected " + describe(t));
      case TokenKind::end: fail(t, "unexpected end of the expression");
    }
    fail(t, "unexpected " + describe(t));
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
};

std::optional<SyntaxError> parse(std::string_view text, std::size_t base_column, Node& out) {
  if (text.size() > max_expression_length)
    return SyntaxError{base_column, "expression longer than " + std::to_string(max_expression_length) + " characters"};
  std::vector<Token> tokens;
  LexError lex;
  if (!tokenize(text, base_column, tokens, lex)) return SyntaxError{lex.column, lex.message};
  if (tokens.size() == 1) return SyntaxError{base_column, "empty expression"};
  try {
    out = Parser(std::move(tokens)).parse_all();
  } catch (const ParseFailure& f) {
    return f.error;
  }
  return std::nullopt;
}

// The index of the '}' closing the '{' at `open`, skipping quoted strings and nested braces; npos if none.
std::size_t closing_brace(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      auto end = text.find(c, i + 1);
      if (end == std::string_view::npos) return end;
      i = end;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string SyntaxError::describe() const {
  return "syntax error at column " + std::to_string(column) + ": " + message;
}

Compiled compile_expression(std::string_view text) {
  Node root;
  if (auto error = parse(text, 1, root)) return {nullptr, std::move(error)};
  return {std::make_shared<const Expression>(std::move(root)), std::nullopt};
}

CompiledTemplate compile_template(std::string_view text) {
  std::vector<Template::Part> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find('{', i);
    if (open == std::string_view::npos) {
      parts.push_back({std::string(text.substr(i)), nullptr});
      break;
    }
    if (open > i) parts.push_back({std::string(text.substr(i, open - i)), nullptr});
    // JSON in a template ({"a": 1}, {}) is text, as users of mock and assign-content bodies expect: a brace
    // whose content is empty or starts with a double-quoted string and does not parse stays as written.
    const auto inner = trim(text.substr(open + 1));
    const bool may_be_json = inner.empty() || inner.front() == '"' || inner.front() == '}';
    const auto close = closing_brace(text, open);
    if (close == std::string_view::npos) {
      if (may_be_json) {
        parts.push_back({std::string(text.substr(open)), nullptr});
        break;
      }
      return {nullptr, SyntaxError{open + 1, "'{' without a closing '}'"}};
    }
    Node root;
    if (auto error = parse(text.substr(open + 1, close - open - 1), open + 2, root)) {
      if (!may_be_json) return {nullptr, std::move(error)};
      parts.push_back({"{", nullptr});  // the rest is scanned again: inner braces may hold expressions
      i = open + 1;
      continue;
    }
    parts.push_back({"", std::make_shared<const Expression>(std::move(root))});
    i = close + 1;
  }
  return {std::make_shared<const Template>(std::move(parts)), std::nullopt};
}

Compiled compile_condition(std::string_view text) {
  const auto body = trim(text);
  const std::size_t offset = body.data() - text.data();
  if (!body.empty() && body.front() == '{' && closing_brace(body, 0) == body.size() - 1) {
    Node root;
    if (auto error = parse(body.substr(1, body.size() - 2), offset + 2, root)) return {nullptr, std::move(error)};
    return {std::make_shared<const Expression>(std::move(root)), std::nullopt};
  }
  Node root;
  if (auto error = parse(body, offset + 1, root)) return {nullptr, std::move(error)};
  return {std::make_shared<const Expression>(std::move(root)), std::nullopt};
}

bool Template::constant() const {
  for (const auto& p : parts_)
    if (p.expression) return false;
  return true;
}

bool is_true(const Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) return v.as_string() == "true";
  return false;
}

}  // namespace gantry::el
