#include "policies/common/policy_factory.hpp"

namespace gantry {
namespace {

class BuiltinPolicyFactory final : public PolicyFactory {
 public:
  BuiltinPolicyFactory(std::string_view type, unsigned phases, PolicyParser parse)
      : type_(type), phases_(phases), parse_(parse) {}
  std::string_view type() const override { return type_; }
  unsigned phases() const override { return phases_; }
  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    return parse_(configuration, path, diag);
  }

 private:
  std::string_view type_;
  unsigned phases_;
  PolicyParser parse_;
};

}  // namespace

std::unique_ptr<PolicyFactory> make_policy_factory(std::string_view type, unsigned phases, PolicyParser parse) {
  return std::make_unique<BuiltinPolicyFactory>(type, phases, parse);
}

}  // namespace gantry
