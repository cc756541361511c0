// Starts the real test broker program (gantry_kafka_broker, built beside the test binary) for a test: its bootstrap address, and its stdin
// commands ("down", "up") to simulate outages. Stopped with SIGTERM when the object goes.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace gantry::testing {

class TestBroker {
 public:
  explicit TestBroker(std::vector<std::string> topics) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test must not leave its broker behind
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::string program = broker_program();
      std::vector<char*> argv{program.data()};
      for (auto& t : topics) argv.push_back(t.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = fdopen(in[1], "w");
    from_ = fdopen(out[0], "r");
    bootstrap_ = read_line();
    if (read_line() != "ready") throw std::runtime_error("the test broker did not start: " + bootstrap_);
  }
  ~TestBroker() {
    fclose(to_);
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    fclose(from_);
  }
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  static std::string broker_program() {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    std::string dir = n > 0 ? std::string(self, static_cast<std::size_t>(n)) : std::string(".");
    return dir.substr(0, dir.rfind('/')) + "/gantry_kafka_broker";
  }

  const std::string& bootstrap() const { return bootstrap_; }

  // One command, its one-line answer ("ok down all").
  std::string command(const std::string& line) {
    fprintf(to_, "%s\n", line.c_str());
    fflush(to_);
    return read_line();
  }

 private:
  std::string read_line() {
    char buf[512];
    if (!fgets(buf, sizeof buf, from_)) return "";
    std::string s(buf);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
  std::string bootstrap_;
};

}  // namespace gantry::testing
