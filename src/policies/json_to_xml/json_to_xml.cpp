#include "policies/json_to_xml/json_to_xml.hpp"

#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>
#include <re2/re2.h>

#include <charconv>

namespace gantry {
namespace {

void escape(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
}

void text_of(const boost::json::value& v, std::string& out) {
  if (v.is_string()) {
    escape(std::string_view(v.get_string().data(), v.get_string().size()), out);
  } else if (v.is_null()) {
    out += "null";
  } else if (v.is_double()) {  // shortest form, "1.5" (Boost.JSON would write "1.5E0")
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.get_double());
    out.append(buffer, end);
  } else {
    escape(boost::json::serialize(v), out);
  }
}

void write(const boost::json::value& v, std::string_view tag, std::string& out);

void write_members(const boost::json::object& object, std::string& out) {
  for (const auto& member : object) {
    const std::string_view key(member.key().data(), member.key().size());
    const auto& value = member.value();
    if (key == "content") {  // text of the enclosing element; an array's items on separate lines
      if (const auto* items = value.if_array()) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          if (i) out += '\n';
          text_of((*items)[i], out);
        }
      } else {
        text_of(value, out);
      }
    } else if (const auto* items = value.if_array()) {
      for (const auto& item : *items) {
        if (item.is_array()) {
          out += '<' + std::string(key) + '>';
          write(item, "", out);
          out += "</" + std::string(key) + '>';
        } else {
          write(item, key, out);
        }
      }
    } else if (value.is_string() && value.get_string().empty()) {
      out += '<' + std::string(key) + "/>";
    } else {
      write(value, key, out);
    }
  }
}

// One value as the element `tag` ("" = no enclosing element).
void write(const boost::json::value& v, std::string_view tag, std::string& out) {
  if (const auto* items = v.if_array()) {
    for (const auto& item : *items) write(item, tag.empty() ? "array" : tag, out);
    return;
  }
  if (!tag.empty()) out += '<' + std::string(tag) + '>';
  if (const auto* object = v.if_object()) write_members(*object, out);
  else text_of(v, out);
  if (!tag.empty()) out += "</" + std::string(tag) + '>';
}

Verdict transform(const JsonToXml& self, PolicyContext& ctx, std::string* body, http::fields* headers,
                  unsigned failure_status) {
  if (!body || !headers) return Verdict::next;
  std::string error;
  auto xml = json_to_xml(*body, self.root_element, error);
  if (!xml) {
    ctx.direct = DirectResponse{failure_status, "JSON_INVALID_PAYLOAD",
                                "Unable to transform invalid JSON into XML: " + error, {}, {}};
    return Verdict::respond;
  }
  *body = std::move(*xml);
  headers->set(http::field::content_type, "application/xml;charset=UTF-8");
  return Verdict::next;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  r.accept({"scope"});  // v2's phase selector; in v4 the step's phase decides
  auto policy = std::make_shared<JsonToXml>();
  r.read("rootElement", policy->root_element);
  static const RE2 name(R"([a-zA-Z:_][a-zA-Z0-9:_.\-]*)");
  if (!RE2::FullMatch(policy->root_element, name)) {
    diag.error(r.path_of("rootElement"), "not a valid XML element name: '" + policy->root_element + "'");
    return nullptr;
  }
  return policy;
}

}  // namespace

std::optional<std::string> json_to_xml(std::string_view json, std::string_view root, std::string& error) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec) {
    error = ec.message();
    return std::nullopt;
  }
  if (!v.is_object()) {
    error = "expected a JSON object";
    return std::nullopt;
  }
  std::string out;
  out.reserve(json.size() * 2);
  write(v, root, out);
  return out;
}

Verdict JsonToXml::on_request(PolicyContext& ctx) const {
  return transform(*this, ctx, ctx.request_body, &ctx.request(), 400);
}

Verdict JsonToXml::on_response(PolicyContext& ctx) const {
  return transform(*this, ctx, ctx.response_body, ctx.response, 500);
}

MessageVerdict JsonToXml::on_message(MessagePolicyContext& ctx) const {
  std::string error;
  auto xml = json_to_xml(ctx.message.get().content, root_element, error);
  if (!xml) {
    ctx.error = "Unable to transform invalid JSON into XML: " + error;
    return MessageVerdict::fail;
  }
  Message& m = ctx.message.edit();
  m.content = std::move(*xml);
  set_field(m.headers, "Content-Type", "application/xml;charset=UTF-8");
  return MessageVerdict::next;
}

std::unique_ptr<PolicyFactory> make_json_to_xml_factory(std::string_view type) {
  return make_policy_factory(type, phase_request | phase_response | phase_publish | phase_subscribe, parse);
}

}  // namespace gantry
