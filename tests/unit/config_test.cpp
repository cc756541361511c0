#include "core/config/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace gantry {
namespace {

std::string write_temp(const std::string& text) {
  char name[] = "/tmp/gantry-config-XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(ConfigTest, DefaultsMatchTheContract) {
  char* env[] = {nullptr};
  Config c = load_config("", env);
  EXPECT_EQ(c.gateway.port, 8082);
  EXPECT_EQ(c.management.port, 8083);
  EXPECT_EQ(c.management.host, "127.0.0.1");
  EXPECT_EQ(c.repository.type, "sqlite");
  EXPECT_EQ(c.log.format, "text");
  EXPECT_EQ(c.gateway.threads, 0);
  EXPECT_EQ(c.gateway.request_timeout, std::chrono::milliseconds(30000));  // Gravitee's http.requestTimeout
}

TEST(ConfigTest, RequestTimeoutIsSetInMillisecondsAndZeroTurnsItOff) {
  std::string ms = "GANTRY_GATEWAY_TIMEOUTS_REQUEST_MS=300";
  char* env[] = {ms.data(), nullptr};
  EXPECT_EQ(load_config("", env).gateway.request_timeout, std::chrono::milliseconds(300));
  std::string off = "GANTRY_GATEWAY_TIMEOUTS_REQUEST_MS=0";
  char* env_off[] = {off.data(), nullptr};
  EXPECT_EQ(load_config("", env_off).gateway.request_timeout, std::chrono::milliseconds(0));
  std::string bad = "GANTRY_GATEWAY_TIMEOUTS_REQUEST_MS=-1";
  char* env_bad[] = {bad.data(), nullptr};
  EXPECT_THROW(load_config("", env_bad), ConfigError);
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  auto file = write_temp("gateway:\n  port: 9000\n  limits:\n    max_body_bytes: 10\nlog:\n  format: json\n");
  std::string port = "GANTRY_GATEWAY_PORT=9100";
  std::string body = "GANTRY_GATEWAY_LIMITS_MAX_BODY_BYTES=2048";
  char* env[] = {port.data(), body.data(), nullptr};
  Config c = load_config(file, env);
  EXPECT_EQ(c.gateway.port, 9100);
  EXPECT_EQ(c.gateway.max_body_bytes, 2048u);
  EXPECT_EQ(c.log.format, "json");
  std::remove(file.c_str());
}

TEST(ConfigTest, EveryProblemIsReportedWithItsKey) {
  auto file = write_temp("gateway:\n  prot: 1\n  port: notanumber\nlog:\n  format: xml\n");
  char* env[] = {nullptr};
  try {
    load_config(file, env);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "unknown configuration key 'gateway.prot' (did you mean 'gateway.port'?)\n"
                 "gateway.port: invalid value 'notanumber'\n"
                 "log.format: invalid value 'xml'");
  }
  std::remove(file.c_str());
}

TEST(ConfigTest, TlsNeedsCertAndKey) {
  std::string cert = "GANTRY_GATEWAY_TLS_CERT=/tmp/c.pem";
  char* env[] = {cert.data(), nullptr};
  EXPECT_THROW(load_config("", env), ConfigError);
}

}  // namespace
}  // namespace gantry
