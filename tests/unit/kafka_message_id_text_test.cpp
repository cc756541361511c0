// Incrementally formatted Kafka message ids: always the text format_message_id gives for the same position, plain
// and base64, whatever order partitions move in and however their offsets' digits grow or shrink.
#include "endpoints/kafka/message_id_text.hpp"

#include <gtest/gtest.h>

#include <random>

namespace gantry::kafka {
namespace {

TEST(KafkaMessageIdText, StartsFromAPosition) {
  Position p;
  p.advance("orders", 1, 17);
  p.advance("orders", 0, 41);
  p.advance("audit", 2, 9);
  p.advance("audit", 0, -1);
  MessageIdText plain(false), encoded(true);
  plain.assign(p);
  encoded.assign(p);
  EXPECT_EQ(plain.id(), "audit@0#-1,2#9;orders@0#41,1#17");
  EXPECT_EQ(encoded.id(), base64_encode("audit@0#-1,2#9;orders@0#41,1#17"));
  EXPECT_EQ(plain.position(), p);
  EXPECT_EQ(MessageIdText(true).id(), "");
}

TEST(KafkaMessageIdText, OnlyTheMovedPartitionChanges) {
  MessageIdText ids(false);
  ids.advance("orders", 0, 41);
  EXPECT_EQ(ids.id(), "orders@0#41");
  ids.advance("orders", 1, 17);
  EXPECT_EQ(ids.id(), "orders@0#41,1#17");
  ids.advance("orders", 0, 42);  // same number of digits
  EXPECT_EQ(ids.id(), "orders@0#42,1#17");
  ids.advance("orders", 0, 100);  // one more digit: what follows moves
  EXPECT_EQ(ids.id(), "orders@0#100,1#17");
  ids.advance("orders", 1, 18);
  EXPECT_EQ(ids.id(), "orders@0#100,1#18");
  ids.advance("orders", 0, 9);  // back (a rewind), two digits fewer
  EXPECT_EQ(ids.id(), "orders@0#9,1#18");
  ids.advance("audit", 3, -1);  // a topic sorting first
  EXPECT_EQ(ids.id(), "audit@3#-1;orders@0#9,1#18");
  ids.advance("orders", 1, 1000);
  EXPECT_EQ(ids.id(), "audit@3#-1;orders@0#9,1#1000");
  ids.advance("audit", 3, 5);
  EXPECT_EQ(ids.id(), "audit@3#5;orders@0#9,1#1000");
  ids.advance("zeta", 0, 7);
  ids.advance("audit", 1, 2);  // a partition sorting before the known one
  EXPECT_EQ(ids.id(), "audit@1#2,3#5;orders@0#9,1#1000;zeta@0#7");
}

TEST(KafkaMessageIdText, Base64FollowsEveryChange) {
  MessageIdText ids(true);
  ids.advance("orders", 0, 41);
  ids.advance("orders", 1, 17);
  EXPECT_EQ(ids.id(), "b3JkZXJzQDAjNDEsMSMxNw==");  // as format_message_id's test has it
  ids.advance("orders", 1, 18);
  EXPECT_EQ(ids.id(), base64_encode("orders@0#41,1#18"));
  ids.advance("orders", 0, 4100);
  EXPECT_EQ(ids.id(), base64_encode("orders@0#4100,1#18"));
  ids.advance("orders", 0, 4);
  EXPECT_EQ(ids.id(), base64_encode("orders@0#4,1#18"));
}

// Random moves across topics and partitions, offsets of any width and direction, against format_message_id.
TEST(KafkaMessageIdText, MatchesFullFormattingUnderRandomMoves) {
  std::mt19937_64 rng(20261124);
  const std::string topics[] = {"out", "a", "orders.v2", "orders", "z-last", "m_mid"};
  for (bool encode : {false, true}) {
    for (int round = 0; round < 20; ++round) {
      Position reference;
      MessageIdText ids(encode);
      if (round % 2) {  // half the rounds start from an assigned position
        for (int i = 0; i < 5; ++i)
          reference.advance(topics[rng() % 3], static_cast<std::int32_t>(rng() % 4),
                            static_cast<std::int64_t>(rng() % 1000) - 1);
        ids.assign(reference);
      }
      for (int step = 0; step < 500; ++step) {
        const auto& topic = topics[rng() % (step < 250 ? 2 : 6)];
        const auto partition = static_cast<std::int32_t>(rng() % 12);
        std::int64_t offset;
        switch (rng() % 4) {
          case 0: offset = -1; break;
          case 1: offset = static_cast<std::int64_t>(rng() % 10); break;
          case 2: offset = static_cast<std::int64_t>(rng() % 100000); break;
          default: offset = static_cast<std::int64_t>(rng() >> 2); break;
        }
        reference.advance(topic, partition, offset);
        ids.advance(topic, partition, offset);
        ASSERT_EQ(ids.id(), format_message_id(reference, encode)) << "round " << round << " step " << step;
      }
      EXPECT_EQ(ids.position(), reference);
    }
  }
}

// The pattern of the consume path: partitions taking turns, offsets counting up past powers of ten.
TEST(KafkaMessageIdText, ConsecutiveOffsetsAcrossDigitBoundaries) {
  for (bool encode : {false, true}) {
    Position reference;
    MessageIdText ids(encode);
    for (std::int32_t p = 0; p < 4; ++p) reference.advance("out", p, -1);
    ids.assign(reference);
    for (std::int64_t o = 0; o < 1200; ++o) {
      const auto partition = static_cast<std::int32_t>((o * 7) % 4);
      reference.advance("out", partition, o);
      ids.advance("out", partition, o);
      ASSERT_EQ(ids.id(), format_message_id(reference, encode)) << o;
    }
  }
}

}  // namespace
}  // namespace gantry::kafka
