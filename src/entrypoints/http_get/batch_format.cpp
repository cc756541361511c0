#include "entrypoints/http_get/batch_format.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace gantry::http_get {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ---- JSON ----------------------------------------------------------------------------------------------------

boost::json::object headers_object(const MessageFields& fields) {
  boost::json::object out;  // a header may repeat: each name maps to the list of its values
  for (const auto& [name, value] : fields) {
    auto& values = out[name];
    if (!values.is_array()) values = boost::json::array();
    values.as_array().emplace_back(value);
  }
  return out;
}

boost::json::object fields_object(const MessageFields& fields) {
  boost::json::object out;
  for (const auto& [name, value] : fields) out[name] = value;
  return out;
}

std::string json_body(const std::vector<MessagePtr>& messages, const Pagination& p, const BatchOptions& options,
                      const PageError* error) {
  boost::json::array items;
  for (const auto& m : messages) {
    boost::json::object item;
    if (options.headers_in_payload) item["headers"] = headers_object(m->headers);
    item["id"] = m->id;
    item["content"] = m->content;
    if (options.metadata_in_payload) item["metadata"] = fields_object(m->metadata);
    items.emplace_back(std::move(item));
  }
  boost::json::object pagination;
  if (!p.cursor.empty()) pagination["cursor"] = p.cursor;
  if (!p.next_cursor.empty()) pagination["nextCursor"] = p.next_cursor;
  if (!p.limit.empty()) pagination["limit"] = p.limit;
  boost::json::object body{{"items", std::move(items)}};
  if (error) {
    boost::json::object item{{"id", error->id}, {"content", error->content}};
    if (!error->key.empty()) item["metadata"] = boost::json::object{{"key", error->key}};
    body["error"] = std::move(item);
  }
  body["pagination"] = std::move(pagination);
  return boost::json::serialize(body);
}

// ---- XML -----------------------------------------------------------------------------------------------------

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Content goes in CDATA, split where it contains "]]>" (which would end the section early).
void append_cdata(std::string& out, std::string_view content) {
  out += "<![CDATA[";
  for (std::size_t at; (at = content.find("]]>")) != std::string_view::npos;) {
    out += content.substr(0, at + 2);
    out += "]]><![CDATA[";
    content.remove_prefix(at + 2);
  }
  out += content;
  out += "]]>";
}

// Element names come from header and metadata names; anything but a plain name character becomes '_'.
std::string xml_name(std::string_view name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) || out.front() == '-' || out.front() == '.')
    out.insert(out.begin(), '_');
  return out;
}

void append_xml_fields(std::string& out, std::string_view element, const MessageFields& fields) {
  out += "<" + std::string(element) + ">";
  for (const auto& [name, value] : fields) {
    const auto tag = xml_name(name);
    out += "<" + tag + ">" + xml_escape(value) + "</" + tag + ">";
  }
  out += "</" + std::string(element) + ">";
}

std::string xml_body(const std::vector<MessagePtr>& messages, const Pagination& p, const BatchOptions& options,
                     const PageError* error) {
  std::string out = "<response><items>";
  for (const auto& m : messages) {
    out += "<item>";
    if (options.headers_in_payload) append_xml_fields(out, "headers", m->headers);
    out += "<id>" + xml_escape(m->id) + "</id><content>";
    append_cdata(out, m->content);
    out += "</content>";
    if (options.metadata_in_payload) append_xml_fields(out, "metadata", m->metadata);
    out += "</item>";
  }
  out += "</items>";
  if (error) {
    out += "<error><id>" + xml_escape(error->id) + "</id><content>";
    append_cdata(out, error->content);
    out += "</content>";
    if (!error->key.empty()) out += "<metadata><key>" + xml_escape(error->key) + "</key></metadata>";
    out += "</error>";
  }
  out += "<pagination>";
  if (!p.cursor.empty()) out += "<cursor>" + xml_escape(p.cursor) + "</cursor>";
  if (!p.next_cursor.empty()) out += "<nextCursor>" + xml_escape(p.next_cursor) + "</nextCursor>";
  if (!p.limit.empty()) out += "<limit>" + xml_escape(p.limit) + "</limit>";
  out += "</pagination></response>";
  return out;
}

// ---- text ----------------------------------------------------------------------------------------------------

void append_text_fields(std::string& out, const MessageFields& fields) {
  out += "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ", ";
    out += fields[i].first + "=" + fields[i].second;
  }
  out += "}";
}

// Gravitee's text layout: one "item" line per message followed by its "name: value" lines, then the pagination.
std::string text_body(const std::vector<MessagePtr>& messages, const Pagination& p, const BatchOptions& options,
                      const PageError* error) {
  std::string out = "items\n";
  for (const auto& message : messages) {
    const auto& m = *message;
    out += "item\n";
    out += "id: " + m.id + "\n";
    out += "content: " + m.content + "\n";
    if (options.headers_in_payload) {
      out += "headers: ";
      append_text_fields(out, m.headers);
      out += "\n";
    }
    if (options.metadata_in_payload) {
      out += "metadata: ";
      append_text_fields(out, m.metadata);
      out += "\n";
    }
  }
  if (error) {
    out += "error\nid: " + error->id + "\ncontent: " + error->content + "\n";
    if (!error->key.empty()) out += "metadata: {key=" + error->key + "}\n";
  }
  out += "pagination\n";
  if (!p.cursor.empty()) out += "cursor: " + p.cursor + "\n";
  if (!p.next_cursor.empty()) out += "nextCursor: " + p.next_cursor + "\n";
  if (!p.limit.empty()) out += "limit: " + p.limit + "\n";
  return out;
}

}  // namespace

std::optional<BodyFormat> choose_format(std::string_view accept) {
  if (trim(accept).empty()) return BodyFormat::text;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    auto type = trim(accept.substr(0, comma).substr(0, accept.substr(0, comma).find(';')));
    if (type == "*/*" || type == "application/json" || type == "application/*") return BodyFormat::json;
    if (type == "application/xml") return BodyFormat::xml;
    if (type == "text/plain" || type == "text/*") return BodyFormat::text;
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
  }
  return std::nullopt;
}

std::string_view content_type(BodyFormat format) {
  switch (format) {
    case BodyFormat::json: return "application/json";
    case BodyFormat::xml: return "application/xml";
    case BodyFormat::text: return "text/plain";
  }
  return "text/plain";
}

std::string format_batch(BodyFormat format, const std::vector<MessagePtr>& messages, const Pagination& pagination,
                         const BatchOptions& options, const PageError* error) {
  switch (format) {
    case BodyFormat::json: return json_body(messages, pagination, options, error);
    case BodyFormat::xml: return xml_body(messages, pagination, options, error);
    case BodyFormat::text: return text_body(messages, pagination, options, error);
  }
  return {};
}

}  // namespace gantry::http_get
