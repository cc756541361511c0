// The EL roots of a message phase: #message (the message being run) and #subscription (the client's
// subscription, found by its API key), over the roots of the request that opened the stream (#request,
// #context, #api, #properties). Built once per stream; set() points it at each message, nothing is copied.
#pragma once

#include "core/el/expression.hpp"
#include "core/message/message.hpp"
#include "gateway/flows/exchange_el.hpp"
#include "gateway/flows/policy.hpp"
#include "gateway/subscription_directory.hpp"

#include <memory>

namespace gantry {

// Message headers, metadata or attributes seen from EL. Headers read like HTTP headers (case-insensitive, the list
// of values: `headers['x'][0]`, `headers.x == 'v'`); metadata and attributes give their (first) value.
class FieldsObject final : public el::Object {
 public:
  const MessageDraft* const* draft = nullptr;  // read through: a step may replace the message (copy on write)
  MessageFields Message::*field = nullptr;
  bool headers = false;
  el::Value get(std::string_view name) const override;
  std::vector<std::string> keys() const override;

 private:
  const MessageFields* fields() const;
};

class MessageElContext final : public el::Context {
 public:
  // `stream` (may be null) answers every root but #message and #subscription; `subscription` may be null (no
  // metadata). Both must outlive this context.
  MessageElContext(const el::Context* stream, std::shared_ptr<const SubscriptionInfo> subscription);

  // The message the next evaluations see (read through the draft, which a step may replace); null: #message is
  // null (a condition evaluated once per stream).
  void set(const MessageDraft* draft) { draft_ = draft; }
  el::Value variable(std::string_view name) const override;

 private:
  class MessageRoot final : public el::Object {
   public:
    const MessageElContext* owner = nullptr;
    el::Value get(std::string_view name) const override;
    bool is_map() const override { return false; }
  };
  class SubscriptionRoot final : public el::Object {
   public:
    const MessageElContext* owner = nullptr;
    el::Value get(std::string_view name) const override;
    bool is_map() const override { return false; }
  };

  const el::Context* stream_;
  std::shared_ptr<const SubscriptionInfo> subscription_;
  const MessageDraft* draft_ = nullptr;
  MessageRoot message_root_;
  SubscriptionRoot subscription_root_;
  FieldsObject headers_, metadata_, attributes_;
  MapObject subscription_metadata_;
};

}  // namespace gantry
