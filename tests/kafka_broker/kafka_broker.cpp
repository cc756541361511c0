// gantry_kafka_broker: a Kafka-protocol broker for tests, built on librdkafka's mock cluster (Apache Kafka cannot be
// installed on the test machines; see TESTING.md). Real clients (librdkafka, confluent-kafka, kcat) talk to it over
// TCP. Memory only: it forgets everything when it exits.
//
//   gantry_kafka_broker [--brokers N] [--partitions P] [TOPIC[:PARTITIONS]]...
//
// The first line on stdout is the bootstrap address ("127.0.0.1:PORT"); the second is "ready". Commands on stdin,
// one per line, each answered by one line ("ok ..." or "error: ..."):
//   down [ID|all]               take a broker (default: all) down: connections drop, new ones are refused
//   up [ID|all]                 bring it back
//   topic NAME [PARTITIONS]     create a topic
//   rtt ID|all MILLISECONDS     add latency to a broker's responses
// End of stdin is not a command (the broker keeps running); SIGTERM or SIGINT stops it cleanly, exit status 0.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace {

struct Options {
  int brokers = 1;
  int partitions = 1;  // for topics named on the command line without ":N"
  std::vector<std::pair<std::string, int>> topics;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "gantry_kafka_broker: " << why << "\n"
            << "usage: gantry_kafka_broker [--brokers N] [--partitions P] [TOPIC[:PARTITIONS]]...\n";
  std::exit(2);
}

int positive(const std::string& text, const std::string& what) {
  try {
    std::size_t used = 0;
    int n = std::stoi(text, &used);
    if (used == text.size() && n > 0) return n;
  } catch (const std::exception&) {
  }
  usage(what + " must be a positive integer (got '" + text + "')");
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--brokers" || arg == "--partitions") {
      if (i + 1 >= argc) usage(arg + " needs a value");
      (arg == "--brokers" ? o.brokers : o.partitions) = positive(argv[++i], arg);
    } else if (arg == "-h" || arg == "--help") {
      usage("a Kafka-protocol broker for tests");
    } else if (!arg.empty() && arg[0] == '-') {
      usage("unknown option " + arg);
    } else {
      o.topics.emplace_back(arg, 0);
    }
  }
  for (auto& [name, partitions] : o.topics) {
    auto colon = name.rfind(':');
    partitions = o.partitions;
    if (colon != std::string::npos) {
      partitions = positive(name.substr(colon + 1), "partitions of " + name);
      name.resize(colon);
    }
  }
  return o;
}

// The mock cluster lives inside a client handle; this one never connects anywhere.
rd_kafka_t* make_host_handle() {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    std::cerr << "gantry_kafka_broker: " << err << "\n";
    std::exit(1);
  }
  return rk;
}

class Broker {
 public:
  explicit Broker(const Options& o) : brokers_(o.brokers), host_(make_host_handle()) {
    cluster_ = rd_kafka_mock_cluster_new(host_, o.brokers);
    if (!cluster_) {
      std::cerr << "gantry_kafka_broker: could not create the mock cluster\n";
      std::exit(1);
    }
    for (const auto& [name, partitions] : o.topics) {
      auto err = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1);
      if (err) {
        std::cerr << "gantry_kafka_broker: topic " << name << ": " << rd_kafka_err2str(err) << "\n";
        std::exit(1);
      }
    }
  }

  // Idempotent; commands arriving afterwards are refused rather than touching a destroyed cluster.
  void stop() {
    std::lock_guard lock(mutex_);
    if (!cluster_) return;
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(host_);
    cluster_ = nullptr;
  }

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  // One command line in, one answer line out.
  std::string execute(const std::string& line) {
    std::istringstream in(line);
    std::string verb;
    in >> verb;
    std::lock_guard lock(mutex_);
    if (!cluster_) return "error: stopping";
    if (verb == "down" || verb == "up") return set_state(verb, in);
    if (verb == "topic") return create_topic(in);
    if (verb == "rtt") return set_rtt(in);
    return "error: unknown command '" + verb + "' (known: down, up, topic, rtt)";
  }

 private:
  // "" or "all" -> every broker; else one id. Returns false for an unknown id.
  bool broker_ids(const std::string& which, std::vector<int>& ids) const {
    if (which.empty() || which == "all") {
      for (int id = 1; id <= brokers_; ++id) ids.push_back(id);
      return true;
    }
    try {
      int id = std::stoi(which);
      if (id >= 1 && id <= brokers_) {
        ids.push_back(id);
        return true;
      }
    } catch (const std::exception&) {
    }
    return false;
  }

  std::string set_state(const std::string& verb, std::istringstream& in) {
    std::string which;
    in >> which;
    std::vector<int> ids;
    if (!broker_ids(which, ids)) return "error: no broker '" + which + "' (ids 1.." + std::to_string(brokers_) + ")";
    for (int id : ids) {
      auto err = verb == "down" ? rd_kafka_mock_broker_set_down(cluster_, id) : rd_kafka_mock_broker_set_up(cluster_, id);
      if (err) return std::string("error: ") + rd_kafka_err2str(err);
    }
    return "ok " + verb + " " + (which.empty() ? "all" : which);
  }

  std::string create_topic(std::istringstream& in) {
    std::string name;
    int partitions = 1;
    in >> name;
    if (name.empty()) return "error: topic needs a name";
    if (!(in >> partitions)) partitions = 1;
    if (partitions < 1) return "error: partitions must be at least 1";
    auto err = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1);
    if (err) return std::string("error: ") + rd_kafka_err2str(err);
    return "ok topic " + name + " " + std::to_string(partitions);
  }

  std::string set_rtt(std::istringstream& in) {
    std::string which;
    int ms = -1;
    in >> which >> ms;
    std::vector<int> ids;
    if (!broker_ids(which, ids)) return "error: no broker '" + which + "'";
    if (ms < 0) return "error: rtt needs milliseconds";
    for (int id : ids) rd_kafka_mock_broker_set_rtt(cluster_, id, ms);
    return "ok rtt " + which + " " + std::to_string(ms);
  }

  int brokers_;
  rd_kafka_t* host_;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::mutex mutex_;
};

void answer(const std::string& line) {
  std::cout << line << std::endl;  // flushed: the reader is usually a test waiting on a pipe
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);

  // Blocked before the cluster starts its threads, so that they inherit the mask and only sigwait() below sees
  // the signals (otherwise a mock-cluster thread may take SIGTERM and the process dies without cleaning up).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  // Never deleted: the stdin thread may still hold it when main returns; stop() is what releases the cluster.
  auto* broker = new Broker(options);
#if defined(__SANITIZE_ADDRESS__)
  __lsan_ignore_object(broker);  // not a leak: see above (the sanitized suite would report it at every exit)
#endif
  answer(broker->bootstraps());
  answer("ready");

  // Detached: a read() on stdin cannot be interrupted portably, and the process ends after cleanup anyway.
  std::thread([broker] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      answer(broker->execute(line));
    }
  }).detach();

  int signal = 0;
  sigwait(&stop_signals, &signal);
  broker->stop();
  std::cerr << "gantry_kafka_broker: stopped by signal " << signal << "\n";
  return 0;
}
