#include "gateway/access_log.hpp"

#include "core/definition/model.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace gantry {
namespace {

std::shared_ptr<spdlog::logger> access_logger;
bool json_format = false;

// %* in a pattern: the message as a JSON string body (quotes and control characters escaped).
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string quoted = boost::json::serialize(boost::json::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(quoted.data() + 1, quoted.data() + quoted.size() - 1);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

}  // namespace

void configure_logging(const LogConfig& config) {
  json_format = config.format == "json";
  auto process = std::make_shared<spdlog::logger>("gantry", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (json_format) {
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%*"})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v");
  }
  process->set_formatter(std::move(formatter));
  process->set_level(spdlog::level::from_str(config.level));
  process->flush_on(spdlog::level::info);
  spdlog::set_default_logger(process);

  if (config.access) {
    access_logger = std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    access_logger->set_pattern("%v");
    access_logger->flush_on(spdlog::level::info);
  } else {
    access_logger.reset();
  }
}

void log_access(const Exchange& ex) {
  if (!access_logger) return;
  const auto& req = ex.parser.get();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ex.started).count();
  const std::string api = ex.api ? ex.api->id : "";
  if (json_format) {
    boost::json::object line{
        {"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count()},
        {"remote", ex.remote.address().to_string()},
        {"method", std::string(req.method_string())},
        {"path", ex.path},
        {"status", ex.status},
        {"bytes_in", ex.bytes_in},
        {"bytes_out", ex.bytes_out},
        {"duration_ms", std::round(ms * 1000) / 1000},
        {"api", api},
        {"endpoint", ex.endpoint},
        {"request_id", ex.request_id},
        {"transaction_id", ex.transaction_id},
    };
    if (!ex.error_key.empty()) line["error_key"] = ex.error_key;
    access_logger->info(boost::json::serialize(line));
  } else {
    access_logger->info("{} \"{} {} HTTP/{}.{}\" {} {} {:.3f}ms api={} endpoint={} request_id={} transaction_id={}",
                        ex.remote.address().to_string(), std::string(req.method_string()), ex.path,
                        req.version() / 10, req.version() % 10, ex.status, ex.bytes_out, ms, api.empty() ? "-" : api,
                        ex.endpoint.empty() ? "-" : ex.endpoint, ex.request_id, ex.transaction_id);
  }
}

}  // namespace gantry
