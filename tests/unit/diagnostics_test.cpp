// Diagnostics, did-you-mean, JSON paths, JSON text parsing with positions, and the ObjectReader.
#include "core/json/diagnostics.hpp"
#include "core/json/object_reader.hpp"
#include "core/json/parse_text.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace gantry {
namespace {

std::vector<std::string> lines(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& p : diag.problems())
    out.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

TEST(Diagnostics, CountsErrorsButNotWarnings) {
  Diagnostics d;
  d.warning("$.a", "w");
  EXPECT_FALSE(d.has_errors());
  d.error("$.b", "e");
  EXPECT_TRUE(d.has_errors());
  EXPECT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.problems().size(), 2u);
}

TEST(DidYouMean, FindsCloseNames) {
  const std::vector<std::string> known = {"http-get", "http-post", "sse", "websocket", "webhook"};
  EXPECT_EQ(did_you_mean("sse2", known), "sse");
  EXPECT_EQ(did_you_mean("webhok", known), "webhook");
  EXPECT_EQ(did_you_mean("HTTP-GET", known), "http-get");
  EXPECT_EQ(did_you_mean("kafka", known), "");
  const std::vector<std::string> proxy = {"http-proxy"};
  EXPECT_EQ(did_you_mean("http-post", proxy), "");  // a different plugin, not a typo
  EXPECT_EQ(did_you_mean("htp-prxy", proxy), "http-proxy");
  const std::vector<std::string> fields = {"flows", "listeners", "endpointGroups"};
  EXPECT_EQ(did_you_mean("flws", fields), "flows");
  EXPECT_EQ(did_you_mean("endpointGroup", fields), "endpointGroups");
  EXPECT_EQ(did_you_mean("lsitener", fields), "listeners");
  EXPECT_EQ(did_you_mean("xyz", fields), "");
}

TEST(DidYouMean, SwappedLettersCountAsOneTypo) {
  const std::vector<std::string> known = {"kafka", "mqtt5"};
  EXPECT_EQ(did_you_mean("kafak", known), "kafka");
}

TEST(UnknownNameMessage, MatchesTheContract) {
  const std::vector<std::string> known = {"http-get", "http-post", "sse", "websocket", "webhook"};
  EXPECT_EQ(unknown_name_message("entrypoint type", "sse2", known),
            "unknown entrypoint type 'sse2' (did you mean 'sse'? known: http-get, http-post, sse, websocket, webhook)");
  EXPECT_EQ(unknown_name_message("entrypoint type", "grpc", known),
            "unknown entrypoint type 'grpc' (known: http-get, http-post, sse, websocket, webhook)");
  EXPECT_EQ(unknown_name_message("policy", "rate-limit", {}), "unknown policy 'rate-limit' (known: none)");
}

TEST(Paths, FieldsAndIndexes) {
  EXPECT_EQ(path_field("$", "listeners"), "$.listeners");
  EXPECT_EQ(path_index("$.listeners", 3), "$.listeners[3]");
  EXPECT_EQ(path_field("$.flows[0].selectors[1]", "channel-operator"), "$.flows[0].selectors[1].channel-operator");
  EXPECT_EQ(path_field("$.responseTemplates.DEFAULT", "*/*"), "$.responseTemplates.DEFAULT['*/*']");
  EXPECT_EQ(path_field("$.h", "it's"), "$.h['it\\'s']");
}

TEST(ParseJsonText, ReportsLineAndColumnOfTheFirstBadCharacter) {
  Diagnostics d;
  EXPECT_FALSE(parse_json_text("{\n  \"a\": 1,\n  \"b\": tru\n}", d));
  EXPECT_EQ(lines(d), std::vector<std::string>{"$: malformed JSON at line 3, column 8: syntax error"});
}

TEST(ParseJsonText, TruncatedAndTrailing) {
  Diagnostics d1;
  EXPECT_FALSE(parse_json_text("{\"a\": [1, 2", d1));
  EXPECT_EQ(lines(d1), std::vector<std::string>{"$: malformed JSON at line 1, column 12: incomplete JSON"});
  Diagnostics d2;
  EXPECT_FALSE(parse_json_text("{}\n{}", d2));
  EXPECT_EQ(lines(d2), std::vector<std::string>{"$: malformed JSON at line 2, column 1: extra data"});
  Diagnostics d3;
  EXPECT_FALSE(parse_json_text("", d3));
  EXPECT_EQ(lines(d3), std::vector<std::string>{"$: malformed JSON at line 1, column 1: incomplete JSON"});
}

TEST(ParseJsonText, ColumnsCountCharactersNotBytes) {
  Diagnostics d;
  EXPECT_FALSE(parse_json_text("{\"é\": x}", d));
  EXPECT_EQ(lines(d), std::vector<std::string>{"$: malformed JSON at line 1, column 7: syntax error"});
}

TEST(ParseJsonText, AcceptsDeepNesting) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  Diagnostics d;
  EXPECT_TRUE(parse_json_text(deep, d));
  EXPECT_FALSE(d.has_errors());
}

TEST(ObjectReader, ReadsTypedFields) {
  auto v = boost::json::parse(R"({"s": "x", "b": true, "i": 3, "d": 4.0, "l": ["a", "b"], "n": null})");
  Diagnostics d;
  {
    ObjectReader r(v, "$", d);
    EXPECT_EQ(r.string("s"), "x");
    EXPECT_EQ(r.boolean("b"), true);
    EXPECT_EQ(r.integer("i"), 3);
    EXPECT_EQ(r.integer("d"), 4);
    EXPECT_EQ(r.strings("l"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(r.string("n"), std::nullopt);  // null reads as absent
    EXPECT_EQ(r.get("missing"), nullptr);
  }
  EXPECT_TRUE(d.problems().empty());
}

// Jackson, which reads Gravitee's definitions, takes "2000" for 2000; Gravitee's own test definitions rely on it.
TEST(ObjectReader, IntegersWrittenAsStringsAreAccepted) {
  auto v = boost::json::parse(R"({"i": "2000", "n": "-5", "e": "", "x": "20 00"})");
  Diagnostics d;
  {
    ObjectReader r(v, "$.x", d);
    EXPECT_EQ(r.integer("i"), 2000);
    EXPECT_EQ(r.integer("n"), -5);
    EXPECT_EQ(r.integer("e"), std::nullopt);
    EXPECT_EQ(r.integer("x"), std::nullopt);
  }
  EXPECT_EQ(lines(d), (std::vector<std::string>{"$.x.e: expected an integer", "$.x.x: expected an integer"}));
}

TEST(ObjectReader, ReportsWrongTypesAtTheFieldPath) {
  auto v = boost::json::parse(R"({"s": 1, "b": "yes", "i": "3x", "f": 1.5, "o": [], "a": {}, "l": ["a", 2]})");
  Diagnostics d;
  {
    ObjectReader r(v, "$.x", d);
    r.string("s");
    r.boolean("b");
    r.integer("i");
    r.integer("f");
    r.object("o");
    r.array("a");
    r.strings("l");
  }
  EXPECT_EQ(lines(d), (std::vector<std::string>{
                          "$.x.s: expected a string", "$.x.b: expected a boolean", "$.x.i: expected an integer",
                          "$.x.f: expected an integer", "$.x.o: expected an object", "$.x.a: expected an array",
                          "$.x.l[1]: expected a string"}));
}

TEST(ObjectReader, MissingRequiredFieldIsReportedAtTheParent) {
  auto v = boost::json::parse(R"({"other": 1})");
  Diagnostics d;
  {
    ObjectReader r(v, "$.plans[0]", d);
    r.string("name", true);
    r.accept({"other"});
  }
  EXPECT_EQ(lines(d), std::vector<std::string>{"$.plans[0]: missing required field 'name'"});
}

TEST(ObjectReader, UnknownFieldsAreWarningsWithSuggestions) {
  auto v = boost::json::parse(R"({"flws": [], "zzz": 1, "name": "x"})");
  Diagnostics d;
  {
    ObjectReader r(v, "$", d);
    r.string("name");
    r.array("flows");
  }
  EXPECT_FALSE(d.has_errors());
  EXPECT_EQ(lines(d), (std::vector<std::string>{"$.flws: warning: unknown field 'flws' (did you mean 'flows'?)",
                                                "$.zzz: warning: unknown field 'zzz'"}));
}

TEST(ObjectReader, NonObjectIsOneError) {
  Diagnostics d;
  {
    ObjectReader r(boost::json::value(3), "$.listeners[0]", d);
    EXPECT_FALSE(r.valid());
    EXPECT_EQ(r.string("type", true), std::nullopt);
  }
  EXPECT_EQ(lines(d), std::vector<std::string>{"$.listeners[0]: expected an object"});
}

TEST(ObjectReader, MinimumChecks) {
  auto v = boost::json::parse(R"({"weight": 0})");
  Diagnostics d;
  int weight = 1;
  {
    ObjectReader r(v, "$.e", d);
    r.read("weight", weight, 1);
  }
  EXPECT_EQ(weight, 1);
  EXPECT_EQ(lines(d), std::vector<std::string>{"$.e.weight: must be at least 1 (got 0)"});
}

}  // namespace
}  // namespace gantry
