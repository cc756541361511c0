// Wire formats of the message entrypoints: SSE frames, http-get bodies (JSON, XML, text) and Accept negotiation,
// WebSocket text/binary choice, and the mock endpoint's configuration.
#include "core/json/diagnostics.hpp"
#include "endpoints/mock/config.hpp"
#include "entrypoints/http_get/batch_format.hpp"
#include "entrypoints/sse/sse_format.hpp"
#include "entrypoints/websocket/websocket_entrypoint.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry::test {
namespace {

MessagePtr msg(std::string id, std::string content, MessageFields headers = {}, MessageFields metadata = {}) {
  auto m = std::make_shared<Message>();
  m->id = std::move(id);
  m->content = std::move(content);
  m->headers = std::move(headers);
  m->metadata = std::move(metadata);
  return m;
}

TEST(SseFormat, MessageFrame) {
  std::string out;
  sse::append_message(out, *msg("3", "hello"), {});
  EXPECT_EQ(out, "id: 3\nevent: message\ndata: hello\n\n");
}

TEST(SseFormat, FramesAppendAfterWhatIsThere) {
  std::string out = "id: 2\nevent: message\ndata: before\n\n";
  sse::append_message(out, *msg("3", "hello"), {});
  sse::append_message(out, *msg("", ""), {});  // no id: no id line; empty content: an empty data line
  sse::append_message(out, *msg("a\nb", "x"), {});  // an id with a line break takes the line-by-line path
  EXPECT_EQ(out,
            "id: 2\nevent: message\ndata: before\n\n"
            "id: 3\nevent: message\ndata: hello\n\n"
            "event: message\ndata: \n\n"
            "id: a\nid: b\nevent: message\ndata: x\n\n");
}

TEST(SseFormat, MultiLineContentBecomesSeveralDataLines) {
  std::string out;
  sse::append_message(out, *msg("1", "a\nb\r\nc\rd"), {});
  EXPECT_EQ(out, "id: 1\nevent: message\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
}

TEST(SseFormat, HeadersAndMetadataAsComments) {
  std::string out;
  sse::append_message(out, *msg("1", "x", {{"h", "v"}}, {{"topic", "t"}}),
                      {.headers_as_comment = true, .metadata_as_comment = true});
  EXPECT_EQ(out, "id: 1\nevent: message\ndata: x\n:h: v\n:topic: t\n\n");
  out.clear();
  sse::append_message(out, *msg("1", "x", {{"h", "v"}}, {{"topic", "t"}}), {});
  EXPECT_EQ(out, "id: 1\nevent: message\ndata: x\n\n");
}

TEST(SseFormat, ErrorRetryGoaway) {
  auto m = std::make_shared<Message>();
  m->id = "9";
  m->content = "broken";
  m->error = true;
  std::string out;
  sse::append_message(out, *m, {});
  EXPECT_EQ(out, "id: 9\nevent: error\ndata: broken\n\n");
  EXPECT_EQ(sse::retry_frame(std::chrono::milliseconds(5000)), "retry: 5000\n\n");
  EXPECT_EQ(sse::goaway_frame("Stopping"), "event: goaway\ndata: Stopping\n\n");
  EXPECT_EQ(sse::heartbeat_frame, ":\n\n");
}

TEST(HttpGetFormat, AcceptNegotiation) {
  using http_get::BodyFormat;
  EXPECT_EQ(http_get::choose_format(""), BodyFormat::text);
  EXPECT_EQ(http_get::choose_format("*/*"), BodyFormat::json);
  EXPECT_EQ(http_get::choose_format("application/json"), BodyFormat::json);
  EXPECT_EQ(http_get::choose_format("application/xml"), BodyFormat::xml);
  EXPECT_EQ(http_get::choose_format("text/plain;charset=utf-8"), BodyFormat::text);
  EXPECT_EQ(http_get::choose_format("text/html, application/xml;q=0.9"), BodyFormat::xml);
  EXPECT_EQ(http_get::choose_format("text/html"), std::nullopt);
}

TEST(HttpGetFormat, Json) {
  const std::vector<MessagePtr> messages = {msg("0", "a", {{"h", "1"}, {"h", "2"}}, {{"k", "v"}}), msg("1", "b")};
  auto body = http_get::format_batch(http_get::BodyFormat::json, messages, {"", "1", "2"}, {});
  EXPECT_EQ(body, R"({"items":[{"id":"0","content":"a"},{"id":"1","content":"b"}],)"
                  R"("pagination":{"nextCursor":"1","limit":"2"}})");
  body = http_get::format_batch(http_get::BodyFormat::json, {messages[0]}, {"c", "0", ""},
                                {.headers_in_payload = true, .metadata_in_payload = true});
  EXPECT_EQ(boost::json::parse(body), boost::json::parse(R"({"items":[{"headers":{"h":["1","2"]},"id":"0",
    "content":"a","metadata":{"k":"v"}}],"pagination":{"cursor":"c","nextCursor":"0"}})"));
}

TEST(HttpGetFormat, XmlEscapesAndCdata) {
  auto body = http_get::format_batch(http_get::BodyFormat::xml, {msg("0", "x]]>y<", {}, {{"a b", "1&2"}})},
                                     {"", "0", "5"}, {.metadata_in_payload = true});
  EXPECT_EQ(body,
            "<response><items><item><id>0</id><content><![CDATA[x]]]]><![CDATA[>y<]]></content>"
            "<metadata><a_b>1&amp;2</a_b></metadata></item></items>"
            "<pagination><nextCursor>0</nextCursor><limit>5</limit></pagination></response>");
}

TEST(HttpGetFormat, Text) {
  auto body = http_get::format_batch(http_get::BodyFormat::text, {msg("0", "a"), msg("1", "b")}, {"", "1", ""}, {});
  EXPECT_EQ(body, "items\nitem\nid: 0\ncontent: a\nitem\nid: 1\ncontent: b\npagination\nnextCursor: 1\n");
  body = http_get::format_batch(http_get::BodyFormat::text, {}, {}, {});
  EXPECT_EQ(body, "items\npagination\n");
}

TEST(HttpGetFormat, AnErrorGoesBesideTheItemsWithItsKey) {
  const http_get::PageError error{"e1", "Invalid url in bootstrap.servers: wrong",
                                  "FAILURE_ENDPOINT_CONFIGURATION_INVALID"};
  auto body = http_get::format_batch(http_get::BodyFormat::json, {}, {}, {}, &error);
  EXPECT_EQ(body, R"({"items":[],"error":{"id":"e1","content":"Invalid url in bootstrap.servers: wrong",)"
                  R"("metadata":{"key":"FAILURE_ENDPOINT_CONFIGURATION_INVALID"}},"pagination":{}})");
  const http_get::PageError unkeyed{"e2", "gone", ""};
  body = http_get::format_batch(http_get::BodyFormat::json, {msg("0", "a")}, {"", "0", ""}, {}, &unkeyed);
  EXPECT_EQ(body, R"({"items":[{"id":"0","content":"a"}],"error":{"id":"e2","content":"gone"},)"
                  R"("pagination":{"nextCursor":"0"}})");
  body = http_get::format_batch(http_get::BodyFormat::xml, {}, {}, {}, &error);
  EXPECT_EQ(body, "<response><items></items><error><id>e1</id><content><![CDATA[Invalid url in bootstrap.servers: "
                  "wrong]]></content><metadata><key>FAILURE_ENDPOINT_CONFIGURATION_INVALID</key></metadata></error>"
                  "<pagination></pagination></response>");
  body = http_get::format_batch(http_get::BodyFormat::text, {}, {}, {}, &unkeyed);
  EXPECT_EQ(body, "items\nerror\nid: e2\ncontent: gone\npagination\n");
}

TEST(WebSocketFrames, TextOnlyForValidUtf8) {
  using websocket_entrypoint::is_utf8;
  EXPECT_TRUE(is_utf8("plain"));
  EXPECT_TRUE(is_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_utf8("\xff"));
  EXPECT_FALSE(is_utf8("\xc3"));          // truncated
  EXPECT_FALSE(is_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));  // surrogate
}

TEST(MockConfig, DefaultsAndFields) {
  Diagnostics diag;
  auto c = mock::parse_mock_config(boost::json::value(nullptr), "$.c", diag);
  EXPECT_EQ(c->interval, std::chrono::milliseconds(1000));
  EXPECT_EQ(c->content, "mock message");
  EXPECT_FALSE(c->count);
  c = mock::parse_mock_config(boost::json::parse(R"({"messageInterval": 0.1, "messageContent": "m",
      "messageCount": 5, "headers": [{"name": "h", "value": "v"}], "metadata": [{"name": "k", "value": "w"}]})"),
                              "$.c", diag);
  EXPECT_TRUE(diag.problems().empty());
  EXPECT_EQ(c->interval, std::chrono::microseconds(100));
  EXPECT_EQ(c->count, 5u);
  EXPECT_EQ(c->headers, (MessageFields{{"h", "v"}}));
  EXPECT_EQ(c->metadata, (MessageFields{{"k", "w"}}));
}

TEST(MockConfig, Problems) {
  Diagnostics diag;
  mock::parse_mock_config(boost::json::parse(R"({"messageInterval": 0, "messageCount": -1, "headers": [{}]})"),
                          "$.c", diag);
  std::vector<std::string> lines;
  for (const auto& p : diag.problems()) lines.push_back(p.path + ": " + p.message);
  EXPECT_EQ(lines, (std::vector<std::string>{"$.c.messageInterval: must be at least 0.001 (got 0)",
                                             "$.c.messageCount: must be at least 0 (got -1)",
                                             "$.c.headers[0]: missing required field 'name'"}));
}

}  // namespace
}  // namespace gantry::test
