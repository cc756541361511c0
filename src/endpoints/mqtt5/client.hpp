// One MQTT 5 connection (libmosquitto) driven by the io_context it belongs to: no threads of its own, except that
// each TCP connect runs on a `blocking` executor because libmosquitto's connect resolves and connects blocking.
// Connects with clean start / session expiry / auth / TLS, reconnects with back-off, re-subscribes on every
// connect, publishes with completions on the caller's executor, and delivers received messages on its own thread.
#pragma once

#include "endpoints/mqtt5/config.hpp"
#include "endpoints/mqtt5/mqtt_message.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gantry::mqtt5 {

struct ClientOptions {
  std::string host;
  int port = 1883;
  std::string client_id;                      // required when clean_start is false (persistent session)
  bool clean_start = true;
  std::int64_t session_expiry_interval = 0;   // seconds; -1 = never
  std::string username;
  std::string password;
  TlsOptions tls;
  int reconnect_attempts = 3;                 // consecutive failed attempts before on_failed (then retries slowly)
  std::chrono::milliseconds reconnect_interval{2000};  // doubled per failed attempt, at most max_backoff
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::seconds keepalive{30};
  std::size_t max_in_flight = 1024;           // publishes awaiting their broker acknowledgement
  // A publish made while a connection attempt is under way waits for its outcome, at most this long (a broker
  // that refuses fails it at once); one made while waiting out a back-off fails at once.
  std::chrono::milliseconds connect_wait{3000};
  bool end_session_on_stop = false;           // stop() asks the broker to drop the session (session expiry 0)
  struct Subscription {
    std::string filter;
    int qos = 0;
  };
  // Made on every (re)connect; retained messages come only when the broker had no such subscription yet (a
  // resumed persistent session does not get them again).
  std::vector<Subscription> subscriptions;
};

struct ClientEvents {
  std::function<void(ReceivedMessage&&)> on_message;       // on the client's executor
  std::function<void(bool session_present)> on_connected;
  std::function<void(const std::string& reason)> on_connection_lost;  // reconnecting
  std::function<void(const std::string& reason)> on_failed;  // reconnect_attempts exhausted (still retrying)
  // Every connection attempt that did not get as far as a session (unknown host, refused, CONNACK refused).
  std::function<void(const std::string& reason)> on_attempt_failed;
};

using PublishHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

// Where a publish completes: the publisher's executor.
struct PublishDone {
  boost::asio::any_io_executor executor;
  PublishHandler handler;
};

// Errors a publish completes with (boost::system::errc values):
//   not_connected               the broker is not reachable right now, or a connection attempt did not succeed
//                               within connect_wait (an entrypoint answers 503)
//   connection_aborted          the connection dropped before the broker acknowledged
//   resource_unavailable_try_again  max_in_flight publishes are already waiting
//   invalid_argument            the topic or a property cannot be sent
//   io_error                    the broker refused it (PUBACK reason code >= 0x80)
//   operation_canceled          the client was stopped
class Client {
 public:
  static std::shared_ptr<Client> create(boost::asio::any_io_executor io, boost::asio::any_io_executor blocking,
                                        ClientOptions options, ClientEvents events);
  virtual ~Client() = default;

  virtual void start() = 0;  // begins connecting; any thread
  virtual void stop() = 0;   // disconnects and fails what is pending; any thread; no event after it ran on io
  // Any thread; `done` runs on done.executor. QoS 0 completes once written, QoS 1 on PUBACK.
  virtual void publish(OutgoingMessage message, PublishDone done) = 0;
  // Back-pressure for subscribers: stop/restart reading the socket (client's executor only). Keep pauses shorter
  // than the keepalive: an unread PINGRESP counts as a dead connection and leads to a reconnect.
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
  virtual bool connected() const = 0;  // client's executor only
  virtual const boost::asio::any_io_executor& executor() const = 0;
};

}  // namespace gantry::mqtt5
