#include "core/registry/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace gantry {

namespace {

template <class Factory>
const Factory* find(const std::vector<std::unique_ptr<Factory>>& factories, std::string_view type) {
  for (const auto& f : factories)
    if (f->type() == type) return f.get();
  return nullptr;
}

// Two plugins answering to one name would make a definition mean different things depending on list order.
template <class Factory>
void add_unique(std::vector<std::unique_ptr<Factory>>& factories, std::unique_ptr<Factory> f, const char* kind) {
  if (!f) throw std::logic_error(std::string("null ") + kind + " factory");
  if (find(factories, f->type()))
    throw std::logic_error(std::string(kind) + " type '" + std::string(f->type()) + "' is registered twice");
  factories.push_back(std::move(f));
}

template <class Factory>
std::vector<std::string> sorted_types(const std::vector<std::unique_ptr<Factory>>& factories) {
  std::vector<std::string> types;
  types.reserve(factories.size());
  for (const auto& f : factories) types.emplace_back(f->type());
  std::sort(types.begin(), types.end());
  return types;
}

}  // namespace

void Registry::add(std::unique_ptr<EntrypointFactory> f) { add_unique(entrypoints_, std::move(f), "entrypoint"); }
void Registry::add(std::unique_ptr<EndpointFactory> f) { add_unique(endpoints_, std::move(f), "endpoint"); }
void Registry::add(std::unique_ptr<PolicyFactory> f) { add_unique(policies_, std::move(f), "policy"); }
void Registry::add(std::unique_ptr<ServiceFactory> f) { add_unique(services_, std::move(f), "service"); }

const EntrypointFactory* Registry::entrypoint(std::string_view type) const { return find(entrypoints_, type); }
const EndpointFactory* Registry::endpoint(std::string_view type) const { return find(endpoints_, type); }
const PolicyFactory* Registry::policy(std::string_view type) const { return find(policies_, type); }
const ServiceFactory* Registry::service(std::string_view type) const { return find(services_, type); }

std::vector<std::string> Registry::entrypoint_types() const { return sorted_types(entrypoints_); }
std::vector<std::string> Registry::endpoint_types() const { return sorted_types(endpoints_); }
std::vector<std::string> Registry::policy_types() const { return sorted_types(policies_); }
std::vector<std::string> Registry::service_types() const { return sorted_types(services_); }

}  // namespace gantry
