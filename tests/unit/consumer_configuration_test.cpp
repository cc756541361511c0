// A create-subscription body's consumerConfiguration: required and validated for an API with a webhook
// entrypoint, stored as sent otherwise.
#include "management/api_error.hpp"
#include "management/consumer_configuration.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry::management {
namespace {

namespace json = boost::json;

const std::string kWebhookApi = R"({"type":"MESSAGE","listeners":[{"type":"SUBSCRIPTION",
  "entrypoints":[{"type":"webhook","configuration":{}}]}]})";
const std::string kSseApi = R"({"type":"MESSAGE","listeners":[{"type":"HTTP",
  "entrypoints":[{"type":"sse"}]}]})";

std::string error_of(std::string_view body, const std::string& api) {
  try {
    consumer_configuration(json::parse(body).as_object(), api);
  } catch (const ApiError& e) {
    return error_body(e);
  }
  return "no error";
}

TEST(ConsumerConfigurationTest, AValidWebhookConfigurationIsStoredAsSent) {
  const auto body = json::parse(R"({"consumerConfiguration":{"entrypointId":"webhook",
    "entrypointConfiguration":{"callbackUrl":"http://127.0.0.1:1/hook"}}})").as_object();
  EXPECT_EQ(consumer_configuration(body, kWebhookApi),
            R"({"entrypointId":"webhook","entrypointConfiguration":{"callbackUrl":"http://127.0.0.1:1/hook"}})");
}

TEST(ConsumerConfigurationTest, OtherApisNeedNoneAndKeepWhatIsSent) {
  EXPECT_EQ(consumer_configuration(json::object{}, kSseApi), "{}");
  EXPECT_EQ(consumer_configuration(json::parse(R"({"consumerConfiguration":{"a":1}})").as_object(), kSseApi),
            R"({"a":1})");
}

std::string invalid_body(std::string_view details) {
  return R"({"httpStatus":400,"message":"Invalid request body","technicalCode":"request.body.invalid","details":)" +
         std::string(details) + "}";
}

TEST(ConsumerConfigurationTest, AWebhookApiRequiresACallback) {
  EXPECT_EQ(error_of("{}", kWebhookApi),
            invalid_body(R"j([{"location":"$","message":"missing required field 'consumerConfiguration' (the API delivers by webhook)"}])j"));
  EXPECT_EQ(error_of(R"({"consumerConfiguration":{}})", kWebhookApi),
            invalid_body(R"j([{"location":"$.consumerConfiguration","message":"missing required field 'entrypointConfiguration'"}])j"));
}

TEST(ConsumerConfigurationTest, EveryWebhookProblemIsADetailWithItsPath) {
  EXPECT_EQ(
      error_of(R"({"consumerConfiguration":{"entrypointConfiguration":{"callbackUrl":"ftp://x/",
                 "retry":{"retryStrategy":"RANDOM"}}}})",
               kWebhookApi),
      invalid_body(
          R"j([{"location":"$.consumerConfiguration.entrypointConfiguration.callbackUrl",)j"
          R"j("message":"expected an http:// or https:// URL (got 'ftp://x/')"},)j"
          R"j({"location":"$.consumerConfiguration.entrypointConfiguration.retry.retryStrategy",)j"
          R"j("message":"unknown retryStrategy 'RANDOM' (expected LINEAR or EXPONENTIAL)"}])j"));
}

}  // namespace
}  // namespace gantry::management
