// The EL roots of a proxy exchange (#request, #response, #context, #api, #properties), read lazily from the
// exchange: nothing is copied until an expression asks for it.
#pragma once

#include "core/el/expression.hpp"
#include "gateway/exchange.hpp"

#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace gantry {

// Header fields seen from EL: `headers['x']` is the list of values, null when absent.
class HeadersObject final : public el::Object {
 public:
  const http::fields* fields = nullptr;
  el::Value get(std::string_view name) const override;
  std::vector<std::string> keys() const override;
};

// A plain map seen as an object (attributes, properties, path parameters).
class MapObject final : public el::Object {
 public:
  const el::Map* map = nullptr;
  el::Value get(std::string_view name) const override;
  std::vector<std::string> keys() const override;
};

class ExchangeElContext final : public el::Context {
 public:
  // `api_properties` lives as long as the deployed API; `attributes` and `path_params` as long as this context.
  ExchangeElContext(const Exchange& ex, const el::Map& api_properties, const el::Map& attributes,
                    const el::Map& path_params);

  el::Value variable(std::string_view name) const override;

  // The response phase sees the backend's response.
  void set_response(const http::fields* headers, unsigned status);
  // The response body, when the flows hold it whole (#response.content); null = empty.
  void set_response_content(const std::string* content) { response_content_ = content; }

 private:
  class Request final : public el::Object {
   public:
    const ExchangeElContext* owner = nullptr;
    el::Value get(std::string_view name) const override;
    bool is_map() const override { return false; }
  };
  class Response final : public el::Object {
   public:
    const ExchangeElContext* owner = nullptr;
    el::Value get(std::string_view name) const override;
    bool is_map() const override { return false; }
  };
  class Root final : public el::Object {  // #context and #api: one member each that matters
   public:
    std::string_view member;
    const el::Object* value = nullptr;
    el::Value get(std::string_view name) const override { return name == member ? el::Value(value) : el::Value{}; }
  };

  el::Value params() const;

  const Exchange& ex_;
  std::int64_t timestamp_ms_;
  Request request_;
  Response response_;
  HeadersObject request_headers_, response_headers_;
  MapObject properties_, attributes_, path_params_;
  Root context_, api_;
  unsigned status_ = 0;
  const std::string* response_content_ = nullptr;
  mutable std::optional<el::Map> params_;  // parsed from the query on first use
};

}  // namespace gantry
