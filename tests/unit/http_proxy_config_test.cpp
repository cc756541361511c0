// The http-proxy endpoint factory: target, shared configuration (http, headers, ssl, proxy), defaults and every
// message, plus all of Gravitee's own http-proxy endpoints from the conformance corpus.
#include "core/json/diagnostics.hpp"
#include "endpoints/http_proxy/config.hpp"
#include "endpoints/http_proxy/factory.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gantry {
namespace {

namespace json = boost::json;
using http_proxy::EndpointConfig;

std::vector<std::string> lines(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& p : diag.problems())
    out.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

struct Parsed {
  std::shared_ptr<const EndpointConfig> config;
  Diagnostics diag;
};

Parsed parse(std::string_view configuration, std::string_view shared = "null") {
  Parsed out;
  auto factory = make_http_proxy_endpoint_factory();
  auto config = factory->parse_config(json::parse(configuration), "$.c", json::parse(shared), "$.s", out.diag);
  out.config = std::static_pointer_cast<const EndpointConfig>(config);
  return out;
}

using Lines = std::vector<std::string>;

TEST(HttpProxyEndpoint, TypeAndCapabilities) {
  auto factory = make_http_proxy_endpoint_factory();
  EXPECT_EQ(factory->type(), "http-proxy");
  const auto& caps = factory->capabilities();
  EXPECT_EQ(caps.api_types, std::vector<ApiType>{ApiType::proxy});
  EXPECT_TRUE(caps.request_response);
  EXPECT_FALSE(caps.publish);
  EXPECT_FALSE(caps.subscribe);
}

TEST(HttpProxyEndpoint, MinimalConfigurationGetsGraviteeDefaults) {
  auto p = parse(R"({"target": "http://localhost:8080/endpoint"})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& c = *p.config;
  EXPECT_EQ(c.target_text, "http://localhost:8080/endpoint");
  EXPECT_EQ(c.target.scheme, "http");
  EXPECT_EQ(c.target.host, "localhost");
  EXPECT_EQ(c.target.port, 8080);
  EXPECT_EQ(c.target.path, "/endpoint");
  EXPECT_EQ(c.target.query, "");
  EXPECT_EQ(c.http.version, "HTTP_1_1");
  EXPECT_TRUE(c.http.keep_alive);
  EXPECT_EQ(c.http.keep_alive_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(c.http.connect_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(c.http.read_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.http.idle_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(c.http.max_concurrent_connections, 100);
  EXPECT_EQ(c.http.max_wait_queue_size, -1);
  EXPECT_FALSE(c.http.follow_redirects);
  EXPECT_TRUE(c.http.use_compression);
  EXPECT_FALSE(c.http.propagate_client_host);
  EXPECT_FALSE(c.http.pipelining);
  EXPECT_FALSE(c.ssl.trust_all);
  EXPECT_TRUE(c.ssl.hostname_verifier);
  EXPECT_TRUE(c.ssl.trust_store.empty());
  EXPECT_TRUE(c.ssl.key_store.empty());
  EXPECT_FALSE(c.proxy.enabled);
  EXPECT_TRUE(c.headers.empty());
}

TEST(HttpProxyEndpoint, TargetIsRequired) {
  EXPECT_EQ(lines(parse("{}").diag), Lines{"$.c: missing required field 'target'"});
  EXPECT_EQ(lines(parse("null").diag), Lines{"$.c: missing required field 'target'"});
  EXPECT_EQ(lines(parse(R"({"target": null})").diag), Lines{"$.c: missing required field 'target'"});
  EXPECT_EQ(lines(parse(R"({"target": 3})").diag), Lines{"$.c.target: expected a string"});
  EXPECT_EQ(lines(parse("[]").diag), Lines{"$.c: expected an object"});
}

TEST(HttpProxyEndpoint, InvalidTargetsAreReportedAtTheTargetPath) {
  EXPECT_EQ(lines(parse(R"({"target": "foo"})").diag),
            Lines{"$.c.target: invalid target URL 'foo': expected an absolute http or https URL"});
  EXPECT_EQ(lines(parse(R"({"target": "ftp://h/x"})").diag),
            Lines{"$.c.target: invalid target URL 'ftp://h/x': expected an absolute http or https URL"});
  EXPECT_EQ(lines(parse(R"({"target": "grpc://localhost:50051/helloworld.Greeter"})").diag),
            Lines{"$.c.target: invalid target URL 'grpc://localhost:50051/helloworld.Greeter': gRPC backends need "
                  "HTTP/2, which is not supported yet"});
}

TEST(HttpProxyEndpoint, WebSocketSchemesMapToHttp) {
  auto p = parse(R"({"target": "wss://echo.example.com/ws"})");
  EXPECT_EQ(lines(p.diag), Lines{});
  EXPECT_EQ(p.config->target.scheme, "https");
  EXPECT_EQ(p.config->target.port, 443);
}

TEST(HttpProxyEndpoint, SharedHttpOptionsAreRead) {
  auto p = parse(R"({"target": "http://localhost:8080/endpoint"})", R"({"http": {
      "version": "HTTP_1_1", "keepAlive": false, "keepAliveTimeout": 1000, "connectTimeout": 2000,
      "readTimeout": 60000, "idleTimeout": 0, "maxConcurrentConnections": 1, "maxWaitQueueSize": 0,
      "followRedirects": true, "useCompression": false, "propagateClientAcceptEncoding": true,
      "propagateClientHost": true, "pipelining": true, "clearTextUpgrade": false}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& h = p.config->http;
  EXPECT_FALSE(h.keep_alive);
  EXPECT_EQ(h.keep_alive_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(h.connect_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(h.read_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(h.idle_timeout, std::chrono::milliseconds(0));
  EXPECT_EQ(h.max_concurrent_connections, 1);
  EXPECT_EQ(h.max_wait_queue_size, 0);
  EXPECT_TRUE(h.follow_redirects);
  EXPECT_FALSE(h.use_compression);
  EXPECT_TRUE(h.propagates_accept_encoding());
  EXPECT_TRUE(h.propagate_client_host);
  EXPECT_TRUE(h.pipelining);
  EXPECT_FALSE(h.clear_text_upgrade);
}

TEST(HttpProxyEndpoint, AcceptEncodingIsPropagatedOnlyWithoutCompression) {
  auto p = parse(R"({"target": "http://h"})", R"({"http": {"propagateClientAcceptEncoding": true}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  EXPECT_TRUE(p.config->http.propagate_client_accept_encoding);
  EXPECT_FALSE(p.config->http.propagates_accept_encoding());
}

TEST(HttpProxyEndpoint, NullMeansAbsent) {
  auto p = parse(R"({"target": "http://h"})", R"({"http": {"maxWaitQueueSize": null, "readTimeout": null},
                                                   "headers": null, "ssl": null, "proxy": null})");
  EXPECT_EQ(lines(p.diag), Lines{});
  EXPECT_EQ(p.config->http.max_wait_queue_size, -1);
  EXPECT_EQ(p.config->http.read_timeout, std::chrono::milliseconds(10000));
}

TEST(HttpProxyEndpoint, NumbersOutOfRangeAreErrorsAtTheirPath) {
  auto p = parse(R"({"target": "http://h"})", R"({"http": {"connectTimeout": -1, "readTimeout": -5,
      "idleTimeout": -1, "keepAliveTimeout": -1, "maxConcurrentConnections": 0, "maxWaitQueueSize": -2}})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.s.http.keepAliveTimeout: must be at least 0 (got -1)",
                               "$.s.http.connectTimeout: must be at least 0 (got -1)",
                               "$.s.http.readTimeout: must be at least 0 (got -5)",
                               "$.s.http.idleTimeout: must be at least 0 (got -1)",
                               "$.s.http.maxConcurrentConnections: must be at least 1 (got 0)",
                               "$.s.http.maxWaitQueueSize: must be at least -1 (got -2)",
                           }));
  EXPECT_EQ(p.config->http.connect_timeout, std::chrono::milliseconds(3000));  // the default survives
}

TEST(HttpProxyEndpoint, WrongTypesAreErrors) {
  auto p = parse(R"({"target": "http://h"})",
                 R"({"http": {"connectTimeout": "3s", "keepAlive": "yes"}, "headers": {}})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.s.http.keepAlive: expected a boolean",
                               "$.s.http.connectTimeout: expected an integer",
                               "$.s.headers: expected an array",
                           }));
}

TEST(HttpProxyEndpoint, Http2IsAWarningAndUnknownVersionsAnError) {
  auto p = parse(R"({"target": "http://h"})", R"({"http": {"version": "HTTP_2", "clearTextUpgrade": false}})");
  EXPECT_EQ(lines(p.diag),
            Lines{"$.s.http.version: warning: HTTP/2 to backends is not supported yet; HTTP/1.1 is used"});
  EXPECT_FALSE(p.diag.has_errors());
  EXPECT_EQ(lines(parse(R"({"target": "http://h"})", R"({"http": {"version": "SPDY"}})").diag),
            Lines{"$.s.http.version: unknown HTTP version 'SPDY' (known: HTTP_1_1, HTTP_2)"});
}

TEST(HttpProxyEndpoint, HttpInTheEndpointConfigurationOverridesTheSharedOne) {
  auto p = parse(R"({"target": "http://h", "http": {"readTimeout": 2000}})",
                 R"({"http": {"connectTimeout": 1000, "readTimeout": 60000}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  EXPECT_EQ(p.config->http.connect_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(p.config->http.read_timeout, std::chrono::milliseconds(2000));
}

TEST(HttpProxyEndpoint, UnknownFieldsAreWarnings) {
  auto p = parse(R"({"target": "http://h", "connectionErrors": [{"status": 500}], "trget": 1,
                     "headers": [{"name": "X-A", "value": "1"}]})",
                 R"({"http": {"readTimout": 1}, "hedaers": []})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.s.http.readTimout: warning: unknown field 'readTimout' (did you mean 'readTimeout'?)",
                               "$.s.hedaers: warning: unknown field 'hedaers' (did you mean 'headers'?)",
                               "$.c.headers: warning: unknown field 'headers' (it belongs in the shared "
                               "configuration; ignored here)",
                               "$.c.connectionErrors: warning: unknown field 'connectionErrors'",
                               "$.c.trget: warning: unknown field 'trget' (did you mean 'target'?)",
                           }));
  EXPECT_FALSE(p.diag.has_errors());
  EXPECT_TRUE(p.config->headers.empty());
}

TEST(HttpProxyEndpoint, HeadersAreReadInOrder) {
  auto p = parse(R"({"target": "http://h"})",
                 R"({"headers": [{"name": "X-A", "value": "1"}, {"name": "Authorization", "value": "ApiKey k"}]})");
  EXPECT_EQ(lines(p.diag), Lines{});
  using Headers = http_proxy::Headers;
  EXPECT_EQ(p.config->headers, (Headers{{"X-A", "1"}, {"Authorization", "ApiKey k"}}));
}

TEST(HttpProxyEndpoint, BadHeadersAreErrors) {
  auto p = parse(R"({"target": "http://h"})", R"({"headers": [{"name": "X-A"}, {"name": "X Y", "value": "1"},
      {"name": "X-B", "value": "a\r\nInjected: 1"}, "X-C", {"name": "X-D", "value": "ok"}]})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.s.headers[0]: missing required field 'value'",
                               "$.s.headers[1].name: invalid header name 'X Y'",
                               "$.s.headers[2].value: a header value must not contain line breaks",
                               "$.s.headers[3]: expected an object",
                           }));
  EXPECT_EQ(p.config->headers, (http_proxy::Headers{{"X-D", "ok"}}));
}

TEST(HttpProxyEndpoint, PemStoresAreRead) {
  auto p = parse(R"({"target": "https://h"})", R"({"ssl": {"trustAll": true, "hostnameVerifier": false,
      "trustStore": {"type": "PEM", "path": "/etc/ca.pem", "password": ""},
      "keyStore": {"type": "PEM", "certContent": "-----BEGIN CERTIFICATE-----", "keyPath": "/etc/key.pem"}}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& ssl = p.config->ssl;
  EXPECT_TRUE(ssl.trust_all);
  EXPECT_FALSE(ssl.hostname_verifier);
  EXPECT_EQ(ssl.trust_store.type, "PEM");
  EXPECT_EQ(ssl.trust_store.path, "/etc/ca.pem");
  EXPECT_EQ(ssl.key_store.type, "PEM");
  EXPECT_EQ(ssl.key_store.cert_content, "-----BEGIN CERTIFICATE-----");
  EXPECT_EQ(ssl.key_store.key_path, "/etc/key.pem");
}

TEST(HttpProxyEndpoint, OnlyPemStoresAreSupported) {
  auto p = parse(R"({"target": "https://h"})", R"({"ssl": {
      "trustStore": {"type": "JKS", "path": "/etc/truststore.jks", "password": "secret"},
      "keyStore": {"type": "PKCS12", "content": "MIIK", "password": "secret"}}})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.s.ssl.trustStore.type: only PEM trust stores are supported (type 'JKS')",
                               "$.s.ssl.keyStore.type: only PEM key stores are supported (type 'PKCS12')",
                           }));
  EXPECT_EQ(lines(parse(R"({"target": "https://h"})", R"({"ssl": {"trustStore": {"type": "DER"}}})").diag),
            Lines{"$.s.ssl.trustStore.type: unknown trust store type 'DER' (known: JKS, PEM, PKCS12)"});
}

TEST(HttpProxyEndpoint, PemStoresNeedExactlyOneSource) {
  auto p = parse(R"({"target": "https://h"})", R"({"ssl": {"trustStore": {"type": "PEM"},
      "keyStore": {"type": "PEM", "certPath": "/c.pem", "certContent": "x", "keyContent": ""}}})");
  EXPECT_EQ(lines(p.diag), (Lines{
                               "$.s.ssl.trustStore: a PEM trust store needs 'path' or 'content'",
                               "$.s.ssl.keyStore: a PEM key store takes 'certPath' or 'certContent', not both",
                               "$.s.ssl.keyStore: a PEM key store needs 'keyPath' or 'keyContent'",
                           }));
}

TEST(HttpProxyEndpoint, AStoreWithoutTypeIsIgnoredWithAWarning) {
  auto p = parse(R"({"target": "https://h"})", R"({"ssl": {"trustStore": {"type": "", "path": "/ca.pem"},
                                                            "keyStore": {"type": ""}}})");
  EXPECT_EQ(lines(p.diag), Lines{"$.s.ssl.trustStore: warning: the trust store has no type and is ignored"});
  EXPECT_TRUE(p.config->ssl.trust_store.empty());
}

TEST(HttpProxyEndpoint, BackendProxiesAreRefused) {
  auto p = parse(R"({"target": "http://h"})",
                 R"({"proxy": {"enabled": true, "useSystemProxy": false, "host": "p", "port": 3128, "type": "HTTP"}})");
  EXPECT_EQ(lines(p.diag), Lines{"$.s.proxy.enabled: HTTP proxies for backend connections are not supported yet"});
  auto off = parse(R"({"target": "http://h"})", R"({"proxy": {"enabled": false, "useSystemProxy": false}})");
  EXPECT_EQ(lines(off.diag), Lines{});
  auto bad = parse(R"({"target": "http://h"})", R"({"proxy": {"port": 70000, "type": "SOCKS"}})");
  EXPECT_EQ(lines(bad.diag), (Lines{
                                 "$.s.proxy.port: must be between 0 and 65535 (got 70000)",
                                 "$.s.proxy.type: unknown proxy type 'SOCKS' (did you mean 'SOCKS4'? known: HTTP, "
                                 "SOCKS4, SOCKS5)",
                             }));
}

// Every http-proxy endpoint in Gravitee's own http definitions parses. The exceptions are listed with their exact
// message: a placeholder Gravitee's test harness substitutes, its test-only `connectionErrors`, and HTTP/2.
TEST(HttpProxyEndpoint, GraviteeConformanceCorpus) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(GANTRY_SHARED_DIR) / "conformance/gravitee/definitions-v4/http";
  ASSERT_TRUE(fs::exists(root)) << root;
  auto factory = make_http_proxy_endpoint_factory();
  std::vector<std::string> errors, warnings;
  int endpoints = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto def = json::parse(text.str(), ec);
    if (ec || !def.is_object() || !def.as_object().contains("endpointGroups")) continue;
    const auto& groups = def.at("endpointGroups").as_array();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& group = groups[g].as_object();
      if (group.at("type") != "http-proxy") continue;
      const auto& members = group.at("endpoints").as_array();
      for (std::size_t e = 0; e < members.size(); ++e) {
        const auto& endpoint = members[e].as_object();
        bool inherit = !endpoint.contains("inheritConfiguration") || endpoint.at("inheritConfiguration").as_bool();
        json::value none;
        const json::value* shared = inherit ? group.if_contains("sharedConfiguration")
                                            : endpoint.if_contains("sharedConfigurationOverride");
        const json::value* configuration = endpoint.if_contains("configuration");
        Diagnostics diag;
        factory->parse_config(configuration ? *configuration : none, "$.c", shared ? *shared : none, "$.s", diag);
        ++endpoints;
        for (const auto& p : diag.problems())
          (p.severity == Problem::Severity::error ? errors : warnings)
              .push_back(fs::relative(entry.path(), root).string() + ": " + p.path + ": " + p.message);
      }
    }
  }
  std::sort(errors.begin(), errors.end());
  std::sort(warnings.begin(), warnings.end());
  EXPECT_GT(endpoints, 90);
  EXPECT_EQ(warnings, (Lines{
                          "failover/connectionfailure/api-proxy-only-one-endpoint-fail-each-connect.json: "
                          "$.c.connectionErrors: unknown field 'connectionErrors'",
                          "failover/connectionfailure/api-proxy-only-one-endpoint-fail-first-connect.json: "
                          "$.c.connectionErrors: unknown field 'connectionErrors'",
                          "post/api-endpoint-http2.json: $.s.http.version: HTTP/2 to backends is not supported yet; "
                          "HTTP/1.1 is used",
                      }));
  EXPECT_EQ(errors, (Lines{
                        "sse/api-sse-proxy.json: $.c.target: invalid target URL "
                        "'http://localhost:${GATEWAY_HTTP_PORT}/sse-mock-endpoint': expected an absolute http or "
                        "https URL",
                    }));
}

}  // namespace
}  // namespace gantry
