// The MQTT 5 client layer against a real mosquitto (scripts/services.sh run -- ... sets MQTT_PORT), checked by an
// independent client (python3-paho-mqtt, MQTT v5: tests/unit/helpers/mqtt5_peer.py): both directions, user
// properties and the other MQTT 5 properties, wildcards, retained messages, completion on the caller's executor,
// an unreachable broker, and a mosquitto restart under a persistent QoS 1 session that must lose nothing.
#include "endpoints/mqtt5/client.hpp"
#include "endpoints/mqtt5/shared_subscription.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace gantry::mqtt5 {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

const std::string peer = std::string(GANTRY_SOURCE_DIR) + "/tests/unit/helpers/mqtt5_peer.py";

int mqtt_port() {
  const char* port = std::getenv("MQTT_PORT");
  return port && *port ? std::atoi(port) : 0;
}

#define REQUIRE_MOSQUITTO()                                                                     \
  if (mqtt_port() == 0) GTEST_SKIP() << "MQTT_PORT is not set (scripts/services.sh run -- ... sets it)"

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The independent client, run to completion: its stdout lines.
std::vector<std::string> run_peer(const std::string& args) {
  std::vector<std::string> out;
  FILE* p = ::popen(("/usr/bin/python3 " + peer + " " + args).c_str(), "r");
  char line[65536];
  while (p && std::fgets(line, sizeof line, p)) out.emplace_back(line, std::strlen(line) - 1);
  if (p) ::pclose(p);
  return out;
}

// A subscriber started in the background; ready() returns once it is subscribed.
class PeerSubscriber {
 public:
  PeerSubscriber(int port, const std::string& topic, int count) {
    pipe_ = ::popen(("/usr/bin/python3 " + peer + " " + std::to_string(port) + " sub " + quote(topic) + " " +
                     std::to_string(count) + " 20").c_str(), "r");
    char line[256];
    if (pipe_ && std::fgets(line, sizeof line, pipe_)) ready_ = std::string(line) == "READY\n";
  }
  ~PeerSubscriber() { if (pipe_) ::pclose(pipe_); }
  bool ready() const { return ready_; }
  std::vector<json::value> messages() {
    std::vector<json::value> out;
    char line[65536];
    while (pipe_ && std::fgets(line, sizeof line, pipe_)) out.push_back(json::parse(line));
    return out;
  }

 private:
  FILE* pipe_ = nullptr;
  bool ready_ = false;
};

// An io_context on its own thread (the client's), a second one standing for a publisher's io thread, and the pool
// that runs libmosquitto's blocking connects.
struct Threads {
  asio::io_context io;
  asio::io_context caller;
  asio::thread_pool blocking{1};
  asio::executor_work_guard<asio::io_context::executor_type> g1 = asio::make_work_guard(io);
  asio::executor_work_guard<asio::io_context::executor_type> g2 = asio::make_work_guard(caller);
  std::thread t1{[this] { io.run(); }};
  std::thread t2{[this] { caller.run(); }};
  ~Threads() {
    g1.reset();
    g2.reset();
    io.stop();
    caller.stop();
    t1.join();
    t2.join();
    blocking.join();
  }
};

// Collects what a client reports, for the test thread to wait on.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ReceivedMessage> messages;
  int connects = 0, losses = 0, failures = 0, failed_attempts = 0;
  bool session_present = false;
  std::string failure;

  ClientEvents events() {
    ClientEvents e;
    e.on_message = [this](ReceivedMessage&& m) { note([&] { messages.push_back(std::move(m)); }); };
    e.on_connected = [this](bool present) { note([&] { ++connects; session_present = present; }); };
    e.on_connection_lost = [this](const std::string&) { note([&] { ++losses; }); };
    e.on_failed = [this](const std::string& why) { note([&] { ++failures; failure = why; }); };
    e.on_attempt_failed = [this](const std::string&) { note([&] { ++failed_attempts; }); };
    return e;
  }
  template <class F>
  void note(F f) {
    std::lock_guard lock(mu);
    f();
    cv.notify_all();
  }
  template <class Pred>
  bool wait(Pred pred, std::chrono::seconds limit = 20s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, pred);
  }
};

ClientOptions options_for(int port) {
  ClientOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.reconnect_interval = 50ms;
  return o;
}

// Publishes and returns the error the completion reported, and whether it ran on the caller's thread.
std::pair<boost::system::error_code, bool> publish(Client& client, Threads& t, OutgoingMessage m) {
  std::promise<std::pair<boost::system::error_code, bool>> done;
  auto result = done.get_future();
  client.publish(std::move(m), PublishDone{t.caller.get_executor(), [&t, &done](boost::system::error_code ec) {
                                             done.set_value({ec, t.caller.get_executor().running_in_this_thread()});
                                           }});
  return result.get();
}

TEST(Mqtt5Client, PublishesWithPropertiesToAnIndependentSubscriber) {
  REQUIRE_MOSQUITTO();
  Threads t;
  Recorder r;
  auto client = Client::create(t.io.get_executor(), t.blocking.get_executor(), options_for(mqtt_port()), r.events());
  client->start();
  ASSERT_TRUE(r.wait([&] { return r.connects == 1; }));

  PeerSubscriber sub(mqtt_port(), "gantry-test/pub/#", 2);
  ASSERT_TRUE(sub.ready());
  OutgoingMessage m;
  m.topic = "gantry-test/pub/a";
  m.payload = "hello";
  m.qos = 1;
  m.properties.user = {{"x-trace", "1"}, {"x-trace", "2"}, {"tenant", "acme"}};
  m.properties.content_type = "text/plain";
  m.properties.correlation_data = "corr-7";
  m.properties.response_topic = "gantry-test/replies";
  m.properties.message_expiry_interval = 600;
  auto [ec, on_caller] = publish(*client, t, m);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(on_caller);
  OutgoingMessage plain;
  plain.topic = "gantry-test/pub/b";
  plain.payload = "qos0";
  auto [ec0, on_caller0] = publish(*client, t, plain);
  EXPECT_FALSE(ec0) << ec0.message();
  EXPECT_TRUE(on_caller0);

  auto got = sub.messages();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].at("topic"), "gantry-test/pub/a");
  EXPECT_EQ(got[0].at("payload"), "hello");
  EXPECT_EQ(got[0].at("qos"), 1);
  EXPECT_EQ(got[0].at("user"), json::parse(R"([["x-trace","1"],["x-trace","2"],["tenant","acme"]])"));
  EXPECT_EQ(got[0].at("contentType"), "text/plain");
  EXPECT_EQ(got[0].at("correlationData"), "corr-7");
  EXPECT_EQ(got[0].at("responseTopic"), "gantry-test/replies");
  EXPECT_LE(got[0].at("messageExpiryInterval").as_int64(), 600);
  EXPECT_EQ(got[1].at("payload"), "qos0");
  EXPECT_EQ(got[1].at("qos"), 0);
  client->stop();
}

TEST(Mqtt5Client, SubscribesWithWildcardsAndReadsPropertiesAndRetainedMessages) {
  REQUIRE_MOSQUITTO();
  const std::string port = std::to_string(mqtt_port());
  // Retained before anyone subscribes: delivered on subscription with the retain flag.
  ASSERT_EQ(run_peer(port + " pub gantry-test/sub/kept/x " +
                     quote(R"([{"payload": "kept", "retain": true}])")), std::vector<std::string>{"DONE"});
  Threads t;
  Recorder r;
  auto options = options_for(mqtt_port());
  options.subscriptions = {{"gantry-test/sub/+/x", 1}};
  auto client = Client::create(t.io.get_executor(), t.blocking.get_executor(), options, r.events());
  client->start();
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 1; }));
  ASSERT_EQ(run_peer(port + " pub gantry-test/sub/a/x " + quote(R"([
      {"topic": "gantry-test/sub/a/y", "payload": "not matching"},
      {"payload": "one", "user": [["k", "v1"], ["k", "v2"]], "contentType": "application/json",
       "correlationData": "c", "responseTopic": "gantry-test/r", "messageExpiryInterval": 300},
      {"topic": "gantry-test/sub/b/x", "payload": "two", "qos": 0}])")), std::vector<std::string>{"DONE"});
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 3; }));
  client->stop();
  // Clear the retained message for the next run.
  run_peer(port + " pub gantry-test/sub/kept/x " + quote(R"([{"payload": "", "retain": true}])"));

  std::lock_guard lock(r.mu);
  EXPECT_EQ(r.messages[0].payload, "kept");
  EXPECT_TRUE(r.messages[0].retained);
  const auto& one = r.messages[1];
  EXPECT_EQ(one.topic, "gantry-test/sub/a/x");
  EXPECT_EQ(one.payload, "one");
  EXPECT_FALSE(one.retained);
  EXPECT_EQ(one.qos, 1);
  EXPECT_EQ(one.properties.user, (UserProperties{{"k", "v1"}, {"k", "v2"}}));
  EXPECT_EQ(one.properties.content_type, "application/json");
  EXPECT_EQ(one.properties.correlation_data, "c");
  EXPECT_EQ(one.properties.response_topic, "gantry-test/r");
  EXPECT_GT(one.properties.message_expiry_interval, 0);
  EXPECT_LE(one.properties.message_expiry_interval, 300);
  EXPECT_EQ(r.messages[2].topic, "gantry-test/sub/b/x");
  EXPECT_EQ(r.messages[2].qos, 0);
  EXPECT_EQ(r.messages[2].properties.message_expiry_interval, -1);
}

TEST(Mqtt5Client, UnreachableBrokerFailsPublishesAtOnceAndReportsFailure) {
  // A port nobody listens on: bind one, note it, close it.
  int closed_port = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  Threads t;
  Recorder r;
  auto options = options_for(closed_port);
  options.reconnect_attempts = 2;
  auto client = Client::create(t.io.get_executor(), t.blocking.get_executor(), options, r.events());
  client->start();
  OutgoingMessage m;
  m.topic = "t";
  m.payload = "x";
  m.qos = 1;
  auto [ec, on_caller] = publish(*client, t, m);
  EXPECT_EQ(ec, boost::system::errc::not_connected);
  EXPECT_TRUE(on_caller);
  ASSERT_TRUE(r.wait([&] { return r.failures == 1; }));
  EXPECT_NE(r.failure.find("Connection refused"), std::string::npos) << r.failure;
  // Every failed attempt was told as it happened: the first, then the two reconnectAttempts.
  EXPECT_GE(r.failed_attempts, 3);
  EXPECT_EQ(r.connects, 0);
  client->stop();
}

// Drops `members` on the executor they joined on, waits until the subscription has none left, and stops it.
template <class... Members>
void leave_and_stop(Threads& t, SharedSubscription& shared, Members&... members) {
  asio::post(t.caller, [&] { (members.reset(), ...); });
  for (int i = 0; i < 100 && shared.members() != 0; ++i) std::this_thread::sleep_for(10ms);
  shared.stop();
}

TEST(Mqtt5Client, SharedSubscriptionTellsMembersWhetherTheBrokerCanBeReached) {
  int closed_port = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  Threads t;
  auto options = options_for(closed_port);
  options.reconnect_attempts = 100;  // the failure is told per attempt, long before the attempts run out
  auto shared = SharedSubscription::create(t.io.get_executor(), t.blocking.get_executor(), options, "t/#", 0);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> outcomes;
  auto callbacks = [&](std::string who) {
    SharedSubscription::MemberCallbacks c;
    c.on_connected = [&, who] {
      std::lock_guard lock(mu);
      outcomes.push_back(who + ": connected");
      cv.notify_all();
    };
    c.on_connect_failed = [&, who](const std::string& why) {
      std::lock_guard lock(mu);
      outcomes.push_back(who + ": " + (why.find("Connection refused") != std::string::npos ? "refused" : why));
      cv.notify_all();
    };
    return c;
  };
  auto first = shared->join(t.caller.get_executor(), callbacks("first"));
  EXPECT_FALSE(first->joined_connected());
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 20s, [&] { return !outcomes.empty(); }));
    EXPECT_EQ(outcomes.front(), "first: refused");
  }
  // Joining between two attempts: told the last attempt's outcome at once, not after the next one.
  auto second = shared->join(t.caller.get_executor(), callbacks("second"));
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 20s, [&] {
      return std::find(outcomes.begin(), outcomes.end(), "second: refused") != outcomes.end();
    }));
  }
  leave_and_stop(t, *shared, first, second);
}

TEST(Mqtt5Client, SharedSubscriptionMembersLearnTheConnection) {
  REQUIRE_MOSQUITTO();
  Threads t;
  auto shared = SharedSubscription::create(t.io.get_executor(), t.blocking.get_executor(), options_for(mqtt_port()),
                                           "gantry-test/connected/#", 0);
  std::mutex mu;
  std::condition_variable cv;
  int connected = 0;
  SharedSubscription::MemberCallbacks c;
  c.on_connected = [&] {
    std::lock_guard lock(mu);
    ++connected;
    cv.notify_all();
  };
  auto member = shared->join(t.caller.get_executor(), c);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(member->joined_connected() || cv.wait_for(lock, 20s, [&] { return connected == 1; }));
  }
  // A member joining once the connection is up knows it at once.
  auto later = shared->join(t.caller.get_executor(), {});
  EXPECT_TRUE(later->joined_connected());
  leave_and_stop(t, *shared, member, later);
}

TEST(Mqtt5Client, InvalidTopicIsRefusedWithoutDroppingTheConnection) {
  REQUIRE_MOSQUITTO();
  Threads t;
  Recorder r;
  auto client = Client::create(t.io.get_executor(), t.blocking.get_executor(), options_for(mqtt_port()), r.events());
  client->start();
  ASSERT_TRUE(r.wait([&] { return r.connects == 1; }));
  OutgoingMessage m;
  m.topic = "a/+/b";
  EXPECT_EQ(publish(*client, t, m).first, boost::system::errc::invalid_argument);
  m.topic = "a/b";
  EXPECT_FALSE(publish(*client, t, m).first);
  client->stop();
}

TEST(Mqtt5Client, OneSharedSubscriptionFansOutToEveryMemberOnItsOwnExecutor) {
  REQUIRE_MOSQUITTO();
  Threads t;
  asio::io_context other;  // a second subscriber io thread
  auto guard = asio::make_work_guard(other);
  std::thread other_thread([&] { other.run(); });
  auto shared = SharedSubscription::create(t.io.get_executor(), t.blocking.get_executor(), options_for(mqtt_port()),
                                           "gantry-test/fan/#", 0);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<MessagePtr> got[3];
  bool probed[3] = {false, false, false};
  bool wrong_thread = false;
  auto member = [&](int i, asio::io_context& ctx) {
    return shared->join(ctx.get_executor(), {[&, i, ex = ctx.get_executor()](const MessagePtr& m) {
                                              std::lock_guard lock(mu);
                                              wrong_thread |= !ex.running_in_this_thread();
                                              if (m->content == "probe")
                                                probed[i] = true;
                                              else
                                                got[i].push_back(m);
                                              cv.notify_all();
                                            },
                                             nullptr});
  };
  auto m0 = member(0, t.caller);
  auto m1 = member(1, other);
  auto m2 = member(2, other);
  EXPECT_EQ(shared->members(), 3u);
  auto wait_for = [&](std::size_t n0, std::size_t n1, std::size_t n2) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, [&] { return got[0].size() == n0 && got[1].size() == n1 && got[2].size() == n2; });
  };
  // The broker subscription is made once connected: probe until a message comes through, then count.
  const std::string port = std::to_string(mqtt_port());
  bool subscribed = false;
  for (int i = 0; i < 50 && !subscribed; ++i) {
    run_peer(port + " pub gantry-test/fan/probe " + quote(R"([{"payload": "probe", "qos": 0}])"));
    std::unique_lock lock(mu);
    subscribed = cv.wait_for(lock, 1s, [&] { return probed[0] && probed[1] && probed[2]; });
  }
  ASSERT_TRUE(subscribed);
  run_peer(port + " pub gantry-test/fan/a " + quote(R"([{"payload": "1"}, {"payload": "2"}, {"payload": "3"}])"));
  ASSERT_TRUE(wait_for(3, 3, 3));
  {
    std::lock_guard lock(mu);
    EXPECT_FALSE(wrong_thread);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(got[0][i].get(), got[1][i].get());  // one message, shared, not copied
    EXPECT_EQ(got[2][2]->content, "3");
    EXPECT_EQ(got[2][2]->metadata.front(), (std::pair<std::string, std::string>("topic", "gantry-test/fan/a")));
  }
  asio::post(other, [&] { m1.reset(); });
  for (int i = 0; i < 100 && shared->members() != 2; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(shared->members(), 2u);
  run_peer(port + " pub gantry-test/fan/b " + quote(R"([{"payload": "4"}])"));
  ASSERT_TRUE(wait_for(4, 3, 4));
  asio::post(t.caller, [&] { m0.reset(); });
  asio::post(other, [&] { m2.reset(); });
  guard.reset();
  other_thread.join();
  shared->stop();
}

// ---- a mosquitto of our own, with persistence, restarted mid-stream ------------------------------------------------

class PrivateBroker {
 public:
  explicit PrivateBroker(int port, const std::string& listener_options = "")
      : dir_(std::filesystem::temp_directory_path() / ("gantry-mqtt5-" + std::to_string(::getpid()) + "-" +
                                                       std::to_string(port))) {
    std::filesystem::create_directories(dir_);
    // Started as root, mosquitto drops to its own user, which must be able to write its persistence file here.
    std::filesystem::permissions(dir_, std::filesystem::perms::all);
    std::ofstream(dir_ / "mosquitto.conf") << "listener " << port << " 127.0.0.1\n" << listener_options
                                           << "allow_anonymous true\n"
                                           << "persistence true\npersistence_location " << dir_.string() << "/\n"
                                           << "log_dest file " << dir_.string() << "/mosquitto.log\n";
  }
  ~PrivateBroker() {
    stop();
    std::filesystem::remove_all(dir_);
  }
  void start() {
    std::string conf = (dir_ / "mosquitto.conf").string();
    const char* argv[] = {"mosquitto", "-c", conf.c_str(), nullptr};
    ASSERT_EQ(::posix_spawnp(&pid_, "mosquitto", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  }
  void stop() {  // SIGTERM: mosquitto writes its persistence file on the way out
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = 0;
};

int free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

TEST(Mqtt5Client, PersistentSessionLosesNothingAcrossABrokerRestart) {
  REQUIRE_MOSQUITTO();  // mosquitto is installed and tests with brokers are wanted
  const int port = free_port();
  PrivateBroker broker(port);
  broker.start();
  Threads t;
  Recorder r;
  auto options = options_for(port);
  options.client_id = "gantry-test-persistent";
  options.clean_start = false;
  options.session_expiry_interval = 300;
  options.reconnect_attempts = 1000;
  options.reconnect_interval = 1s;
  options.subscriptions = {{"gantry-test/durable", 1}};
  auto client = Client::create(t.io.get_executor(), t.blocking.get_executor(), options, r.events());
  client->start();
  ASSERT_TRUE(r.wait([&] { return r.connects == 1; }));

  auto batch = [](int from, int to) {
    json::array a;
    for (int i = from; i < to; ++i) a.push_back(json::object{{"payload", std::to_string(i)}, {"qos", 1}});
    return quote(json::serialize(a));
  };
  const std::string p = std::to_string(port);
  ASSERT_EQ(run_peer(p + " pub gantry-test/durable " + batch(0, 50)), std::vector<std::string>{"DONE"});
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 50; }));

  // Down, and back up from its persistence file: our session (and its subscription) must still be there.
  broker.stop();
  ASSERT_TRUE(r.wait([&] { return r.losses == 1; }));
  broker.start();
  // Published most likely while Gantry waits out its back-off: the broker queues them for the persistent session.
  std::vector<std::string> published;
  for (int tries = 0; tries < 50 && published.empty(); ++tries) {
    published = run_peer(p + " pub gantry-test/durable " + batch(50, 100));
    if (published.empty()) std::this_thread::sleep_for(100ms);  // broker still starting
  }
  ASSERT_EQ(published, std::vector<std::string>{"DONE"});
  ASSERT_TRUE(r.wait([&] { return r.messages.size() >= 100; }));
  ASSERT_TRUE(r.wait([&] { return r.connects >= 2; }));
  client->stop();

  std::lock_guard lock(r.mu);
  std::set<std::string> seen;
  for (const auto& m : r.messages) seen.insert(m.payload);
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_TRUE(r.session_present);
}

void wait_until_listening(int port) {
  asio::io_context io;
  for (int i = 0; i < 200; ++i) {
    asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (!ec) return;
    std::this_thread::sleep_for(20ms);
  }
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A throw-away CA and a broker certificate for `names` (subjectAltName syntax), made with the openssl CLI.
struct Certificates {
  static inline int made = 0;
  std::filesystem::path dir;
  explicit Certificates(const std::string& names)
      : dir(std::filesystem::temp_directory_path() /
            ("gantry-mqtt5-tls-" + std::to_string(::getpid()) + "-" + std::to_string(++made))) {
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::all);
    std::string d = dir.string();
    std::string script =
        "cd " + d + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca"
        " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=broker"
        " && printf 'subjectAltName=" + names + "' > ext.cnf"
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2"
        " -extfile ext.cnf && chmod 644 *";
    EXPECT_EQ(std::system((script + " >/dev/null 2>&1").c_str()), 0);
  }
  ~Certificates() { std::filesystem::remove_all(dir); }
  std::string listener_options() const {
    return "cafile " + (dir / "ca.pem").string() + "\ncertfile " + (dir / "server.pem").string() + "\nkeyfile " +
           (dir / "server.key").string() + "\n";
  }
};

TEST(Mqtt5Client, TlsChecksTheBrokerCertificateAndItsName) {
  REQUIRE_MOSQUITTO();
  Certificates certs("DNS:broker.example");  // not 127.0.0.1, the address the client dials
  const int port = free_port();
  PrivateBroker broker(port, certs.listener_options());
  broker.start();
  wait_until_listening(port);
  Threads t;
  auto attempt = [&](bool verify_name, const std::string& ca) {
    Recorder r;
    auto options = options_for(port);
    options.reconnect_attempts = 0;
    options.tls.enabled = true;
    options.tls.hostname_verifier = verify_name;
    options.tls.trust.content = ca;
    auto client = Client::create(t.io.get_executor(), t.blocking.get_executor(), options, r.events());
    client->start();
    r.wait([&] { return r.connects > 0 || r.failures > 0; });
    std::lock_guard lock(r.mu);
    std::string outcome = r.connects > 0 ? "connected" : "failed: " + r.failure;
    client->stop();
    return outcome;
  };
  const std::string ca = read_text(certs.dir / "ca.pem");
  EXPECT_EQ(attempt(false, ca), "connected");
  EXPECT_NE(attempt(true, ca), "connected");  // the certificate names broker.example, not 127.0.0.1
  Certificates other("DNS:broker.example");  // a CA the broker's certificate does not come from
  EXPECT_NE(attempt(false, read_text(other.dir / "ca.pem")), "connected");
}

}  // namespace
}  // namespace gantry::mqtt5
