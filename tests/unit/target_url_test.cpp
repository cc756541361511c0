// Target URLs: parsing at deploy time, and joining the target with each request's remaining path and query.
#include "endpoints/http_proxy/target_url.hpp"

#include <gtest/gtest.h>

namespace gantry::http_proxy {
namespace {

Target target(std::string_view text) {
  std::string error;
  auto t = parse_target(text, &error);
  EXPECT_TRUE(t.has_value()) << error;
  return t.value_or(Target{});
}

std::string error_of(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_target(text, &error).has_value()) << text;
  return error;
}

TEST(ParseTarget, SplitsTheUrl) {
  auto t = target("https://api.example.com:8443/base/v1?x=1&y=%20");
  EXPECT_EQ(t.scheme, "https");
  EXPECT_EQ(t.host, "api.example.com");
  EXPECT_EQ(t.port, 8443);
  EXPECT_EQ(t.path, "/base/v1");
  EXPECT_EQ(t.query, "x=1&y=%20");
  EXPECT_TRUE(t.tls());
}

TEST(ParseTarget, DefaultPortsAndSchemeMapping) {
  EXPECT_EQ(target("http://h").port, 80);
  EXPECT_EQ(target("https://h").port, 443);
  EXPECT_EQ(target("http://h:/x").port, 80);  // an empty port is the default one
  auto ws = target("ws://h/socket");
  EXPECT_EQ(ws.scheme, "http");
  EXPECT_EQ(ws.port, 80);
  auto wss = target("WSS://h/socket");
  EXPECT_EQ(wss.scheme, "https");
  EXPECT_EQ(wss.port, 443);
  EXPECT_FALSE(target("http://h").tls());
}

TEST(ParseTarget, PathAndQueryMayBeAbsent) {
  auto t = target("http://localhost:8080");
  EXPECT_EQ(t.path, "");
  EXPECT_EQ(t.query, "");
  EXPECT_EQ(target("http://h/").path, "/");
  EXPECT_EQ(target("http://h/a%2Fb").path, "/a%2Fb");  // percent-encoding is kept
}

TEST(ParseTarget, Ipv6HostsLoseTheirBrackets) {
  auto t = target("http://[::1]:8080/x");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.authority(), "[::1]:8080");
}

TEST(ParseTarget, Authority) {
  EXPECT_EQ(target("http://h").authority(), "h");
  EXPECT_EQ(target("http://h:80/x").authority(), "h");
  EXPECT_EQ(target("http://h:443/x").authority(), "h:443");
  EXPECT_EQ(target("https://h:443/x").authority(), "h");
  EXPECT_EQ(target("https://h:8443").authority(), "h:8443");
  EXPECT_EQ(target("http://127.0.0.1:8080").authority(), "127.0.0.1:8080");
}

TEST(ParseTarget, Refusals) {
  EXPECT_EQ(error_of("foo"), "invalid target URL 'foo': expected an absolute http or https URL");
  EXPECT_EQ(error_of(""), "invalid target URL '': expected an absolute http or https URL");
  EXPECT_EQ(error_of("/endpoint"), "invalid target URL '/endpoint': expected an absolute http or https URL");
  EXPECT_EQ(error_of("localhost:8080/x"),
            "invalid target URL 'localhost:8080/x': expected an absolute http or https URL");
  EXPECT_EQ(error_of("http://"), "invalid target URL 'http://': expected an absolute http or https URL");
  EXPECT_EQ(error_of("http:///x"), "invalid target URL 'http:///x': expected an absolute http or https URL");
  EXPECT_EQ(error_of("mailto:a@b"), "invalid target URL 'mailto:a@b': expected an absolute http or https URL");
  EXPECT_EQ(error_of("ftp://h/x"), "invalid target URL 'ftp://h/x': expected an absolute http or https URL");
  EXPECT_EQ(error_of("http://h/a b"), "invalid target URL 'http://h/a b': expected an absolute http or https URL");
  EXPECT_EQ(error_of("http://h:0/x"), "invalid target URL 'http://h:0/x': the port must be between 1 and 65535");
  EXPECT_EQ(error_of("http://h:70000/x"),
            "invalid target URL 'http://h:70000/x': the port must be between 1 and 65535");
  EXPECT_EQ(error_of("grpc://h:50051/svc"),
            "invalid target URL 'grpc://h:50051/svc': gRPC backends need HTTP/2, which is not supported yet");
  EXPECT_EQ(error_of("http://{#properties['host']}/x"),
            "invalid target URL 'http://{#properties['host']}/x': expressions in the target are not supported yet");
  std::string ignored;
  EXPECT_FALSE(parse_target("foo", nullptr).has_value());  // the error is optional
}

TEST(JoinPaths, ExactlyOneSlashAtTheSeam) {
  EXPECT_EQ(join_paths("/a", "/b"), "/a/b");
  EXPECT_EQ(join_paths("/a/", "/b"), "/a/b");
  EXPECT_EQ(join_paths("/a", "b"), "/a/b");
  EXPECT_EQ(join_paths("/a/", "b"), "/a/b");
  EXPECT_EQ(join_paths("/a", ""), "/a");
  EXPECT_EQ(join_paths("/a/", ""), "/a/");
  EXPECT_EQ(join_paths("", "/b"), "/b");
  EXPECT_EQ(join_paths("", "b"), "/b");
  EXPECT_EQ(join_paths("", ""), "");
  EXPECT_EQ(join_paths("/", "/"), "/");
}

std::string upstream(std::string_view t, std::string_view remaining, std::string_view query) {
  return upstream_request_target(target(t), remaining, query);
}

TEST(UpstreamRequestTarget, GraviteeExamples) {
  // Request "/test/foo?x=1" on an API whose context path is "/test".
  EXPECT_EQ(upstream("http://h/endpoint", "/foo", "x=1"), "/endpoint/foo?x=1");
  EXPECT_EQ(upstream("http://h/endpoint", "", ""), "/endpoint");
  EXPECT_EQ(upstream("http://h/endpoint", "/", ""), "/endpoint/");
  EXPECT_EQ(upstream("http://h", "", ""), "/");
  EXPECT_EQ(upstream("http://h", "/foo", ""), "/foo");
  EXPECT_EQ(upstream("http://h/", "", ""), "/");
  EXPECT_EQ(upstream("http://h/", "/foo", ""), "/foo");
}

TEST(UpstreamRequestTarget, NeverADoubleSlash) {
  EXPECT_EQ(upstream("http://h/base/", "/foo", ""), "/base/foo");
  EXPECT_EQ(upstream("http://h/base/", "", ""), "/base/");
  EXPECT_EQ(upstream("http://h/base", "/foo/bar/", ""), "/base/foo/bar/");
}

TEST(UpstreamRequestTarget, QueriesAreJoinedTargetFirst) {
  EXPECT_EQ(upstream("http://h/e?a=1", "", "x=1"), "/e?a=1&x=1");
  EXPECT_EQ(upstream("http://h/e?a=1", "/f", ""), "/e/f?a=1");
  EXPECT_EQ(upstream("http://h/e", "/f", "x=1&x=2"), "/e/f?x=1&x=2");
  EXPECT_EQ(upstream("http://h?a=1", "", ""), "/?a=1");
  EXPECT_EQ(upstream("http://h/e", "", "flag"), "/e?flag");
}

TEST(UpstreamRequestTarget, PercentEncodingIsKeptAsReceived) {
  EXPECT_EQ(upstream("http://h/a%20b", "/c%2Fd", "q=%26%3D&r=a+b"), "/a%20b/c%2Fd?q=%26%3D&r=a+b");
  EXPECT_EQ(upstream("http://h/e", "/%E2%82%AC", ""), "/e/%E2%82%AC");
}

}  // namespace
}  // namespace gantry::http_proxy
