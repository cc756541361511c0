// Gateway message parts <-> MQTT 5 messages: headers as user properties, metadata as MQTT 5 properties, the topic
// attribute override, and the refusals a publish reports.
#include "endpoints/mqtt5/mapping.hpp"

#include <gtest/gtest.h>

namespace gantry::mqtt5 {
namespace {

ProducerOptions producer() {
  ProducerOptions p;
  p.enabled = true;
  p.topic = "orders/new";
  p.retained = true;
  p.response_topic = "orders/replies";
  p.message_expiry_interval = 60;
  return p;
}

TEST(Mqtt5Mapping, HeadersBecomeUserPropertiesAndConfigDefaultsApply) {
  std::string error;
  auto m = to_outgoing(producer(), 1, "body", {{"x-a", "1"}, {"x-a", "2"}}, {}, {}, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->topic, "orders/new");
  EXPECT_EQ(m->payload, "body");
  EXPECT_EQ(m->qos, 1);
  EXPECT_TRUE(m->retain);
  EXPECT_EQ(m->properties.user, (UserProperties{{"x-a", "1"}, {"x-a", "2"}}));
  EXPECT_EQ(m->properties.response_topic, "orders/replies");
  EXPECT_EQ(m->properties.message_expiry_interval, 60);
  EXPECT_EQ(m->properties.content_type, "");
}

TEST(Mqtt5Mapping, MetadataAndTheTopicAttributeOverride) {
  std::string error;
  auto m = to_outgoing(producer(), 0, "b", {},
                       {{"contentType", "application/json"}, {"correlationData", "c-1"}, {"responseTopic", "r/x"},
                        {"messageExpiryInterval", "5"}},
                       {{"gravitee.attribute.mqtt5.topic", "orders/vip"}}, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->topic, "orders/vip");
  EXPECT_EQ(m->properties.content_type, "application/json");
  EXPECT_EQ(m->properties.correlation_data, "c-1");
  EXPECT_EQ(m->properties.response_topic, "r/x");
  EXPECT_EQ(m->properties.message_expiry_interval, 5);
}

TEST(Mqtt5Mapping, PublishRefusalsSayWhy) {
  std::string error;
  ProducerOptions no_topic;
  EXPECT_FALSE(to_outgoing(no_topic, 0, "", {}, {}, {}, error));
  EXPECT_EQ(error, "no topic to publish to: set producer.topic or the attribute gravitee.attribute.mqtt5.topic");
  EXPECT_FALSE(to_outgoing(producer(), 0, "", {}, {}, {{"gravitee.attribute.mqtt5.topic", "a/#"}}, error));
  EXPECT_EQ(error, "'a/#' is not a topic name: the wildcards + and # are only allowed when subscribing");
  EXPECT_FALSE(to_outgoing(producer(), 0, "", {}, {{"messageExpiryInterval", "soon"}}, {}, error));
  EXPECT_EQ(error, "metadata messageExpiryInterval 'soon' is not a number of seconds");
}

TEST(Mqtt5Mapping, ReceivedMessagesBecomeHeadersAndMetadata) {
  ReceivedMessage r;
  r.topic = "sensors/1/t";
  r.payload = "21.5";
  r.qos = 1;
  r.retained = true;
  r.properties.user = {{"unit", "C"}};
  r.properties.content_type = "text/plain";
  r.properties.correlation_data = "q";
  r.properties.response_topic = "back";
  r.properties.message_expiry_interval = 30;
  auto parts = from_received(std::move(r));
  EXPECT_EQ(parts.content, "21.5");
  EXPECT_EQ(parts.headers, (Fields{{"unit", "C"}}));
  EXPECT_EQ(parts.metadata, (Fields{{"topic", "sensors/1/t"}, {"qos", "1"}, {"retained", "true"},
                                    {"contentType", "text/plain"}, {"correlationData", "q"}, {"responseTopic", "back"},
                                    {"messageExpiryInterval", "30"}}));
  ReceivedMessage bare;
  bare.topic = "t";
  EXPECT_EQ(from_received(std::move(bare)).metadata, (Fields{{"topic", "t"}, {"qos", "0"}, {"retained", "false"}}));
}

}  // namespace
}  // namespace gantry::mqtt5
