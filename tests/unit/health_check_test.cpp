// The http-health-check service: configuration (exact messages), status assertions, the health tracker's
// thresholds, and where a check's request goes.
#include "core/json/diagnostics.hpp"
#include "endpoints/http_proxy/target_url.hpp"
#include "services/http_health_check/assertion.hpp"
#include "services/http_health_check/config.hpp"
#include "services/http_health_check/factory.hpp"
#include "services/http_health_check/health_tracker.hpp"
#include "services/http_health_check/request.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry {
namespace {

using Lines = std::vector<std::string>;

std::vector<std::string> lines(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& p : diag.problems())
    out.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

struct Parsed {
  std::shared_ptr<const HealthCheckConfig> config;
  Diagnostics diag;
};

Parsed parse(std::string_view configuration) {
  Parsed out;
  auto factory = make_http_health_check_factory();
  auto config = factory->parse_config(boost::json::parse(configuration), "$.hc", out.diag);
  out.config = std::static_pointer_cast<const HealthCheckConfig>(config);
  return out;
}

TEST(HealthCheckConfig, Type) { EXPECT_EQ(make_http_health_check_factory()->type(), "http-health-check"); }

TEST(HealthCheckConfig, MinimalConfigurationGetsGraviteeDefaults) {
  auto p = parse(R"({"schedule": "*/1 * * * * *", "target": "/health"})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& c = *p.config;
  EXPECT_EQ(c.schedule.expression(), "*/1 * * * * *");
  EXPECT_EQ(c.target, "/health");
  EXPECT_FALSE(c.absolute_target.has_value());
  EXPECT_EQ(c.method, "GET");
  EXPECT_TRUE(c.override_endpoint_path);
  EXPECT_TRUE(c.headers.empty());
  EXPECT_EQ(c.body, "");
  EXPECT_EQ(c.assertion.op, StatusAssertion::Op::eq);
  EXPECT_EQ(c.assertion.value, 200);
  EXPECT_EQ(c.success_threshold, 2);
  EXPECT_EQ(c.failure_threshold, 2);
}

TEST(HealthCheckConfig, EveryFieldIsRead) {
  auto p = parse(R"({"schedule": "0 */1 * * * *", "method": "POST", "target": "https://status.example.com/ping",
      "overrideEndpointPath": false, "headers": [{"name": "Content-Type", "value": "application/json"}],
      "body": "{}", "assertion": "{#response.status < 500}", "successThreshold": 3, "failureThreshold": 1})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& c = *p.config;
  EXPECT_EQ(c.method, "POST");
  ASSERT_TRUE(c.absolute_target.has_value());
  EXPECT_EQ(c.absolute_target->host, "status.example.com");
  EXPECT_EQ(c.absolute_target->port, 443);
  EXPECT_FALSE(c.override_endpoint_path);
  EXPECT_EQ(c.headers, (http_proxy::Headers{{"Content-Type", "application/json"}}));
  EXPECT_EQ(c.body, "{}");
  EXPECT_EQ(c.assertion.op, StatusAssertion::Op::lt);
  EXPECT_EQ(c.assertion.value, 500);
  EXPECT_EQ(c.success_threshold, 3);
  EXPECT_EQ(c.failure_threshold, 1);
}

TEST(HealthCheckConfig, ScheduleAndTargetAreRequired) {
  EXPECT_EQ(lines(parse("{}").diag), (Lines{
                                         "$.hc: missing required field 'schedule'",
                                         "$.hc: missing required field 'target'",
                                     }));
  EXPECT_EQ(lines(parse("null").diag), Lines{"$.hc: missing required fields 'schedule' and 'target'"});
  EXPECT_EQ(lines(parse("[]").diag), Lines{"$.hc: expected an object"});
}

TEST(HealthCheckConfig, AnInvalidScheduleCarriesTheCronError) {
  auto p = parse(R"({"schedule": "*/5 * *", "target": "/"})");
  EXPECT_EQ(lines(p.diag), Lines{"$.hc.schedule: invalid cron expression '*/5 * *': expected 6 fields (second "
                                 "minute hour day-of-month month day-of-week) or 5 (without seconds), found 3"});
}

TEST(HealthCheckConfig, InvalidTargets) {
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": "ftp://h/x"})").diag),
            Lines{"$.hc.target: invalid target URL 'ftp://h/x': expected an absolute http or https URL"});
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": ""})").diag),
            Lines{"$.hc.target: invalid target '': expected a path such as '/health' or an absolute http or https "
                  "URL"});
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": "/a b"})").diag),
            Lines{"$.hc.target: invalid target '/a b': expected a path such as '/health' or an absolute http or "
                  "https URL"});
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": "/{#properties['p']}"})").diag),
            Lines{"$.hc.target: invalid target '/{#properties['p']}': expressions in the target are not supported "
                  "yet"});
}

TEST(HealthCheckConfig, MethodMustBeKnown) {
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": "/", "method": "GTE"})").diag),
            Lines{"$.hc.method: unknown HTTP method 'GTE' (did you mean 'GET'? known: CONNECT, DELETE, GET, HEAD, "
                  "OPTIONS, PATCH, POST, PUT, TRACE)"});
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": "/", "method": "HEAD"})").diag), Lines{});
}

TEST(HealthCheckConfig, ThresholdsAreAtLeastOne) {
  auto p = parse(R"({"schedule": "@hourly", "target": "/", "successThreshold": 0, "failureThreshold": -1})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.hc.successThreshold: must be at least 1 (got 0)",
                               "$.hc.failureThreshold: must be at least 1 (got -1)",
                           }));
}

TEST(HealthCheckConfig, UnsupportedAssertionsAreRefusedAtDeployTime) {
  auto p = parse(R"({"schedule": "@hourly", "target": "/", "assertion": "{#response.contentJson.status == 'green'}"})");
  EXPECT_EQ(lines(p.diag), Lines{"$.hc.assertion: unsupported assertion '{#response.contentJson.status == 'green'}': "
                                 "only '#response.status <op> <number>' is supported until the expression language "
                                 "lands"});
  EXPECT_EQ(lines(parse(R"({"schedule": "@hourly", "target": "/", "assertion": ""})").diag), Lines{});
}

TEST(HealthCheckConfig, HeadersAndUnknownFields) {
  auto p = parse(R"({"schedule": "@hourly", "target": "/", "headers": [{"name": "Bad Name", "value": "x"}],
                     "shedule": "@daily", "interval": 5})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.hc.headers[0].name: invalid header name 'Bad Name'",
                               "$.hc.shedule: warning: unknown field 'shedule' (did you mean 'schedule'?)",
                               "$.hc.interval: warning: unknown field 'interval'",
                           }));
}

StatusAssertion assertion(std::string_view text) {
  std::string error;
  auto a = StatusAssertion::parse(text, &error);
  EXPECT_TRUE(a.has_value()) << error;
  return a.value_or(StatusAssertion{});
}

TEST(StatusAssertion, DefaultIsStatus200) {
  StatusAssertion a;
  EXPECT_TRUE(a.holds(200));
  EXPECT_FALSE(a.holds(201));
}

TEST(StatusAssertion, EveryOperator) {
  EXPECT_TRUE(assertion("{#response.status == 200}").holds(200));
  EXPECT_FALSE(assertion("{#response.status == 200}").holds(500));
  EXPECT_TRUE(assertion("{#response.status != 503}").holds(200));
  EXPECT_FALSE(assertion("{#response.status != 503}").holds(503));
  EXPECT_TRUE(assertion("{#response.status < 400}").holds(399));
  EXPECT_FALSE(assertion("{#response.status < 400}").holds(400));
  EXPECT_TRUE(assertion("{#response.status <= 400}").holds(400));
  EXPECT_FALSE(assertion("{#response.status <= 400}").holds(401));
  EXPECT_TRUE(assertion("{#response.status > 199}").holds(200));
  EXPECT_FALSE(assertion("{#response.status > 199}").holds(199));
  EXPECT_TRUE(assertion("{#response.status >= 200}").holds(200));
  EXPECT_FALSE(assertion("{#response.status >= 200}").holds(199));
}

TEST(StatusAssertion, BracesAndSpacesAreOptional) {
  auto a = assertion("#response.status==204");
  EXPECT_EQ(a.op, StatusAssertion::Op::eq);
  EXPECT_EQ(a.value, 204);
  auto b = assertion("  { #response.status   >=   500 }  ");
  EXPECT_EQ(b.op, StatusAssertion::Op::ge);
  EXPECT_EQ(b.value, 500);
}

TEST(StatusAssertion, AnythingElseIsRefused) {
  const std::string suffix =
      "': only '#response.status <op> <number>' is supported until the expression language lands";
  for (std::string_view text : {"{#response.status == 200 && #response.status != 0}", "{#response.status = 200}",
                                "{#response.status == '200'}", "{#response.status == 200", "#response.status == 200}",
                                "{#response.status}", "{#response.contentJson.status == 'green'}", "{}",
                                "#request.status == 200", "{#response.status == 2.5}"}) {
    std::string error;
    EXPECT_FALSE(StatusAssertion::parse(text, &error).has_value()) << text;
    EXPECT_EQ(error, "unsupported assertion '" + std::string(text) + suffix);
  }
  EXPECT_FALSE(StatusAssertion::parse("x", nullptr).has_value());
}

TEST(HealthTracker, StartsHealthy) {
  HealthTracker t(2, 3);
  EXPECT_TRUE(t.healthy());
  EXPECT_FALSE(t.record(true));
  EXPECT_TRUE(t.healthy());
}

TEST(HealthTracker, TurnsUnhealthyAfterConsecutiveFailures) {
  HealthTracker t(2, 3);
  EXPECT_FALSE(t.record(false));
  EXPECT_FALSE(t.record(false));
  EXPECT_TRUE(t.healthy());
  EXPECT_TRUE(t.record(false));
  EXPECT_FALSE(t.healthy());
  EXPECT_FALSE(t.record(false));  // already unhealthy: no change
}

TEST(HealthTracker, ASuccessBreaksAFailureStreak) {
  HealthTracker t(2, 3);
  t.record(false);
  t.record(false);
  t.record(true);
  t.record(false);
  t.record(false);
  EXPECT_TRUE(t.healthy());
  EXPECT_TRUE(t.record(false));
  EXPECT_FALSE(t.healthy());
}

TEST(HealthTracker, RecoversAfterConsecutiveSuccesses) {
  HealthTracker t(2, 1);
  EXPECT_TRUE(t.record(false));
  EXPECT_FALSE(t.healthy());
  EXPECT_FALSE(t.record(true));
  EXPECT_FALSE(t.record(false));  // breaks the success streak
  EXPECT_FALSE(t.record(true));
  EXPECT_FALSE(t.healthy());
  EXPECT_TRUE(t.record(true));
  EXPECT_TRUE(t.healthy());
}

TEST(HealthTracker, ThresholdsBelowOneCountAsOne) {
  HealthTracker t(0, 0);
  EXPECT_TRUE(t.record(false));
  EXPECT_FALSE(t.healthy());
  EXPECT_TRUE(t.record(true));
  EXPECT_TRUE(t.healthy());
}

http_proxy::Target endpoint(std::string_view text) {
  std::string error;
  auto t = http_proxy::parse_target(text, &error);
  EXPECT_TRUE(t.has_value()) << error;
  return t.value_or(http_proxy::Target{});
}

HealthCheckRequest request_for(std::string_view configuration, std::string_view endpoint_target) {
  auto p = parse(configuration);
  EXPECT_EQ(lines(p.diag), Lines{});
  return health_check_request(*p.config, endpoint(endpoint_target));
}

TEST(HealthCheckRequest, APathReplacesTheEndpointPathByDefault) {
  auto r = request_for(R"({"schedule": "@hourly", "target": "/health"})", "http://backend:8080/api/v1");
  EXPECT_EQ(r.server.host, "backend");
  EXPECT_EQ(r.server.port, 8080);
  EXPECT_EQ(r.request_target, "/health");
  EXPECT_EQ(request_for(R"({"schedule": "@hourly", "target": "/"})", "http://backend/api").request_target, "/");
}

TEST(HealthCheckRequest, APathIsAppendedWithoutOverride) {
  auto r = request_for(R"({"schedule": "@hourly", "target": "/health", "overrideEndpointPath": false})",
                       "http://backend/api/");
  EXPECT_EQ(r.request_target, "/api/health");
  EXPECT_EQ(request_for(R"({"schedule": "@hourly", "target": "health", "overrideEndpointPath": false})",
                        "http://backend/api")
                .request_target,
            "/api/health");
}

TEST(HealthCheckRequest, QueriesJoinEndpointFirst) {
  auto r = request_for(R"({"schedule": "@hourly", "target": "/health?deep=true", "overrideEndpointPath": false})",
                       "http://backend/api?key=k");
  EXPECT_EQ(r.request_target, "/api/health?key=k&deep=true");
}

TEST(HealthCheckRequest, AnAbsoluteTargetIsUsedAsIs) {
  auto r = request_for(R"({"schedule": "@hourly", "target": "https://status.example.com:8443/ping?x=1",
                           "overrideEndpointPath": false})",
                       "http://backend/api?key=k");
  EXPECT_EQ(r.server.scheme, "https");
  EXPECT_EQ(r.server.host, "status.example.com");
  EXPECT_EQ(r.server.port, 8443);
  EXPECT_EQ(r.request_target, "/ping?x=1");
  EXPECT_EQ(request_for(R"({"schedule": "@hourly", "target": "http://h"})", "http://backend/api").request_target, "/");
}

}  // namespace
}  // namespace gantry
