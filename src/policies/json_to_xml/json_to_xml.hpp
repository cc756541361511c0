// json-to-xml: turns the JSON body of the request or the response into XML under one root element, the way
// Gravitee's policy (org.json's XML writer) does: keys become elements, arrays repeat their key, a "content" key
// becomes text.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gantry {

// The XML for a JSON object, wrapped in <root>; nullopt with `error` set when the text is not a JSON object.
std::optional<std::string> json_to_xml(std::string_view json, std::string_view root, std::string& error);

class JsonToXml final : public Policy {
 public:
  std::string root_element = "root";
  Verdict on_request(PolicyContext& ctx) const override;
  Verdict on_response(PolicyContext& ctx) const override;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;
  bool needs_content() const override { return true; }
};

// Gravitee's plugin id is "json-xml"; "json-to-xml" is accepted too.
std::unique_ptr<PolicyFactory> make_json_to_xml_factory(std::string_view type = "json-xml");

}  // namespace gantry
