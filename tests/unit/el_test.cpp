// The expression language: a table of expressions and their results (the seeds' and Gravitee's documented
// examples among them), syntax errors with columns, runtime errors, limits and templates.
#include "core/el/diagnose.hpp"
#include "core/el/expression.hpp"

#include <gtest/gtest.h>

namespace gantry::el {
namespace {

// Roots as plain maps: what a gateway context provides lazily, here all up front.
class MapContext final : public Context {
 public:
  MapContext() {
    vars_["request"] = Map{
        {"id", "req-1"},
        {"path", "/products/42"},
        {"method", "GET"},
        {"contextPath", "/test/"},
        {"headers", Map{{"X-Tier", List{"gold"}}, {"x-foo", List{"bar"}}, {"content-type", List{"application/json"}},
                        {"multi", List{"a", "b"}}}},
        {"params", Map{{"a", List{"1"}}, {"q", List{"shoes"}}}},
        {"pathParams", Map{{"id", "42"}}},
        {"content", R"({"user":{"name":"ada","roles":["admin","writer"]},"n":3})"},
        {"timestamp", std::int64_t{1700000000000}},
    };
    vars_["response"] = Map{{"status", 503}, {"headers", Map{}}, {"content", "<a><b>hello</b><b>x</b></a>"}};
    vars_["message"] = Map{{"id", "m1"}, {"content", "payload"}, {"headers", Map{{"foo", List{"blue"}}}},
                           {"attributes", Map{}}, {"metadata", Map{}}};
    vars_["subscription"] = Map{{"metadata", Map{{"bar", "blue"}, {"baz", "red"}}}, {"id", "sub-1"}};
    vars_["context"] = Map{{"attributes", Map{{"user", Map{{"email", "ada@example.com"}}},
                                              {"my-attribute", "my-value"},
                                              {"flow1-marker", "done"}}}};
    vars_["api"] = Map{{"properties", Map{{"test", "prop-value"}, {"my-property", "mine"}}}};
    vars_["properties"] = Map{{"my-property", "mine"}};
  }
  Value variable(std::string_view name) const override {
    auto it = vars_.find(name);
    return it == vars_.end() ? Value{} : it->second;
  }

 private:
  Map vars_;
};

std::string eval_template(const std::string& text) {
  auto c = compile_template(text);
  if (c.error) return "SYNTAX: " + c.error->describe();
  auto r = c.template_->render(MapContext{});
  return r.ok() ? to_string(r.value) : "ERROR: " + r.error;
}

struct Case {
  const char* text;
  const char* expected;
};

// Each text is a template; "{...}" parts are expressions. Results are rendered the way Java prints them.
const Case cases[] = {
    // The seeds.
    {"{#message.headers.foo == #subscription.metadata['bar']}", "true"},
    {"{#message.headers.foo == #subscription.metadata['baz']}", "false"},
    // Gravitee's documentation and test definitions.
    {"{#context.attributes['user'].email}", "ada@example.com"},
    {"{({'admin', 'writer'})}", "[admin, writer]"},
    {"{#request.headers['X-Tier'][0] == 'gold'}", "true"},
    {"{#request.headers['x-foo'] == 'bar'}", "true"},
    {"{#request.headers['X-New-Topic'] != null}", "false"},
    {"{#request.headers['content-type'][0]}", "application/json"},
    {"{#request.headers.multi}", "[a, b]"},
    {"{#request.headers.multi[1]}", "b"},
    {"{#request.params['a'][0]}", "1"},
    {"{#request.pathParams['id']}", "42"},
    {"{#request.contextPath eq '/'}", "false"},
    {"{#request.contextPath eq '/test/'}", "true"},
    {"{#request.contextPath}", "/test/"},
    {"{#api.properties['test']}", "prop-value"},
    {"{#properties['my-property']}", "mine"},
    {"{#context.attributes['my-attribute'] == 'my-value'}", "true"},
    {"{#context.attributes['flow1-marker'] == 'done'}", "true"},
    {"{#context.attributes['flow1-marker'] == null}", "false"},
    {"{#response.status == 200}", "false"},
    {"{#response.status >= 500}", "true"},
    {"{#message.content}", "payload"},
    {"{#subscription.id}", "sub-1"},
    {"{#request.id}", "req-1"},
    {"{#jsonPath(#request.content, '$.user.name')}", "ada"},
    {"{#jsonPath(#request.content, '$.user.roles[1]')}", "writer"},
    {"{#jsonPath(#request.content, '$.user.roles[*]')}", "[admin, writer]"},
    {"{#jsonPath(#request.content, \"$['n']\") + 1}", "4"},
    {"{#jsonPath(#request.content, '$.missing')}", ""},
    {"{#xpath(#response.content, '/a/b[1]')}", "hello"},
    {"{#xpath(#response.content, 'count(//b)')}", "2"},
    // Templates mixing text and expressions.
    {"Bearer {#request.id}!", "Bearer req-1!"},
    {"{#request.method} {#request.path}", "GET /products/42"},
    {"no expression here", "no expression here"},
    {"", ""},
    // Operators.
    {"{1 + 2 * 3}", "7"},
    {"{(1 + 2) * 3}", "9"},
    {"{7 / 2}", "3"},
    {"{7.0 / 2}", "3.5"},
    {"{7 % 3}", "1"},
    {"{7 mod 3}", "1"},
    {"{8 div 2}", "4"},
    {"{-3 + 1}", "-2"},
    {"{1 == 1.0}", "true"},
    {"{2 > 1 and 1 > 2}", "false"},
    {"{2 > 1 && 1 > 2 || true}", "true"},
    {"{not (1 lt 2)}", "false"},
    {"{!false}", "true"},
    {"{1 <= 1 and 1 ge 1 and 2 gt 1 and 1 ne 2}", "true"},
    {"{'a' < 'b'}", "true"},
    {"{'x' + 1}", "x1"},
    {"{'it''s'}", "it's"},
    {"{\"double\"}", "double"},
    {"{null}", ""},
    {"{#unknown}", ""},
    {"{#request.method == 'GET' ? 'read' : 'write'}", "read"},
    {"{#request.headers['none'] ?: 'default'}", "default"},
    {"{#request.path ?: 'default'}", "/products/42"},
    {"{#request.headers['none']?.size()}", ""},
    {"{#request.path matches '/products/[0-9]+'}", "true"},
    {"{#request.path matches '/products'}", "false"},
    {"{'abc' matches 'a' + '.*'}", "true"},
    {"{{'a': 1, 'b': 2}['b']}", "2"},
    {"{{}}", "[]"},
    {"{1.5}", "1.5"},
    {"{2.0 * 2}", "4.0"},
    {"{10L}", "10"},
    // String methods.
    {"{#request.path.startsWith('/products')}", "true"},
    {"{#request.path.endsWith('42')}", "true"},
    {"{#request.path.contains('duct')}", "true"},
    {"{#request.path.length()}", "12"},
    {"{''.isEmpty()}", "true"},
    {"{'Abc'.toUpperCase()}", "ABC"},
    {"{'Abc'.toLowerCase()}", "abc"},
    {"{'abcdef'.substring(2)}", "cdef"},
    {"{'abcdef'.substring(1, 3)}", "bc"},
    {"{'abc'.equals('abc')}", "true"},
    {"{'ABC'.equalsIgnoreCase('abc')}", "true"},
    {"{'  x  '.trim()}", "x"},
    {"{'a,b,,c'.split(',')}", "[a, b, , c]"},
    {"{'a,b,c'.split(',')[2]}", "c"},
    {"{'a b'.replace(' ', '-')}", "a-b"},
    {"{'abc'.indexOf('c')}", "2"},
    {"{'abc'.matches('a.c')}", "true"},
    {"{'abc'.charAt(1)}", "b"},
    {"{'abc'[0]}", "a"},
    // Lists and maps.
    {"{#request.headers['multi'].size()}", "2"},
    {"{#request.headers['multi'].contains('b')}", "true"},
    {"{#request.headers.containsKey('multi')}", "true"},
    {"{#subscription.metadata.size()}", "2"},
    {"{#subscription.metadata.get('bar')}", "blue"},
    {"{#subscription.metadata}", "{bar=blue, baz=red}"},
    // Runtime errors are values, with the column of the failing node.
    {"{#request.headers['none'][0]}", "ERROR: cannot index into null at column 26"},
    {"{#request.nothing.more}", "ERROR: cannot read property 'more' of null at column 19"},
    {"{1 / 0}", "ERROR: division by zero at column 4"},
    {"{'abc'.substring(5)}", "ERROR: substring(5, 3) out of range for length 3 at column 8"},
    {"{'abc'.nope()}", "ERROR: unknown method 'nope' on a string at column 8"},
    {"{#request.headers.multi[5]}", "ERROR: index 5 out of range for a list of 2 at column 24"},
    {"{'a' < 1}", "ERROR: cannot compare a string with a number at column 6"},
    {"{true + 1}", "ERROR: arithmetic on a boolean and a number at column 7"},
    {"{#jsonPath('not json', '$.a')}", "ERROR: invalid JSON: syntax error at column 2"},
    {"{9223372036854775807 + 1}", "ERROR: integer overflow at column 22"},
    // Found by the fuzzer (tests/fuzz): an index beyond int64 in a JSON path.
    {"{#jsonPath('{\"b\":[1]}', '$.b[155555555555555555555]')}",
     "ERROR: JSON path: index out of range [155555555555555555555] at column 2"},
    // Syntax errors: the column is in the whole text.
    {"{#request.headers['x'}", "SYNTAX: syntax error at column 22: expected ']' but found the end of the expression"},
    {"abc {#request.}", "SYNTAX: syntax error at column 15: expected a property or method name after '.'"},
    {"{#request.id", "SYNTAX: syntax error at column 1: '{' without a closing '}'"},
    {"{}", "{}"},
    {"{ }", "{ }"},
    {"{\"a\": 1, \"id\": \"{#request.id}\"}", "{\"a\": 1, \"id\": \"req-1\"}"},
    {"[{\"a\": {\"b\": 2}}]", "[{\"a\": {\"b\": 2}}]"},
    {"{\"open", "{\"open"},
    {"{#}", "SYNTAX: syntax error at column 2: expected a variable name after '#'"},
    {"{1 +}", "SYNTAX: syntax error at column 5: unexpected end of the expression"},
    {"{'abc}", "SYNTAX: syntax error at column 1: '{' without a closing '}'"},
    {"{request.id}", "SYNTAX: syntax error at column 2: unexpected 'request' (variables start with '#', strings are quoted)"},
    {"{#nope('x')}", "SYNTAX: syntax error at column 2: unknown function '#nope' (known: jsonPath, xpath)"},
    {"{'a' matches '('}", "SYNTAX: syntax error at column 14: invalid regular expression: missing ): ("},
    {"{1 @ 2}", "SYNTAX: syntax error at column 4: unexpected character '@'"},
    {"{1 2}", "SYNTAX: syntax error at column 4: unexpected '2'"},
    {"{#a ? 1}", "SYNTAX: syntax error at column 8: expected ':' but found the end of the expression"},
};

TEST(ExpressionLanguage, TableOfExpressionsAndResults) {
  for (const auto& c : cases) EXPECT_EQ(eval_template(c.text), c.expected) << "template: " << c.text;
}

TEST(ExpressionLanguage, ConditionsAcceptBracedAndBareForms) {
  MapContext ctx;
  for (const char* text : {"{#request.method == 'GET'}", "#request.method == 'GET'", "  {#request.method == 'GET'}  ",
                           "{#request.headers['X-Tier'][0] == 'gold'}"}) {
    auto c = compile_condition(text);
    ASSERT_FALSE(c.error) << text << ": " << c.error->describe();
    auto r = c.expression->evaluate(ctx);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_TRUE(is_true(r.value)) << text;
  }
  auto bad = compile_condition("  {#request.method ==}");
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->describe(), "syntax error at column 22: unexpected end of the expression");
}

TEST(ExpressionLanguage, TypedValueOfASingleExpressionTemplate) {
  auto t = compile_template("{#request.headers['multi']}").template_;
  auto r = t->evaluate(MapContext{});
  ASSERT_TRUE(r.value.is_list());
  EXPECT_EQ(r.value.as_list().size(), 2u);
  EXPECT_TRUE(compile_template("text only").template_->constant());
  EXPECT_FALSE(compile_template("a {#request.id}").template_->constant());
}

TEST(ExpressionLanguage, SyntaxErrorsBecomeDiagnosticsAtTheFieldPath) {
  Diagnostics diag;
  EXPECT_FALSE(compile_condition("{#request.headers['x'][0] = 'y'}", "$.flows[0].request[0].condition", diag));
  ASSERT_EQ(diag.problems().size(), 1u);
  EXPECT_EQ(diag.problems()[0].path, "$.flows[0].request[0].condition");
  EXPECT_EQ(diag.problems()[0].message,
            "invalid expression '{#request.headers['x'][0] = 'y'}': syntax error at column 27: unexpected character '='");
}

TEST(ExpressionLanguage, NestingIsBounded) {
  std::string deep(max_depth + 5, '(');
  deep += "1" + std::string(max_depth + 5, ')');
  auto c = compile_expression(deep);
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->message, "expression nested too deeply (limit 100)");

  std::string chain = "1";
  for (int i = 0; i < 200; ++i) chain += " + 1";
  ASSERT_TRUE(compile_expression(chain).error);

  std::string long_text(max_expression_length + 1, ' ');
  long_text[0] = '1';
  auto too_long = compile_expression(long_text);
  ASSERT_TRUE(too_long.error);
  EXPECT_EQ(too_long.error->message, "expression longer than 16384 characters");

  std::string ok = "1";
  for (int i = 0; i < 50; ++i) ok += " + 1";
  auto fine = compile_expression(ok);
  ASSERT_FALSE(fine.error);
  EXPECT_EQ(to_string(fine.expression->evaluate(EmptyContext{}).value), "51");
}

}  // namespace
}  // namespace gantry::el
