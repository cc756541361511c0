// The body and backend-call policies of proxy APIs (assign-content, json-to-xml, xml-to-json, url-rewriting,
// retry, cache): their configuration errors with exact messages, the conversions, and the response cache store.
#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "policies/cache/cache.hpp"
#include "policies/cache/response_cache.hpp"
#include "policies/json_to_xml/json_to_xml.hpp"
#include "policies/retry/retry.hpp"
#include "policies/url_rewriting/url_rewriting.hpp"
#include "policies/xml_to_json/xml_to_json.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace gantry {
namespace {

struct Parsed {
  PluginConfigPtr config;
  std::vector<std::string> problems;
};

Parsed parse(std::string_view policy, std::string_view json) {
  static const auto registry = [] {
    auto r = std::make_unique<Registry>();
    register_builtins(*r);
    return r;
  }();
  Diagnostics diag;
  const auto* factory = registry->policy(policy);
  EXPECT_TRUE(factory) << policy;
  Parsed out;
  if (!factory) return out;
  out.config = factory->parse_config(boost::json::parse(json), "$.c", diag);
  for (const auto& p : diag.problems())
    out.problems.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

using Lines = std::vector<std::string>;

TEST(ContentPolicies, RegisteredWithTheirPhases) {
  Registry r;
  register_builtins(r);
  for (auto name : {"policy-assign-content", "assign-content", "json-xml", "json-to-xml", "xml-json", "xml-to-json"})
    EXPECT_EQ(r.policy(name)->phases(), unsigned(phase_request | phase_response | phase_publish | phase_subscribe))
        << name;
  EXPECT_EQ(r.policy("url-rewriting")->phases(), unsigned(phase_response));
  EXPECT_EQ(r.policy("retry")->phases(), unsigned(phase_request));
  EXPECT_EQ(r.policy("cache")->phases(), unsigned(phase_request));
}

TEST(ContentPolicies, AssignContentConfig) {
  auto ok = parse("policy-assign-content", R"({"scope": "REQUEST", "body": "{\"m\": \"{#request.method}\"}"})");
  EXPECT_EQ(ok.problems, Lines{});
  ASSERT_TRUE(ok.config);
  EXPECT_TRUE(std::dynamic_pointer_cast<const Policy>(ok.config)->needs_content());
  EXPECT_EQ(parse("assign-content", R"({"scope": "RESPONSE"})").problems, Lines{"$.c: missing required field 'body'"});
  EXPECT_EQ(parse("assign-content", R"({"body": 3})").problems, Lines{"$.c.body: expected a string"});
  EXPECT_EQ(parse("assign-content", R"({"body": "x {#request.content.}"})").problems,
            Lines{"$.c.body: invalid expression 'x {#request.content.}': syntax error at column 21: expected a "
                  "property or method name after '.'"});
}

TEST(ContentPolicies, JsonToXmlConfigAndConversion) {
  EXPECT_EQ(parse("json-xml", R"({"scope": "RESPONSE", "rootElement": "ns:doc"})").problems, Lines{});
  EXPECT_EQ(parse("json-to-xml", R"({"rootElement": "1st"})").problems,
            Lines{"$.c.rootElement: not a valid XML element name: '1st'"});
  EXPECT_EQ(parse("json-xml", R"({"rootElement": "a b", "extra": true})").problems,
            (Lines{"$.c.rootElement: not a valid XML element name: 'a b'", "$.c.extra: warning: unknown field 'extra'"}));

  std::string error;
  EXPECT_EQ(json_to_xml(R"({"a": 1, "b": [true, "x<y"], "c": {"content": "t", "d": null}, "e": "", "f": 2.5})",
                        "root", error),
            "<root><a>1</a><b>true</b><b>x&lt;y</b><c>t<d>null</d></c><e/><f>2.5</f></root>");
  EXPECT_EQ(json_to_xml("[1]", "root", error), std::nullopt);
  EXPECT_EQ(error, "expected a JSON object");
  EXPECT_EQ(json_to_xml("{\"a\":", "root", error), std::nullopt);
  EXPECT_FALSE(error.empty());
}

TEST(ContentPolicies, XmlToJsonConversion) {
  EXPECT_EQ(parse("xml-json", R"({"scope": "REQUEST"})").problems, Lines{});
  std::string error;
  EXPECT_EQ(xml_to_json(R"(<?xml version="1.0"?><order id="7"><item>a</item><item>b</item>)"
                        R"(<qty>007</qty><price>1.5</price><paid>true</paid><note/><t lang="en">hi</t></order>)",
                        error),
            R"({"order":{"id":7,"item":["a","b"],"qty":"007","price":1.5,"paid":true,"note":"",)"
            R"("t":{"lang":"en","content":"hi"}}})");
  EXPECT_EQ(xml_to_json("<a><b></a>", error), std::nullopt);
  EXPECT_EQ(error, "Start-end tags mismatch at offset 8");
  std::string deep;
  for (int i = 0; i <= xml_to_json_max_depth; ++i) deep += "<x>";
  for (int i = 0; i <= xml_to_json_max_depth; ++i) deep += "</x>";
  EXPECT_EQ(xml_to_json(deep, error), std::nullopt);
  EXPECT_EQ(error, "the document is nested deeper than 100 elements");
}

TEST(ContentPolicies, UrlRewritingConfig) {
  auto ok = parse("url-rewriting", R"({"rewriteResponseHeaders": true, "rewriteResponseBody": false,
      "fromRegex": "https?://(?<host>[^/]+)/api", "toReplacement": "https://gw/{#groupName['host']}"})");
  EXPECT_EQ(ok.problems, Lines{});
  auto policy = std::static_pointer_cast<const UrlRewriting>(ok.config);
  EXPECT_FALSE(policy->needs_content());
  EXPECT_EQ(parse("url-rewriting", R"({"fromRegex": "(", "toReplacement": "{#group[}"})").problems,
            (Lines{"$.c.fromRegex: invalid regular expression: missing ): (",
                   "$.c.toReplacement: invalid expression '{#group[}': syntax error at column 9: unexpected end of "
                   "the expression"}));
  EXPECT_EQ(parse("url-rewriting", R"({"toReplacement": "x"})").problems,
            Lines{"$.c: missing required field 'fromRegex'"});
  EXPECT_EQ(parse("url-rewriting", R"({"fromRegex": "", "toReplacement": "x"})").problems,
            Lines{"$.c.fromRegex: the pattern cannot be empty"});
}

TEST(ContentPolicies, UrlRewritingReplacesEveryMatchWithGroups) {
  auto parsed = parse("url-rewriting", R"({"fromRegex": "http://(?<host>backend):(\\d+)/",
      "toReplacement": "https://gw.example/{#groupName['host']}-{#group[1]}/"})");
  ASSERT_EQ(parsed.problems, Lines{});
  auto policy = std::static_pointer_cast<const UrlRewriting>(parsed.config);
  el::EmptyContext ctx;
  std::string error;
  EXPECT_EQ(policy->rewrite("see http://backend:8080/a and http://backend:9/b, not http://other:1/", ctx, error),
            "see https://gw.example/backend-8080/a and https://gw.example/backend-9/b, not http://other:1/");
  EXPECT_EQ(policy->rewrite("", ctx, error), "");
  EXPECT_EQ(to_re2_syntax(R"((?<a>x)(?<=y)(?<!z)\(?<b)"), R"((?P<a>x)(?<=y)(?<!z)\(?<b)");
}

TEST(ContentPolicies, RetryConfig) {
  auto ok = parse("retry", R"({"condition": "{#response.status >= 500}", "maxRetries": 3, "delay": 10,
      "timeout": 500, "lastResponse": true})");
  EXPECT_EQ(ok.problems, Lines{});
  auto retry = std::static_pointer_cast<const Retry>(ok.config);
  EXPECT_EQ(retry->settings.max_retries, 3);
  EXPECT_EQ(retry->settings.delay.count(), 10);
  EXPECT_EQ(retry->settings.timeout.count(), 500);
  EXPECT_TRUE(retry->settings.last_response);
  auto defaults = std::static_pointer_cast<const Retry>(parse("retry", R"({"condition": "{false}", "maxRetries": 0,
      "timeout": 0})").config);
  EXPECT_EQ(defaults->settings.max_retries, 1);
  EXPECT_EQ(defaults->settings.timeout.count(), 1000);
  EXPECT_EQ(parse("retry", R"({"maxRetries": -1, "delay": -5})").problems,
            (Lines{"$.c: missing required field 'condition'", "$.c.maxRetries: must be at least 0 (got -1)",
                   "$.c.delay: must be at least 0 (got -5)"}));
  EXPECT_EQ(parse("retry", R"({"condition": "{#response.status >}", "maxRetries": 101})").problems,
            (Lines{"$.c.condition: invalid expression '{#response.status >}': syntax error at column 20: "
                   "unexpected end of the expression",
                   "$.c.maxRetries: must be at most 100 (got 101)"}));
}

TEST(ContentPolicies, CacheConfig) {
  auto ok = parse("cache", R"({"cacheName": "my-cache", "key": "{#request.params['id']}", "timeToLiveSeconds": 60,
      "useResponseCacheHeaders": true, "scope": "API", "methods": ["get", "POST"],
      "responseCondition": "{#upstreamResponse.status == 200}", "serializationMode": "text"})");
  EXPECT_EQ(ok.problems, Lines{});
  auto cache = std::static_pointer_cast<const Cache>(ok.config);
  EXPECT_EQ(cache->methods, (Lines{"GET", "POST"}));
  EXPECT_EQ(cache->ttl.count(), 60);
  EXPECT_EQ(parse("cache", R"({"timeToLiveSeconds": 0, "scope": "USER", "key": "{#request.id"})").problems,
            (Lines{"$.c: missing required field 'cacheName'",
                   "$.c.key: invalid expression '{#request.id': syntax error at column 1: '{' without a closing '}'",
                   "$.c.timeToLiveSeconds: must be at least 1 (got 0)",
                   "$.c.scope: expected API or APPLICATION (got 'USER')"}));
  EXPECT_EQ(ttl_from_cache_control("public, max-age=30"), 30);
  EXPECT_EQ(ttl_from_cache_control("max-age=30, s-maxage=5"), 5);
  EXPECT_EQ(ttl_from_cache_control("no-store"), -1);
}

TEST(ResponseCacheStore, ExpiresEvictsAndDrops) {
  ResponseCache cache;
  ResponseCache::Limits limits;
  limits.max_entries = 2;
  const auto t0 = ResponseCache::Clock::now();
  auto response = [](std::string body) { return CachedResponse{200, {{"Content-Type", "text/plain"}}, body}; };
  cache.put("api\nc", limits, "a", response("A"), std::chrono::seconds(10), t0);
  cache.put("api\nc", limits, "b", response("B"), std::chrono::seconds(1), t0);
  EXPECT_EQ(cache.get("api\nc", "a", t0)->body, "A");  // a is now the most recent
  cache.put("api\nc", limits, "c", response("C"), std::chrono::seconds(10), t0);
  EXPECT_FALSE(cache.get("api\nc", "b", t0));  // least recently used went out
  EXPECT_EQ(cache.get("api\nc", "c", t0)->body, "C");
  EXPECT_FALSE(cache.get("api\nc", "a", t0 + std::chrono::seconds(11)));  // expired
  limits.ttl = std::chrono::seconds(2);  // the resource's time to live caps the policy's
  cache.put("api\nc", limits, "d", response("D"), std::chrono::seconds(10), t0);
  EXPECT_FALSE(cache.get("api\nc", "d", t0 + std::chrono::seconds(3)));
  cache.put("api\nc", limits, "z", response("Z"), std::chrono::seconds(0), t0);  // max-age=0: not stored
  EXPECT_FALSE(cache.get("api\nc", "z", t0));
  limits.max_bytes = 3;
  cache.put("api\nc", limits, "e", response("too large"), std::chrono::seconds(10), t0);
  EXPECT_FALSE(cache.get("api\nc", "e", t0));
  cache.drop("api\n");
  EXPECT_FALSE(cache.get("api\nc", "c", t0));
}

}  // namespace
}  // namespace gantry
