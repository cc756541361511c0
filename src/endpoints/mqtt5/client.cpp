// libmosquitto on Asio: the socket is watched by the io_context (a dup of libmosquitto's descriptor, so that either
// side closing its own never confuses the other) and libmosquitto reads, writes and keeps alive when told to.
// Every connection attempt gets a fresh libmosquitto object: nothing of a dead connection survives into the next.
#include "endpoints/mqtt5/client.hpp"

#include "endpoints/mqtt5/properties.hpp"
#include "endpoints/mqtt5/tls_context.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <openssl/ssl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>

namespace gantry::mqtt5 {

namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using errc = boost::system::errc::errc_t;

constexpr auto misc_period = std::chrono::seconds(1);
constexpr auto handshake_deadline = std::chrono::seconds(10);
constexpr int max_reads_per_wakeup = 64;

error_code make_error(errc e) { return boost::system::errc::make_error_code(e); }

std::string describe(int rc, int saved_errno) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(saved_errno);
  return mosquitto_strerror(rc);
}

void complete(PublishDone done, error_code ec) {
  auto executor = done.executor;
  asio::post(executor, [handler = std::move(done.handler), ec]() mutable { std::move(handler)(ec); });
}

class ClientImpl final : public Client, public std::enable_shared_from_this<ClientImpl> {
 public:
  ClientImpl(asio::any_io_executor io, asio::any_io_executor blocking, ClientOptions options, ClientEvents events)
      : io_(std::move(io)), blocking_(std::move(blocking)), options_(std::move(options)), events_(std::move(events)),
        misc_timer_(io_), retry_timer_(io_), wait_timer_(io_) {}

  ~ClientImpl() override {
    if (mosq_) mosquitto_destroy(mosq_);
  }

  void start() override {
    asio::post(io_, [self = shared_from_this()] {
      if (self->state_ != State::idle) return;
      if (self->options_.tls.enabled) {
        std::string error;
        self->tls_ = make_tls_context(self->options_.tls, self->options_.host, error);
        if (!self->tls_) return self->give_up_for_good("TLS: " + error);
      }
      self->begin_attempt();
    });
  }

  void stop() override {
    asio::post(io_, [self = shared_from_this()] { self->do_stop(); });
  }

  void publish(OutgoingMessage message, PublishDone done) override {
    asio::post(io_, [self = shared_from_this(), message = std::move(message), done = std::move(done)]() mutable {
      self->do_publish(std::move(message), std::move(done));
    });
  }

  void pause_reading() override { reading_paused_ = true; }

  void resume_reading() override {
    if (!reading_paused_) return;
    reading_paused_ = false;
    // Bytes may already sit in libmosquitto's or OpenSSL's buffers, where no readiness event will announce them.
    asio::post(io_, [self = shared_from_this(), gen = generation_] {
      if (gen == self->generation_ && self->mosq_ && !self->reading_paused_) self->on_readable();
    });
  }

  bool connected() const override { return state_ == State::connected; }
  const asio::any_io_executor& executor() const override { return io_; }

 private:
  enum class State { idle, connecting, handshaking, connected, waiting, stopped };

  // ---- connecting -------------------------------------------------------------------------------------------

  void begin_attempt() {
    ++generation_;
    state_ = State::connecting;
    const char* id = options_.client_id.empty() ? nullptr : options_.client_id.c_str();
    mosquitto* m = mosquitto_new(id, options_.clean_start, this);
    if (!m) return attempt_failed("cannot create an MQTT client: " + describe(MOSQ_ERR_ERRNO, errno));
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_v5_callback_set(m, &ClientImpl::on_connect_cb);
    mosquitto_disconnect_v5_callback_set(m, &ClientImpl::on_disconnect_cb);
    mosquitto_publish_v5_callback_set(m, &ClientImpl::on_publish_cb);
    mosquitto_message_v5_callback_set(m, &ClientImpl::on_message_cb);
    if (!options_.username.empty())
      mosquitto_username_pw_set(m, options_.username.c_str(),
                                options_.password.empty() ? nullptr : options_.password.c_str());
    if (tls_) {
      mosquitto_int_option(m, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
      mosquitto_void_option(m, MOSQ_OPT_SSL_CTX, tls_.get());
    }
    // libmosquitto resolves and connects blocking: that happens off the io thread, which does not touch `m` meanwhile.
    asio::post(blocking_, [self = shared_from_this(), gen = generation_, m] {
      auto props = make_connect_properties(self->options_.session_expiry_interval);
      int rc = mosquitto_connect_bind_v5(m, self->options_.host.c_str(), self->options_.port,
                                         int(self->options_.keepalive.count()), nullptr, props.get());
      int saved_errno = errno;
      asio::post(self->io_, [self, gen, m, rc, saved_errno] { self->on_tcp_connected(gen, m, rc, saved_errno); });
    });
  }

  void on_tcp_connected(std::uint64_t gen, mosquitto* m, int rc, int saved_errno) {
    if (gen != generation_ || state_ != State::connecting) {
      mosquitto_destroy(m);
      return;
    }
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(m);
      return attempt_failed("cannot connect to " + options_.host + ":" + std::to_string(options_.port) + ": " +
                            describe(rc, saved_errno));
    }
    mosq_ = m;
    state_ = State::handshaking;
    handshake_started_ = std::chrono::steady_clock::now();
    socket_.emplace(io_, ::dup(mosquitto_socket(m)));
    arm_read();
    arm_write();
    arm_misc();
  }

  static void on_connect_cb(mosquitto*, void* self, int reason, int flags, const mosquitto_property*) {
    static_cast<ClientImpl*>(self)->on_connack(reason, flags);
  }

  void on_connack(int reason, int flags) {
    if (reason != 0) return lose("the broker refused the connection: " + std::string(mosquitto_reason_string(reason)), false);
    state_ = State::connected;
    failures_ = 0;
    failed_reported_ = false;
    for (const auto& s : options_.subscriptions)
      mosquitto_subscribe_v5(mosq_, nullptr, s.filter.c_str(), s.qos, MQTT_SUB_OPT_SEND_RETAIN_NEW, nullptr);
    if (events_.on_connected) events_.on_connected((flags & 1) != 0);
    // Inside libmosquitto's callback: the publishes that waited for this connection go out from a fresh handler.
    if (!waiting_.empty())
      asio::post(io_, [self = shared_from_this(), gen = generation_] {
        if (gen == self->generation_) self->flush_waiting();
      });
  }

  static void on_disconnect_cb(mosquitto*, void* self, int rc, const mosquitto_property*) {
    auto* client = static_cast<ClientImpl*>(self);
    client->lose(rc == MOSQ_ERR_SUCCESS ? "disconnected" : std::string(mosquitto_strerror(rc)),
                 client->state_ == State::connected);
  }

  // ---- losing a connection, retrying ---------------------------------------------------------------------------

  // May run inside a libmosquitto callback, where the object must not be destroyed: the teardown is posted.
  void lose(std::string reason, bool was_connected) {
    if (lost_pending_ || state_ == State::stopped || !mosq_) return;
    lost_pending_ = true;
    asio::post(io_, [self = shared_from_this(), gen = generation_, reason = std::move(reason), was_connected] {
      if (gen != self->generation_) return;
      self->close_connection(make_error(errc::connection_aborted));
      if (!was_connected) return self->attempt_failed(reason);
      if (self->events_.on_connection_lost) self->events_.on_connection_lost(reason);
      self->failures_ = 0;
      self->schedule_retry(reason, std::chrono::milliseconds(0));
    });
  }

  void attempt_failed(const std::string& reason) {
    ++failures_;
    if (events_.on_attempt_failed) events_.on_attempt_failed(reason);
    auto delay = options_.reconnect_interval;
    for (int i = 1; i < failures_ && delay < options_.max_backoff; ++i) delay *= 2;
    schedule_retry(reason, std::min(delay, options_.max_backoff));
  }

  void schedule_retry(const std::string& reason, std::chrono::milliseconds delay) {
    fail_waiting(make_error(errc::not_connected));
    if (failures_ > options_.reconnect_attempts && !failed_reported_) {
      failed_reported_ = true;
      if (events_.on_failed) events_.on_failed(reason);
    }
    if (state_ == State::stopped) return;
    state_ = State::waiting;
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([self = shared_from_this(), gen = generation_](error_code ec) {
      if (!ec && gen == self->generation_ && self->state_ == State::waiting) self->begin_attempt();
    });
  }

  void give_up_for_good(const std::string& reason) {
    state_ = State::stopped;
    fail_waiting(make_error(errc::not_connected));
    if (events_.on_failed) events_.on_failed(reason);
  }

  void close_connection(error_code pending_error) {
    ++generation_;
    misc_timer_.cancel();
    if (socket_) {
      error_code ignored;
      socket_->close(ignored);
      socket_.reset();
    }
    if (mosq_) mosquitto_destroy(mosq_);
    mosq_ = nullptr;
    read_armed_ = write_armed_ = lost_pending_ = false;
    for (auto& [mid, done] : in_flight_) complete(std::move(done), pending_error);
    in_flight_.clear();
    early_results_.clear();
  }

  void do_stop() {
    if (state_ == State::stopped) return;
    retry_timer_.cancel();
    if (mosq_ && state_ == State::connected) {
      mosquitto_property* props = nullptr;
      if (options_.end_session_on_stop) mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0);
      mosquitto_disconnect_v5(mosq_, MQTT_RC_NORMAL_DISCONNECTION, props);
      mosquitto_property_free_all(&props);
      mosquitto_loop_write(mosq_, 1);  // best effort: the broker learns at once rather than by keepalive
    }
    state_ = State::stopped;
    fail_waiting(make_error(errc::operation_canceled));
    close_connection(make_error(errc::operation_canceled));
    events_ = {};
  }

  // ---- the socket ------------------------------------------------------------------------------------------------

  void arm_read() {
    if (!socket_ || read_armed_ || reading_paused_) return;
    read_armed_ = true;
    socket_->async_wait(asio::posix::descriptor_base::wait_read,
                        [self = shared_from_this(), gen = generation_](error_code ec) {
                          if (gen != self->generation_) return;
                          self->read_armed_ = false;
                          if (!ec && !self->reading_paused_) self->on_readable();
                        });
  }

  bool more_to_read() const {
    auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq_));
    if (ssl && SSL_pending(ssl) > 0) return true;
    int available = 0;
    return ::ioctl(const_cast<asio::posix::stream_descriptor&>(*socket_).native_handle(), FIONREAD, &available) == 0 &&
           available > 0;
  }

  void on_readable() {
    for (int i = 0; i < max_reads_per_wakeup; ++i) {
      int rc = mosquitto_loop_read(mosq_, 1);
      if (rc != MOSQ_ERR_SUCCESS) return lose(describe(rc, errno), state_ == State::connected);
      if (lost_pending_ || !mosq_ || reading_paused_ || !more_to_read()) break;
    }
    if (lost_pending_ || !mosq_) return;
    arm_read();
    arm_write();
  }

  void arm_write() {
    if (!socket_ || write_armed_ || !mosquitto_want_write(mosq_)) return;
    write_armed_ = true;
    socket_->async_wait(asio::posix::descriptor_base::wait_write,
                        [self = shared_from_this(), gen = generation_](error_code ec) {
                          if (gen != self->generation_) return;
                          self->write_armed_ = false;
                          if (ec) return;
                          int rc = mosquitto_loop_write(self->mosq_, 1);
                          if (rc != MOSQ_ERR_SUCCESS) return self->lose(describe(rc, errno), self->connected());
                          self->arm_write();
                        });
  }

  void arm_misc() {
    misc_timer_.expires_after(misc_period);
    misc_timer_.async_wait([self = shared_from_this(), gen = generation_](error_code ec) {
      if (ec || gen != self->generation_) return;
      if (self->state_ == State::handshaking &&
          std::chrono::steady_clock::now() - self->handshake_started_ > handshake_deadline)
        return self->lose("no CONNACK from the broker", false);
      int rc = mosquitto_loop_misc(self->mosq_);
      if (rc != MOSQ_ERR_SUCCESS) return self->lose(describe(rc, errno), self->connected());
      self->arm_write();
      self->arm_misc();
    });
  }

  // ---- publishing ------------------------------------------------------------------------------------------------

  bool attempt_under_way() const {
    return state_ == State::idle || state_ == State::connecting || state_ == State::handshaking;
  }

  void do_publish(OutgoingMessage m, PublishDone done) {
    // Behind those still waiting for the connection (their flush is posted): publishes keep their order.
    if (attempt_under_way() || !waiting_.empty()) return wait_for_connection(std::move(m), std::move(done));
    if (state_ != State::connected) return complete(std::move(done), make_error(errc::not_connected));
    if (in_flight_.size() >= options_.max_in_flight)
      return complete(std::move(done), make_error(errc::resource_unavailable_try_again));
    PropertyList props;
    if (!make_publish_properties(m.properties, props))
      return complete(std::move(done), make_error(errc::invalid_argument));
    int mid = 0;
    int rc = mosquitto_publish_v5(mosq_, &mid, m.topic.c_str(), int(m.payload.size()), m.payload.data(), m.qos,
                                  m.retain, props.get());
    if (rc != MOSQ_ERR_SUCCESS) {
      bool refused = rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8 || rc == MOSQ_ERR_PAYLOAD_SIZE ||
                     rc == MOSQ_ERR_OVERSIZE_PACKET || rc == MOSQ_ERR_QOS_NOT_SUPPORTED;
      complete(std::move(done), make_error(refused ? errc::invalid_argument : errc::not_connected));
      if (!refused) lose(describe(rc, errno), true);
      return;
    }
    // A QoS 0 message written at once is reported inside mosquitto_publish_v5, before we knew its mid.
    if (auto early = early_results_.find(mid); early != early_results_.end()) {
      complete(std::move(done), early->second >= 0x80 ? make_error(errc::io_error) : error_code());
      early_results_.erase(early);
    } else {
      in_flight_.emplace(mid, std::move(done));
    }
    arm_write();
  }

  void wait_for_connection(OutgoingMessage m, PublishDone done) {
    if (waiting_.size() + in_flight_.size() >= options_.max_in_flight)
      return complete(std::move(done), make_error(errc::resource_unavailable_try_again));
    if (waiting_.empty()) {
      wait_timer_.expires_after(options_.connect_wait);
      wait_timer_.async_wait([self = shared_from_this(), epoch = wait_epoch_](error_code ec) {
        if (!ec && epoch == self->wait_epoch_) self->fail_waiting(make_error(errc::not_connected));
      });
    }
    waiting_.emplace_back(std::move(m), std::move(done));
  }

  void flush_waiting() {
    ++wait_epoch_;
    wait_timer_.cancel();
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [m, done] : waiting) do_publish(std::move(m), std::move(done));
  }

  void fail_waiting(error_code ec) {
    if (waiting_.empty()) return;
    ++wait_epoch_;
    wait_timer_.cancel();
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [m, done] : waiting) complete(std::move(done), ec);
  }

  static void on_publish_cb(mosquitto*, void* self, int mid, int reason, const mosquitto_property*) {
    static_cast<ClientImpl*>(self)->on_published(mid, reason);
  }

  void on_published(int mid, int reason) {
    auto it = in_flight_.find(mid);
    if (it == in_flight_.end()) {
      early_results_[mid] = reason;
      return;
    }
    complete(std::move(it->second), reason >= 0x80 ? make_error(errc::io_error) : error_code());
    in_flight_.erase(it);
  }

  // ---- receiving -------------------------------------------------------------------------------------------------

  static void on_message_cb(mosquitto*, void* self, const mosquitto_message* m, const mosquitto_property* props) {
    static_cast<ClientImpl*>(self)->on_message(m, props);
  }

  void on_message(const mosquitto_message* m, const mosquitto_property* props) {
    if (!events_.on_message) return;
    ReceivedMessage out;
    out.topic = m->topic ? m->topic : "";
    out.payload.assign(static_cast<const char*>(m->payload), std::size_t(m->payloadlen));
    out.qos = m->qos;
    out.retained = m->retain;
    out.properties = read_publish_properties(props);
    events_.on_message(std::move(out));
  }

  asio::any_io_executor io_;
  asio::any_io_executor blocking_;
  ClientOptions options_;
  ClientEvents events_;
  SslCtxPtr tls_;
  mosquitto* mosq_ = nullptr;
  std::optional<asio::posix::stream_descriptor> socket_;
  asio::steady_timer misc_timer_;
  asio::steady_timer retry_timer_;
  asio::steady_timer wait_timer_;  // bounds how long publishes wait for a connection attempt
  std::chrono::steady_clock::time_point handshake_started_;
  std::uint64_t generation_ = 0;  // bumped per connection: stale waits and posts recognise themselves
  State state_ = State::idle;
  int failures_ = 0;
  bool failed_reported_ = false;
  bool lost_pending_ = false;
  bool reading_paused_ = false;
  bool read_armed_ = false;
  bool write_armed_ = false;
  std::unordered_map<int, PublishDone> in_flight_;
  std::unordered_map<int, int> early_results_;
  std::deque<std::pair<OutgoingMessage, PublishDone>> waiting_;  // made while a connection attempt was under way
  std::uint64_t wait_epoch_ = 0;  // bumped whenever waiting_ is emptied: a late timer completion recognises itself
};

}  // namespace

std::shared_ptr<Client> Client::create(asio::any_io_executor io, asio::any_io_executor blocking,
                                       ClientOptions options, ClientEvents events) {
  static const int initialised = mosquitto_lib_init();  // once per process, thread-safe
  (void)initialised;
  return std::make_shared<ClientImpl>(std::move(io), std::move(blocking), std::move(options), std::move(events));
}

}  // namespace gantry::mqtt5
