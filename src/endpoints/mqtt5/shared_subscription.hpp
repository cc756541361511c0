// One broker subscription shared by every live subscriber of an (API, topic filter) on this gateway node: each
// message is converted once into a gateway Message and handed to every member on the member's own executor, as
// one immutable shared message.
#pragma once

#include "core/message/message.hpp"
#include "endpoints/mqtt5/client.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gantry::mqtt5 {

class SharedSubscription : public std::enable_shared_from_this<SharedSubscription> {
 public:
  struct MemberCallbacks {
    std::function<void(const MessagePtr&)> on_message;
    // The broker stayed unreachable (reconnectAttempts failed in a row, also for a member joining after that):
    // the stream ends.
    std::function<void(const std::string& error)> on_end;
    // The broker connection is up (again), or an attempt to make it failed (also told to a member joining
    // between two attempts, with the last attempt's error).
    std::function<void()> on_connected;
    std::function<void(const std::string& error)> on_connect_failed;
  };

  // Leaving: destroy the Member on its executor; no callback starts after that.
  class Member {
   public:
    ~Member();
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;
    // Whether the broker connection was up when this member joined (later changes come as callbacks).
    bool joined_connected() const { return joined_connected_; }

   private:
    friend class SharedSubscription;
    struct State;
    Member(std::shared_ptr<SharedSubscription> owner, std::shared_ptr<State> state);
    std::shared_ptr<SharedSubscription> owner_;
    std::shared_ptr<State> state_;
    bool joined_connected_ = false;
  };

  // `options.subscriptions` is replaced by `filter` at `qos`; across gateway nodes pass "$share/<group>/<topic>".
  static std::shared_ptr<SharedSubscription> create(boost::asio::any_io_executor io,
                                                    boost::asio::any_io_executor blocking, ClientOptions options,
                                                    std::string filter, int qos);
  ~SharedSubscription();

  std::unique_ptr<Member> join(boost::asio::any_io_executor executor, MemberCallbacks callbacks);
  std::size_t members() const;
  void stop();  // the API is retired
  Client& client() { return *client_; }

 private:
  SharedSubscription() = default;
  void fan_out(ReceivedMessage&& message);
  void end_all(const std::string& error);
  void connected();
  void connection_lost();
  void attempt_failed(const std::string& error);
  void leave(const Member::State* state);

  std::shared_ptr<Client> client_;
  mutable std::mutex mu_;  // members join and leave from their own io threads
  std::vector<std::shared_ptr<Member::State>> members_;
  std::string failure_;  // why the broker is unreachable, until it connects again; members joining now are told
  bool connected_ = false;       // the client has a session with the broker
  std::string attempt_error_;    // why the last connection attempt failed, until one succeeds
};

}  // namespace gantry::mqtt5
