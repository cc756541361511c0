// xml-to-json: turns the XML body of the request or the response into JSON the way Gravitee's policy (org.json's
// XML reader) does: elements become keys (repeated ones an array), attributes keys of their element, text mixed
// with attributes or children the "content" key, and numbers and booleans typed.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gantry {

// Gravitee's default policy.xml2json.maxdepth: deeper documents are refused.
constexpr int xml_to_json_max_depth = 100;

// The JSON text for an XML document; nullopt with `error` set when the XML is not well formed or too deep.
std::optional<std::string> xml_to_json(std::string_view xml, std::string& error);

class XmlToJson final : public Policy {
 public:
  Verdict on_request(PolicyContext& ctx) const override;
  Verdict on_response(PolicyContext& ctx) const override;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;
  bool needs_content() const override { return true; }
};

// Gravitee's plugin id is "xml-json"; "xml-to-json" is accepted too.
std::unique_ptr<PolicyFactory> make_xml_to_json_factory(std::string_view type = "xml-json");

}  // namespace gantry
