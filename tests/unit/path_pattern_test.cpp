// Flow path selectors as Gravitee matches them (PathPatterns: a regex per path, `lookingAt` for STARTS_WITH).
#include "gateway/flows/path_pattern.hpp"

#include <gtest/gtest.h>

namespace gantry {
namespace {

TEST(PathPattern, StartsWithIsATextPrefixOfTheLastSegment) {
  // Gravitee's own definition (http-get-entrypoint-kafka-endpoint-dynamic-configuration.json) relies on it: its
  // flow "/test" runs for the channel "/test-dynamic-configuration".
  const PathPattern test("/test");
  EXPECT_TRUE(test.match("/test-dynamic-configuration", PathOperator::starts_with, nullptr));
  EXPECT_TRUE(test.match("/test/more", PathOperator::starts_with, nullptr));
  EXPECT_FALSE(test.match("/tes", PathOperator::starts_with, nullptr));
  EXPECT_FALSE(test.match("/test-dynamic-configuration", PathOperator::equals, nullptr));
  // Only the last segment: an earlier one must be whole.
  const PathPattern two("/a/b");
  EXPECT_TRUE(two.match("/a/bc", PathOperator::starts_with, nullptr));
  EXPECT_FALSE(two.match("/ax/b", PathOperator::starts_with, nullptr));
}

}  // namespace
}  // namespace gantry
