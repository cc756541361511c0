#include "policies/xml_to_json/xml_to_json.hpp"

#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>
#include <pugixml.hpp>

#include <charconv>

namespace gantry {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// org.json's stringToValue: true/false/null and plain numbers are typed; anything else (including "007") stays
// a string.
boost::json::value typed(std::string_view s) {
  if (s.empty()) return boost::json::string(s);
  if (s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "false" || s == "FALSE" || s == "False") return false;
  if (s == "null") return nullptr;
  const char first = s.front();
  if (!(std::isdigit(static_cast<unsigned char>(first)) || first == '-')) return boost::json::string(s);
  const std::string_view digits = first == '-' ? s.substr(1) : s;
  if (digits.size() > 1 && digits[0] == '0' && digits[1] != '.') return boost::json::string(s);
  if (s.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ec == std::errc() && end == s.data() + s.size()) return i;
    return boost::json::string(s);
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  if (!ec && v.is_number()) return v;
  return boost::json::string(s);
}

// Adds `value` under `key`; a key seen before becomes an array of its values.
void accumulate(boost::json::object& object, std::string_view key, boost::json::value value) {
  auto it = object.find(key);
  if (it == object.end()) {
    object.emplace(key, std::move(value));
  } else if (auto* items = it->value().if_array()) {
    items->push_back(std::move(value));
  } else {
    boost::json::array both;
    both.push_back(std::move(it->value()));
    both.push_back(std::move(value));
    it->value() = std::move(both);
  }
}

bool convert(const pugi::xml_node& element, boost::json::value& out, int depth, std::string& error) {
  if (depth > xml_to_json_max_depth) {
    error = "the document is nested deeper than " + std::to_string(xml_to_json_max_depth) + " elements";
    return false;
  }
  boost::json::object object;
  for (const auto& attribute : element.attributes()) accumulate(object, attribute.name(), typed(attribute.value()));
  std::string text;
  for (const auto& child : element.children()) {
    if (child.type() == pugi::node_element) {
      boost::json::value v;
      if (!convert(child, v, depth + 1, error)) return false;
      accumulate(object, child.name(), std::move(v));
    } else if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      auto piece = trim(child.value());
      if (!piece.empty()) accumulate(object, "content", typed(piece));
    }
  }
  if (object.empty()) out = boost::json::string("");
  else if (object.size() == 1 && object.begin()->key() == "content") out = std::move(object.begin()->value());
  else out = std::move(object);
  return true;
}

// JSON text with numbers as written by people ("1.5", where Boost.JSON would write "1.5E0").
void write_json(const boost::json::value& v, std::string& out) {
  if (const auto* object = v.if_object()) {
    out += '{';
    bool first = true;
    for (const auto& member : *object) {
      if (!first) out += ',';
      first = false;
      out += boost::json::serialize(boost::json::string(member.key()));
      out += ':';
      write_json(member.value(), out);
    }
    out += '}';
  } else if (const auto* array = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (i) out += ',';
      write_json((*array)[i], out);
    }
    out += ']';
  } else if (v.is_double()) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.get_double());
    out.append(buffer, end);
  } else {
    out += boost::json::serialize(v);
  }
}

Verdict transform(PolicyContext& ctx, std::string* body, http::fields* headers, unsigned failure_status) {
  if (!body || !headers) return Verdict::next;
  std::string error;
  auto json = xml_to_json(*body, error);
  if (!json) {
    ctx.direct = DirectResponse{failure_status, "XML_INVALID_PAYLOAD",
                                "Unable to transform invalid XML to Json: " + error, {}, {}};
    return Verdict::respond;
  }
  *body = std::move(*json);
  headers->set(http::field::content_type, "application/json");
  return Verdict::next;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  r.accept({"scope"});  // v2's phase selector; in v4 the step's phase decides
  return std::make_shared<XmlToJson>();
}

}  // namespace

std::optional<std::string> xml_to_json(std::string_view xml, std::string& error) {
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    error = std::string(parsed.description()) + " at offset " + std::to_string(parsed.offset);
    return std::nullopt;
  }
  boost::json::object root;
  for (const auto& child : doc.children()) {
    if (child.type() != pugi::node_element) continue;
    boost::json::value v;
    if (!convert(child, v, 1, error)) return std::nullopt;
    accumulate(root, child.name(), std::move(v));
  }
  if (root.empty()) {
    error = "no root element";
    return std::nullopt;
  }
  std::string out;
  write_json(root, out);
  return out;
}

Verdict XmlToJson::on_request(PolicyContext& ctx) const {
  return transform(ctx, ctx.request_body, &ctx.request(), 400);
}

Verdict XmlToJson::on_response(PolicyContext& ctx) const {
  return transform(ctx, ctx.response_body, ctx.response, 500);
}

MessageVerdict XmlToJson::on_message(MessagePolicyContext& ctx) const {
  std::string error;
  auto json = xml_to_json(ctx.message.get().content, error);
  if (!json) {
    ctx.error = "Unable to transform invalid XML to Json: " + error;
    return MessageVerdict::fail;
  }
  Message& m = ctx.message.edit();
  m.content = std::move(*json);
  set_field(m.headers, "Content-Type", "application/json");
  return MessageVerdict::next;
}

std::unique_ptr<PolicyFactory> make_xml_to_json_factory(std::string_view type) {
  return make_policy_factory(type, phase_request | phase_response | phase_publish | phase_subscribe, parse);
}

}  // namespace gantry
