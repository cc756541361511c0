// Library choice measurement (docs/design-notes.md): sequential publish -> broker -> subscriber round trips with
// Eclipse Paho MQTT C (async API, MQTT 5, its own threads), the callback waking the publishing thread.
// Build: g++ -O2 -std=c++20 lib_roundtrip_paho.cpp -lpaho-mqtt3as -o /tmp/rt_paho ; run: rt_paho PORT QOS COUNT
#include <MQTTAsync.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace {
std::mutex mu;
std::condition_variable cv;
int received = 0;
bool ready = false;

int on_message(void*, char* topic, int, MQTTAsync_message* m) {
  MQTTAsync_freeMessage(&m);
  MQTTAsync_free(topic);
  { std::lock_guard lock(mu); ++received; }
  cv.notify_one();
  return 1;
}
void on_subscribed(void*, MQTTAsync_successData5*) { std::lock_guard lock(mu); ready = true; cv.notify_one(); }
void on_connected(void* ctx, MQTTAsync_successData5*) {
  auto client = static_cast<MQTTAsync>(ctx);
  MQTTAsync_responseOptions opts = MQTTAsync_responseOptions_initializer;
  opts.onSuccess5 = on_subscribed;
  opts.context = client;
  MQTTAsync_subscribe(client, "bench/rt", 1, &opts);
}
void on_failure(void*, MQTTAsync_failureData5* f) { std::fprintf(stderr, "failure %d\n", f ? f->code : -1); std::exit(1); }
}  // namespace

int main(int argc, char** argv) {
  std::string uri = std::string("tcp://127.0.0.1:") + argv[1];
  int qos = std::atoi(argv[2]), count = std::atoi(argv[3]);
  MQTTAsync client;
  MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer5;
  MQTTAsync_createWithOptions(&client, uri.c_str(), "rt-paho", MQTTCLIENT_PERSISTENCE_NONE, nullptr, &create);
  MQTTAsync_setCallbacks(client, client, nullptr, on_message, nullptr);
  MQTTAsync_connectOptions conn = MQTTAsync_connectOptions_initializer5;
  conn.cleanstart = 1;
  conn.onSuccess5 = on_connected;
  conn.onFailure5 = on_failure;
  conn.context = client;
  MQTTAsync_connect(client, &conn);
  { std::unique_lock lock(mu); cv.wait(lock, [] { return ready; }); }
  char payload[64] = "round trip payload of a few dozen bytes.....";
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    MQTTAsync_message m = MQTTAsync_message_initializer;
    m.payload = payload;
    m.payloadlen = sizeof payload;
    m.qos = qos;
    MQTTAsync_sendMessage(client, "bench/rt", &m, nullptr);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return received > i; });
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("paho qos%d: %d round trips in %.3f s = %.0f/s\n", qos, count, s, count / s);
  MQTTAsync_destroy(&client);
}
