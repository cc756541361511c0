// Pieces of the management API that need no server: password hashing, Basic credentials, API key generation,
// times, request targets, error bodies, the v2 spellings of definitions.
#include "management/api_error.hpp"
#include "management/api_keys.hpp"
#include "management/credentials.hpp"
#include "management/json_body.hpp"
#include "management/router.hpp"
#include "management/v2_spellings.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <set>

namespace gantry::management {
namespace {

TEST(CredentialsTest, HashesAreSaltedAndVerify) {
  const auto a = Credentials::hash_password("s3cret");
  const auto b = Credentials::hash_password("s3cret");
  EXPECT_NE(a, b);  // a fresh salt each time
  EXPECT_EQ(a.rfind("pbkdf2-sha256$120000$", 0), 0u);
  EXPECT_EQ(a.find("s3cret"), std::string::npos);
  EXPECT_TRUE(Credentials::verify_password("s3cret", a));
  EXPECT_FALSE(Credentials::verify_password("s3cret ", a));
  EXPECT_FALSE(Credentials::verify_password("s3cret", "plain"));
}

TEST(CredentialsTest, GeneratedPasswordsAreLongAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) seen.insert(Credentials::generate_password());
  EXPECT_EQ(seen.size(), 20u);
  for (const auto& p : seen) {
    EXPECT_EQ(p.size(), 24u);
    EXPECT_EQ(p.find_first_of("+/="), std::string::npos);
  }
}

TEST(ApiKeysTest, GeneratedKeysAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(generate_api_key());
  EXPECT_EQ(seen.size(), 100u);
  for (const auto& k : seen) {
    EXPECT_EQ(k.size(), 32u);
    EXPECT_EQ(k.find_first_of("+/="), std::string::npos);
  }
}

TEST(JsonBodyTest, IsoTimesRoundTrip) {
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(parse_iso_time("2023-11-14T22:13:20.123Z"), 1700000000123);
  EXPECT_EQ(parse_iso_time("2023-11-14T22:13:20Z"), 1700000000000);
  EXPECT_EQ(parse_iso_time("2023-11-14T23:13:20.5+01:00"), 1700000000500);
  EXPECT_FALSE(parse_iso_time("2023-11-14"));
  EXPECT_FALSE(parse_iso_time("2023-11-14T22:13:20"));  // no zone: ambiguous
  EXPECT_FALSE(parse_iso_time("yesterday"));
}

TEST(JsonBodyTest, MalformedJsonNamesLineAndColumn) {
  try {
    parse_object_body("{\n  \"a\": }");
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status, 400);
    EXPECT_NE(std::string(e.what()).find("line 2, column 8"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_object_body("[]"), ApiError);
  EXPECT_THROW(parse_object_body("  "), ApiError);
  EXPECT_TRUE(parse_object_body("  ", true).empty());
}

TEST(JsonBodyTest, FieldsOfTheWrongTypeNameTheirPath) {
  auto body = parse_object_body(R"({"name": 3, "validation": "manual", "mode": "SOMETIMES"})");
  try {
    string_field(body, "name");
    FAIL() << "no error";
  } catch (const ApiError& e) {
    ASSERT_EQ(e.details.size(), 1u);
    EXPECT_EQ(e.details[0].location, "$.name");
    EXPECT_EQ(e.details[0].message, "expected a string");
  }
  EXPECT_EQ(enum_field(body, "validation", {"AUTO", "MANUAL"}), "MANUAL");
  try {
    enum_field(body, "mode", {"STANDARD", "PUSH"});
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.details[0].message, "unknown value 'SOMETIMES' (known: STANDARD, PUSH)");
  }
  EXPECT_FALSE(string_field(body, "absent"));
}

TEST(RouterTest, SplitsTargetsIntoDecodedSegmentsAndQuery) {
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;
  split_target("/management/v2//environments/DEFAULT/apis/a%20b/?statuses=A,B&x", segments, query);
  EXPECT_EQ(segments, (std::vector<std::string>{"management", "v2", "environments", "DEFAULT", "apis", "a b"}));
  EXPECT_EQ(query["statuses"], "A,B");
  EXPECT_EQ(query.count("x"), 1u);
}

TEST(ApiErrorTest, BodyHasTheGraviteeV2Shape) {
  auto e = bad_request("bad", "x.y", {{"$.a", "wrong"}});
  EXPECT_EQ(error_body(e),
            R"({"httpStatus":400,"message":"bad","technicalCode":"x.y","details":[{"location":"$.a","message":"wrong"}]})");
  EXPECT_EQ(error_body(not_found("Api", "42")),
            R"({"httpStatus":404,"message":"Api [42] cannot be found.","technicalCode":"api.notFound"})");
}

TEST(V2SpellingsTest, GatewaySpellingsReadAsGraviteesV2Api) {
  auto api = boost::json::parse(R"({"gravitee": "4.0.0", "flowExecution": {"mode": "best-match"},
    "listeners": [{"type": "http", "entrypoints": [{"type": "http-get", "qos": "at-least-once"}]}],
    "endpointGroups": [{"type": "mock", "loadBalancer": {"type": "weighted-round-robin"}}],
    "flows": [{"selectors": [{"type": "channel", "channel-operator": "starts_with", "operation": ["SUBSCRIBE"]},
                             {"type": "http", "path": "/", "pathOperator": "START_WITH"}]}]})")
                 .as_object();
  to_v2_spellings(api);
  EXPECT_FALSE(api.contains("gravitee"));
  EXPECT_EQ(api.at("flowExecution").at("mode"), "BEST_MATCH");
  EXPECT_EQ(api.at("listeners").at(0).at("type"), "HTTP");
  EXPECT_EQ(api.at("listeners").at(0).at("entrypoints").at(0).at("type"), "http-get");  // a plugin id: as is
  EXPECT_EQ(api.at("listeners").at(0).at("entrypoints").at(0).at("qos"), "AT_LEAST_ONCE");
  EXPECT_EQ(api.at("endpointGroups").at(0).at("loadBalancer").at("type"), "WEIGHTED_ROUND_ROBIN");
  const auto& channel = api.at("flows").at(0).at("selectors").at(0).as_object();
  EXPECT_EQ(channel.size(), 3u);
  EXPECT_EQ(channel.at("type"), "CHANNEL");
  EXPECT_EQ(channel.at("channelOperator"), "STARTS_WITH");
  EXPECT_EQ(channel.at("operations"), boost::json::array{"SUBSCRIBE"});
  EXPECT_EQ(api.at("flows").at(0).at("selectors").at(1).at("pathOperator"), "STARTS_WITH");
}

TEST(V2SpellingsTest, V2SpellingsAndOddValuesStayAsTheyAre) {
  const auto text = R"({"listeners":[{"type":"HTTP"},{"type":7},"x"],"flowExecution":"none",)"
                    R"("flows":[{"selectors":[{"type":"HTTP","channelOperator":"EQUALS","channel-operator":"x"}]}]})";
  auto api = boost::json::parse(text).as_object();
  to_v2_spellings(api);
  EXPECT_EQ(boost::json::serialize(api), text);
}

}  // namespace
}  // namespace gantry::management
