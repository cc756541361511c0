#include "gateway/deployed_api.hpp"
#include "gateway/router.hpp"

#include <gtest/gtest.h>

namespace gantry {
namespace {

std::shared_ptr<const DeployedApi> api_named(const std::string& id) {
  auto def = std::make_shared<ApiDefinition>();
  def->id = id;
  auto api = std::make_shared<DeployedApi>();
  api->definition = def;
  return api;
}

std::string id_of(const std::optional<RouteMatch>& m) { return m ? m->api->definition->id : "<none>"; }

TEST(RouterTest, LongestPrefixWinsAtSegmentBoundaries) {
  RouteTable table;
  ASSERT_FALSE(table.add(api_named("a"), "a", {{"", "/a"}}));
  ASSERT_FALSE(table.add(api_named("ab"), "ab", {{"", "/a/b"}}));
  EXPECT_EQ(id_of(table.match("gw", "/a/b/x")), "ab");
  EXPECT_EQ(id_of(table.match("gw", "/a/b")), "ab");
  EXPECT_EQ(id_of(table.match("gw", "/a/x")), "a");
  EXPECT_EQ(id_of(table.match("gw", "/a")), "a");
  EXPECT_EQ(id_of(table.match("gw", "/ab")), "<none>");
  EXPECT_EQ(id_of(table.match("gw", "/")), "<none>");
}

TEST(RouterTest, RemainingPathIsWhatFollowsTheContextPath) {
  RouteTable table;
  ASSERT_FALSE(table.add(api_named("a"), "a", {{"", "/test"}}));
  auto m = table.match("gw", "/test/foo/bar");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->context_path, "/test");
  EXPECT_EQ(m->remaining_path, "/foo/bar");
  EXPECT_EQ(table.match("gw", "/test")->remaining_path, "");
}

TEST(RouterTest, RootPathClaimsEverything) {
  RouteTable table;
  ASSERT_FALSE(table.add(api_named("root"), "root", {{"", "/"}}));
  ASSERT_FALSE(table.add(api_named("x"), "x", {{"", "/x"}}));
  EXPECT_EQ(id_of(table.match("gw", "/anything")), "root");
  EXPECT_EQ(table.match("gw", "/anything")->remaining_path, "/anything");
  EXPECT_EQ(table.match("gw", "/")->remaining_path, "");
  EXPECT_EQ(id_of(table.match("gw", "/x/1")), "x");
}

TEST(RouterTest, HostSpecificRoutesWinAndIgnorePortAndCase) {
  RouteTable table;
  ASSERT_FALSE(table.add(api_named("any"), "any", {{"", "/h/deeper"}}));
  ASSERT_FALSE(table.add(api_named("foo"), "foo", {{"Foo.Example", "/h"}}));
  EXPECT_EQ(id_of(table.match("foo.example:8082", "/h/deeper/x")), "foo");
  EXPECT_EQ(id_of(table.match("FOO.example", "/h")), "foo");
  EXPECT_EQ(id_of(table.match("bar.example", "/h/deeper")), "any");
  EXPECT_EQ(id_of(table.match("bar.example", "/h")), "<none>");
}

TEST(RouterTest, SameHostAndPathIsRefusedNamingTheOwner) {
  RouteTable table;
  ASSERT_FALSE(table.add(api_named("first"), "first", {{"", "/shared"}}));
  auto conflict = table.add(api_named("second"), "second", {{"", "/other"}, {"", "/shared/"}});
  ASSERT_TRUE(conflict);
  EXPECT_EQ(*conflict, "path '/shared' is already used by API 'first'");
  EXPECT_EQ(table.size(), 1u);  // nothing of the refused API was added
  EXPECT_FALSE(table.add(api_named("third"), "third", {{"other.host", "/shared"}}));  // another host is fine
}

TEST(RouterTest, NormalisesPaths) {
  EXPECT_EQ(normalise_path(""), "/");
  EXPECT_EQ(normalise_path("/"), "/");
  EXPECT_EQ(normalise_path("//a///b/"), "/a/b");
  EXPECT_EQ(normalise_path("a"), "/a");
}

}  // namespace
}  // namespace gantry
