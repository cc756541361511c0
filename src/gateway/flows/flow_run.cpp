#include "gateway/flows/flow_run.hpp"

#include "net/http_head.hpp"

#include "core/definition/model.hpp"
#include "gateway/response_template_body.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

namespace gantry {
namespace asio = boost::asio;

asio::awaitable<Verdict> Policy::on_request_async(PolicyContext&) const { co_return Verdict::next; }
asio::awaitable<Verdict> Policy::on_response_async(PolicyContext&) const { co_return Verdict::next; }

FlowRun::FlowRun(const FlowChain& chain, Exchange& ex, MessageSelection message)
    : chain_(chain),
      ex_(ex),
      el_(ex, chain.properties(), attributes_, path_params_),
      ctx_{ex, el_, attributes_, chain.services()},
      message_(message) {}

namespace {

// Gravitee's `mapped-path` attribute: the listener's pathMappings entry the request path matches.
void set_mapped_path(const Exchange& ex, el::Map& attributes) {
  if (!ex.api) return;
  const std::string_view path = ex.remaining_path.empty() ? std::string_view("/") : ex.remaining_path;
  for (const auto& listener : ex.api->listeners)
    for (const auto& mapping : listener.path_mappings)
      if (matches_pattern_text(mapping, path)) {
        attributes.insert_or_assign("mapped-path", el::Value(mapping));
        return;
      }
}

}  // namespace

asio::awaitable<bool> FlowRun::request_phase() {
  set_mapped_path(ex_, attributes_);
  const auto& req = ex_.parser.get();
  FlowRequest request{req.method_string(), ex_.remaining_path.empty() ? std::string_view("/") : ex_.remaining_path,
                      &el_, message_.channel, message_.operations, message_.entrypoint, chain_.defers_conditions()};
  chain_.select(request, flows_, path_params_);
  if (flows_.empty() && chain_.match_required()) {
    // A named value, not a temporary: GCC 12 destroys temporaries inside co_await expressions twice.
    const DirectResponse not_found{404, "GATEWAY_FLOW_NOT_FOUND", "No flow matches the request", {}, {}};
    co_await write_direct_response(ex_, not_found);
    co_return false;
  }
  bool request_content = false;
  for (const auto* flow : flows_) {
    request_content = request_content || flow->request_content;
    response_content_ = response_content_ || flow->response_content;
  }
  if (request_content) {
    const auto limit = std::min<std::uint64_t>(max_buffered_content, ex_.config.max_body_bytes);
    const boost::system::error_code ec = co_await read_request_body(ex_, request_body_, limit);
    if (ec) {
      ex_.keep_alive = false;
      co_await write_error(ex_, client_read_error(ec));
      co_return false;
    }
    ex_.request_content = &request_body_;
    ctx_.request_body = &request_body_;
  }
  // Plain statements around co_await: GCC 12 miscompiles co_await inside conditions and ?: operators.
  const Verdict verdict = co_await run_steps(&CompiledFlow::request, false);
  if (verdict != Verdict::respond) co_return true;
  co_await write_direct_response(ex_, *ctx_.direct);
  co_return false;
}

asio::awaitable<std::optional<DirectResponse>> FlowRun::response_phase(http::fields& headers, unsigned& status,
                                                                       std::string* content) {
  add_response_headers(headers);
  ctx_.response = &headers;
  ctx_.response_status = &status;
  ctx_.response_body = content;
  el_.set_response(&headers, status);
  el_.set_response_content(content);
  const Verdict verdict = co_await run_steps(&CompiledFlow::response, true);
  std::optional<DirectResponse> replaced;
  if (verdict == Verdict::respond) {
    replaced = std::move(ctx_.direct);
  } else if (content) {
    for (const auto& [policy, data] : ctx_.on_complete) policy->on_response_complete(ctx_, data, status, headers, *content);
  }
  co_return replaced;
}

asio::awaitable<bool> run_entrypoint_response_phase(Exchange& ex, http::fields& headers, unsigned& status) {
  if (!ex.flows) co_return true;
  auto replaced = co_await ex.flows->response_phase(headers, status);
  if (!replaced) co_return true;
  co_await write_direct_response(ex, *replaced);
  co_return false;
}

bool FlowRun::retry_wanted(const http::fields& headers, unsigned status) {
  if (!ctx_.retry || !ctx_.retry->condition) return false;
  el_.set_response(&headers, status);
  auto r = ctx_.retry->condition->evaluate(el_);
  el_.set_response(nullptr, 0);
  if (!r.ok()) {
    spdlog::warn("{}: retry condition failed: {}", ex_.api ? ex_.api->id : "", r.error);
    return false;
  }
  return el::is_true(r.value);
}

asio::awaitable<Verdict> FlowRun::run_steps(const std::vector<CompiledStep> CompiledFlow::*phase, bool response) {
  // Deferred flow conditions are decided in the request phase, each just before its flow runs; a flow whose
  // condition is false leaves the list for the later phases too.
  const bool decide_conditions = !response && chain_.defers_conditions();
  std::size_t kept = 0;
  for (std::size_t f = 0; f < flows_.size(); ++f) {
    const CompiledFlow* flow = flows_[f];
    if (decide_conditions && flow->condition && !flow_condition_holds(*flow, el_)) continue;
    flows_[kept++] = flow;
    for (const auto& step : flow->*phase) {
      if (step.condition) {
        auto r = step.condition->evaluate(el_);
        if (!r.ok()) {
          spdlog::warn("{}: step '{}' condition failed: {}", ex_.api ? ex_.api->id : "", step.name, r.error);
          ctx_.direct = DirectResponse{500, "GATEWAY_POLICY_CONDITION_ERROR", "Internal Server Error", {}, {}};
          co_return Verdict::respond;
        }
        if (!el::is_true(r.value)) continue;
      }
      ctx_.step_key = step.key;
      Verdict v = response ? step.policy->on_response(ctx_) : step.policy->on_request(ctx_);
      if (v == Verdict::wait) {
        if (response) v = co_await step.policy->on_response_async(ctx_);
        else v = co_await step.policy->on_request_async(ctx_);
      }
      if (v == Verdict::respond) {
        if (decide_conditions) flows_.resize(kept);  // the flows after this one never ran
        co_return v;
      }
      if (response) el_.set_response(ctx_.response, *ctx_.response_status);
    }
  }
  if (decide_conditions) flows_.resize(kept);
  co_return Verdict::next;
}

asio::awaitable<void> write_direct_response(Exchange& ex, const DirectResponse& direct) {
  http::response<http::string_body> res;
  res.version(11);
  const auto& req = ex.parser.get();
  const ResponseTemplate* t = find_response_template(ex.api, direct.key, "", req[http::field::accept]);
  if (ex.flows) ex.flows->add_response_headers(res);
  if (t) {
    res.result(t->status ? t->status : direct.status);
    for (const auto& [name, value] : t->headers) res.set(name, value);
    res.body() = render_template_body(*t, {direct.key, direct.status, direct.message, direct.message});
  } else {
    res.result(direct.status);
    for (const auto& [name, value] : direct.headers) res.set(name, value);
    if (direct.body) {
      res.body() = *direct.body;
    } else {
      res.set(http::field::content_type, "application/json");
      boost::json::object body{{"message", direct.message}, {"http_status_code", direct.status}};
      res.body() = boost::json::serialize(body);
    }
  }
  add_tracking_headers(ex, res);
  if (!ex.parser.is_done() && ex.has_body()) ex.keep_alive = false;  // the unread body would look like a request
  res.keep_alive(ex.keep_alive && req.keep_alive() && !ex.draining());
  if (!res.keep_alive()) ex.keep_alive = false;
  res.prepare_payload();
  ex.status = res.result_int();
  ex.error_key = direct.key;
  ex.response_started = true;
  ex.client.tcp().expires_after(ex.config.keepalive_idle_timeout);
  const std::string_view body = ex.head() ? std::string_view() : std::string_view(res.body());
  auto [ec, n] = co_await net::write_response(ex.client, res.base(), body);
  ex.bytes_out += n;
  if (ec) ex.keep_alive = false;
}

}  // namespace gantry
