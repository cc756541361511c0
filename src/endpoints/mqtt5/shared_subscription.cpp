#include "endpoints/mqtt5/shared_subscription.hpp"

#include "endpoints/mqtt5/engine_message.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace gantry::mqtt5 {

namespace asio = boost::asio;

// Cleared on the member's executor when it leaves; work already posted there checks it first.
struct SharedSubscription::Member::State {
  asio::any_io_executor executor;
  MemberCallbacks callbacks;
  bool alive = true;  // read and written only on `executor`
};

SharedSubscription::Member::Member(std::shared_ptr<SharedSubscription> owner, std::shared_ptr<State> state)
    : owner_(std::move(owner)), state_(std::move(state)) {}

SharedSubscription::Member::~Member() {
  state_->alive = false;
  owner_->leave(state_.get());
}

std::shared_ptr<SharedSubscription> SharedSubscription::create(asio::any_io_executor io,
                                                               asio::any_io_executor blocking, ClientOptions options,
                                                               std::string filter, int qos) {
  std::shared_ptr<SharedSubscription> self(new SharedSubscription());
  options.subscriptions = {{std::move(filter), qos}};
  std::weak_ptr<SharedSubscription> weak = self;
  ClientEvents events;
  events.on_message = [weak](ReceivedMessage&& m) {
    if (auto s = weak.lock()) s->fan_out(std::move(m));
  };
  events.on_failed = [weak](const std::string& why) {
    if (auto s = weak.lock()) s->end_all("MQTT broker unreachable: " + why);
  };
  events.on_connected = [weak](bool) {
    if (auto s = weak.lock()) s->connected();
  };
  events.on_connection_lost = [weak](const std::string&) {
    if (auto s = weak.lock()) s->connection_lost();
  };
  events.on_attempt_failed = [weak](const std::string& why) {
    if (auto s = weak.lock()) s->attempt_failed("MQTT broker unreachable: " + why);
  };
  self->client_ = Client::create(std::move(io), std::move(blocking), std::move(options), std::move(events));
  self->client_->start();
  return self;
}

SharedSubscription::~SharedSubscription() { client_->stop(); }

std::unique_ptr<SharedSubscription::Member> SharedSubscription::join(asio::any_io_executor executor,
                                                                     MemberCallbacks callbacks) {
  auto state = std::make_shared<Member::State>();
  state->executor = std::move(executor);
  state->callbacks = std::move(callbacks);
  bool connected = false;
  {
    std::lock_guard lock(mu_);
    members_.push_back(state);
    connected = connected_;
    if (!connected_ && !attempt_error_.empty())
      asio::post(state->executor, [state, error = attempt_error_] {
        if (state->alive && state->callbacks.on_connect_failed) state->callbacks.on_connect_failed(error);
      });
    // The broker is known to be unreachable: this member learns it now rather than never.
    if (!failure_.empty())
      asio::post(state->executor, [state, error = failure_] {
        if (state->alive && state->callbacks.on_end) state->callbacks.on_end(error);
      });
  }
  std::unique_ptr<Member> member(new Member(shared_from_this(), std::move(state)));
  member->joined_connected_ = connected;
  return member;
}

std::size_t SharedSubscription::members() const {
  std::lock_guard lock(mu_);
  return members_.size();
}

void SharedSubscription::stop() { client_->stop(); }

void SharedSubscription::leave(const Member::State* state) {
  std::lock_guard lock(mu_);
  std::erase_if(members_, [state](const auto& m) { return m.get() == state; });
}

void SharedSubscription::fan_out(ReceivedMessage&& message) {
  MessagePtr shared = to_message(std::move(message));
  std::lock_guard lock(mu_);
  for (const auto& member : members_)
    asio::post(member->executor, [member, shared] {
      if (member->alive && member->callbacks.on_message) member->callbacks.on_message(shared);
    });
}

void SharedSubscription::connected() {
  std::lock_guard lock(mu_);
  connected_ = true;
  failure_.clear();
  attempt_error_.clear();
  for (const auto& member : members_)
    asio::post(member->executor, [member] {
      if (member->alive && member->callbacks.on_connected) member->callbacks.on_connected();
    });
}

void SharedSubscription::connection_lost() {
  std::lock_guard lock(mu_);
  connected_ = false;
}

void SharedSubscription::attempt_failed(const std::string& error) {
  std::lock_guard lock(mu_);
  connected_ = false;
  attempt_error_ = error;
  for (const auto& member : members_)
    asio::post(member->executor, [member, error] {
      if (member->alive && member->callbacks.on_connect_failed) member->callbacks.on_connect_failed(error);
    });
}

void SharedSubscription::end_all(const std::string& error) {
  std::lock_guard lock(mu_);
  failure_ = error;
  for (const auto& member : members_)
    asio::post(member->executor, [member, error] {
      if (member->alive && member->callbacks.on_end) member->callbacks.on_end(error);
    });
}

}  // namespace gantry::mqtt5
