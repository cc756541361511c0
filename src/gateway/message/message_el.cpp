#include "gateway/message/message_el.hpp"

#include <boost/beast/core/string.hpp>

#include <set>

namespace gantry {

const MessageFields* FieldsObject::fields() const {
  return draft && *draft ? &((*draft)->get().*field) : nullptr;
}

el::Value FieldsObject::get(std::string_view name) const {
  const MessageFields* fields = this->fields();
  if (!fields) return {};
  if (!headers) {
    for (const auto& [k, v] : *fields)
      if (k == name) return std::string_view(v);
    return {};
  }
  el::List values;
  for (const auto& [k, v] : *fields)
    if (boost::beast::iequals(k, name)) values.emplace_back(std::string_view(v));
  if (values.empty()) return {};
  return values;
}

std::vector<std::string> FieldsObject::keys() const {
  std::vector<std::string> out;
  const MessageFields* fields = this->fields();
  if (!fields) return out;
  std::set<std::string, std::less<>> seen;
  for (const auto& [k, v] : *fields)
    if (seen.insert(k).second) out.push_back(k);
  return out;
}

MessageElContext::MessageElContext(const el::Context* stream, std::shared_ptr<const SubscriptionInfo> subscription)
    : stream_(stream), subscription_(std::move(subscription)) {
  message_root_.owner = this;
  subscription_root_.owner = this;
  headers_.headers = true;
  for (auto* f : {&headers_, &metadata_, &attributes_}) f->draft = &draft_;
  headers_.field = &Message::headers;
  metadata_.field = &Message::metadata;
  attributes_.field = &Message::attributes;
  subscription_metadata_.map = subscription_ ? &subscription_->metadata : nullptr;
}

el::Value MessageElContext::variable(std::string_view name) const {
  if (name == "message") return draft_ ? el::Value(&message_root_) : el::Value{};
  // Without a subscription (key-less, unknown key) #subscription.metadata is an empty map, so that
  // `#subscription.metadata['bar']` is null rather than an error.
  if (name == "subscription") return &subscription_root_;
  return stream_ ? stream_->variable(name) : el::Value{};
}

el::Value MessageElContext::MessageRoot::get(std::string_view name) const {
  const Message& m = owner->draft_->get();
  if (name == "content") return std::string_view(m.content);
  if (name == "headers") return &owner->headers_;
  if (name == "metadata") return &owner->metadata_;
  if (name == "attributes") return &owner->attributes_;
  if (name == "id") return std::string_view(m.id);
  if (name == "error") return m.error;
  if (name == "timestamp") return m.timestamp_ms;
  if (name == "contentLength") return static_cast<std::int64_t>(m.content.size());
  return {};
}

el::Value MessageElContext::SubscriptionRoot::get(std::string_view name) const {
  const auto* sub = owner->subscription_.get();
  if (name == "metadata") return &owner->subscription_metadata_;
  if (!sub) return {};
  if (name == "id") return std::string_view(sub->id);
  if (name == "plan") return std::string_view(sub->plan);
  if (name == "application") return std::string_view(sub->application);
  return {};
}

}  // namespace gantry
