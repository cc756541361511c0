#include "policies/latency/latency.hpp"

#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace gantry {
namespace asio = boost::asio;

asio::awaitable<Verdict> Latency::on_request_async(PolicyContext&) const {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return Verdict::next;
}

namespace {

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<Latency>();
  std::int64_t time = 0;
  r.read("time", time, 0);
  std::string unit = "MILLISECONDS";
  r.read("timeUnit", unit);
  std::int64_t delay_ms = 0;
  r.read("delay", delay_ms, 0);  // the spelling of Gravitee's own test definitions: milliseconds
  static const std::vector<std::pair<std::string, std::int64_t>> units = {
      {"MILLISECONDS", 1}, {"SECONDS", 1000}, {"MINUTES", 60'000}};
  const auto it = std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == unit; });
  if (it == units.end()) {
    diag.error(r.path_of("timeUnit"),
               unknown_name_message("time unit", unit, std::vector<std::string>{"MILLISECONDS", "MINUTES", "SECONDS"}));
    return nullptr;
  }
  policy->delay = std::chrono::milliseconds(delay_ms > 0 ? delay_ms : time * it->second);
  return policy;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_latency_factory() {
  return make_policy_factory("latency", phase_request | phase_response | phase_publish | phase_subscribe, parse);
}

}  // namespace gantry
