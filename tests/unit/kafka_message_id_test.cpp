// Kafka message ids / resume positions: Gravitee's "topic@partition#offset" forms, plain and base64, and the
// refusal of anything else.
#include "endpoints/kafka/message_id.hpp"

#include <gtest/gtest.h>

namespace gantry::kafka {
namespace {

Position make(std::initializer_list<std::tuple<std::string, std::int32_t, std::int64_t>> entries) {
  Position p;
  for (const auto& [t, part, off] : entries) p.advance(t, part, off);
  return p;
}

TEST(KafkaMessageId, OnePartition) {
  auto p = make({{"orders", 0, 41}});
  EXPECT_EQ(format_message_id(p, false), "orders@0#41");
  EXPECT_EQ(parse_message_id("orders@0#41"), p);
}

TEST(KafkaMessageId, PartitionsCommaJoinedTopicsSemicolonJoined) {
  auto p = make({{"orders", 1, 17}, {"orders", 0, 41}, {"audit", 2, 9}, {"audit", 0, -1}});
  EXPECT_EQ(format_message_id(p, false), "audit@0#-1,2#9;orders@0#41,1#17");
  EXPECT_EQ(parse_message_id("audit@0#-1,2#9;orders@0#41,1#17"), p);
  // The topic repeated before each partition reads the same.
  EXPECT_EQ(parse_message_id("orders@0#41,orders@1#17;audit@2#9,audit@0#-1"), p);
}

TEST(KafkaMessageId, Base64WhenEncoded) {
  auto p = make({{"orders", 0, 41}, {"orders", 1, 17}});
  EXPECT_EQ(format_message_id(p, true), "b3JkZXJzQDAjNDEsMSMxNw==");
  EXPECT_EQ(parse_message_id("b3JkZXJzQDAjNDEsMSMxNw=="), p);
  EXPECT_EQ(parse_message_id("b3JkZXJzQDAjNDEsMSMxNw"), p);  // padding is optional
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_encode("abc"), "YWJj");
  EXPECT_EQ(base64_decode("YWI="), "ab");
}

TEST(KafkaMessageId, UrlSafeBase64IsAccepted) {
  // "t@0#1??" has no URL-unsafe characters in base64, so check the alphabet mapping directly.
  EXPECT_EQ(base64_decode("-_8="), base64_decode("+/8="));
}

TEST(KafkaMessageId, DamagedIdsAreRefused) {
  for (const char* bad : {"", "orders", "orders@", "orders@0", "orders@0#", "orders@x#1", "orders@0#1x",
                          "orders@-1#3", "orders@0#-2", "orders@0#1,other@1#2", "bad topic@0#1", "@0#1",
                          "orders@0#1;", "!!!!", "b3JkZXJz"}) {
    EXPECT_EQ(parse_message_id(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace gantry::kafka
