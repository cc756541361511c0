#include "gateway/flows/exchange_el.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

#include <set>

namespace gantry {

el::Value HeadersObject::get(std::string_view name) const {
  if (!fields) return {};
  auto range = fields->equal_range(name);
  if (range.first == range.second) return {};
  el::List values;
  for (auto it = range.first; it != range.second; ++it) values.emplace_back(std::string_view(it->value()));
  return values;
}

std::vector<std::string> HeadersObject::keys() const {
  std::vector<std::string> out;
  if (!fields) return out;
  std::set<std::string> seen;
  for (const auto& f : *fields) {
    std::string name(f.name_string());
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (seen.insert(lower).second) out.push_back(std::move(name));
  }
  return out;
}

el::Value MapObject::get(std::string_view name) const {
  if (!map) return {};
  auto it = map->find(name);
  return it == map->end() ? el::Value{} : it->second;
}

std::vector<std::string> MapObject::keys() const {
  std::vector<std::string> out;
  if (map)
    for (const auto& [k, v] : *map) out.push_back(k);
  return out;
}

ExchangeElContext::ExchangeElContext(const Exchange& ex, const el::Map& api_properties, const el::Map& attributes,
                                     const el::Map& path_params)
    : ex_(ex),
      timestamp_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count()) {
  request_.owner = this;
  response_.owner = this;
  request_headers_.fields = &ex.parser.get().base();
  properties_.map = &api_properties;
  attributes_.map = &attributes;
  path_params_.map = &path_params;
  context_.member = "attributes";
  context_.value = &attributes_;
  api_.member = "properties";
  api_.value = &properties_;
}

void ExchangeElContext::set_response(const http::fields* headers, unsigned status) {
  response_headers_.fields = headers;
  status_ = status;
}

el::Value ExchangeElContext::variable(std::string_view name) const {
  if (name == "request") return &request_;
  if (name == "response") return response_headers_.fields ? el::Value(&response_) : el::Value{};
  if (name == "context") return &context_;
  if (name == "api") return &api_;
  if (name == "properties") return &properties_;
  return {};
}

el::Value ExchangeElContext::params() const {
  if (!params_) {
    el::Map m;
    if (auto query = boost::urls::parse_query(ex_.query)) {
      for (auto param : *query) {
        std::string key, value;
        for (char c : *param.key) key += c;
        if (param.has_value)
          for (char c : *param.value) value += c;
        auto& slot = m[key];
        el::List values = slot.is_list() ? slot.as_list() : el::List{};
        values.emplace_back(std::move(value));
        slot = std::move(values);
      }
    }
    params_ = std::move(m);
  }
  return *params_;
}

el::Value ExchangeElContext::Request::get(std::string_view name) const {
  const Exchange& ex = owner->ex_;
  const auto& req = ex.parser.get();
  if (name == "headers") return &owner->request_headers_;
  if (name == "id") return ex.request_id;
  if (name == "transactionId") return ex.transaction_id;
  if (name == "method") return std::string_view(req.method_string());
  if (name == "path") return ex.path;
  if (name == "pathInfo") return ex.remaining_path.empty() ? std::string("/") : ex.remaining_path;
  if (name == "contextPath") return ex.context_path;
  if (name == "uri") return ex.query.empty() ? ex.path : ex.path + "?" + ex.query;
  if (name == "params" || name == "parameters") return owner->params();
  if (name == "pathParams" || name == "pathParameters") return &owner->path_params_;
  if (name == "paths") {
    el::List parts;
    std::string_view p = ex.path;
    std::size_t start = 0;
    while (start <= p.size()) {
      auto slash = p.find('/', start);
      if (slash == std::string_view::npos) slash = p.size();
      parts.emplace_back(p.substr(start, slash - start));
      start = slash + 1;
    }
    return parts;
  }
  if (name == "scheme") return std::string(ex.client.is_tls() ? "https" : "http");
  if (name == "host") return std::string_view(req[http::field::host]);
  if (name == "remoteAddress") return ex.remote.address().to_string();
  if (name == "localAddress") {
    boost::system::error_code ec;
    auto local = ex.client.tcp().socket().local_endpoint(ec);
    return ec ? el::Value{} : el::Value(local.address().to_string());
  }
  if (name == "timestamp") return owner->timestamp_ms_;
  if (name == "version") return std::string(req.version() == 10 ? "HTTP_1_0" : "HTTP_1_1");
  if (name == "content") return ex.request_content ? el::Value(*ex.request_content) : el::Value(std::string());
  return {};
}

el::Value ExchangeElContext::Response::get(std::string_view name) const {
  if (name == "status") return std::int64_t{owner->status_};
  if (name == "headers") return &owner->response_headers_;
  if (name == "content") return owner->response_content_ ? el::Value(*owner->response_content_) : el::Value(std::string());
  return {};
}

}  // namespace gantry
