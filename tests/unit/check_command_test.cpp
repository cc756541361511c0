// `gantry check`: output lines and exit codes, with the real built-in plugins.
#include "app/check_command.hpp"
#include "core/registry/registry.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gantry {
namespace {

namespace fs = std::filesystem;

const char* valid_api = R"({
  "name": "ok", "definitionVersion": "4.0.0", "type": "proxy",
  "listeners": [{"type": "http", "paths": [{"path": "/ok"}], "entrypoints": [{"type": "http-proxy"}]}],
  "endpointGroups": [{"name": "g", "type": "http-proxy",
    "endpoints": [{"name": "e", "type": "http-proxy", "configuration": {"target": "http://localhost:8080/x"}}]}]
})";

class CheckCommand : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gantry-check-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    register_builtins(registry_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  int run(const std::vector<std::string>& files) {
    out_.str("");
    err_.str("");
    return run_check(files, registry_, out_, err_);
  }

  fs::path dir_;
  Registry registry_;
  std::ostringstream out_, err_;
};

TEST_F(CheckCommand, ValidFile) {
  const auto f = write("ok.json", valid_api);
  EXPECT_EQ(run({f}), 0);
  EXPECT_EQ(out_.str(), f + ": ok\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CheckCommand, WarningsDoNotMakeAFileInvalid) {
  std::string text = valid_api;
  text.replace(text.find("\"name\": \"ok\""), 12, "\"name\": \"ok\", \"flws\": []");
  const auto f = write("warn.json", text);
  EXPECT_EQ(run({f}), 0);
  EXPECT_EQ(out_.str(), f + ": ok\n");
  EXPECT_EQ(err_.str(), f + ": $.flws: warning: unknown field 'flws' (did you mean 'flows'?)\n");
}

TEST_F(CheckCommand, InvalidFilesListEveryProblem) {
  std::string text = valid_api;
  text.replace(text.find("\"type\": \"http-proxy\"}]"), 22, "\"type\": \"http-prxy\"}]");
  text.replace(text.find("\"path\": \"/ok\""), 13, "\"path\": \"ok\"");
  const auto bad = write("bad.json", text);
  const auto good = write("good.json", valid_api);
  EXPECT_EQ(run({bad, good}), 1);
  EXPECT_EQ(out_.str(), bad + ": invalid (2 errors)\n" + good + ": ok\n");
  EXPECT_EQ(err_.str(), bad + ": $.listeners[0].paths[0].path: path must start with '/' (got 'ok')\n" + bad +
                            ": $.listeners[0].entrypoints[0].type: unknown entrypoint type 'http-prxy' (did you mean "
                            "'http-proxy'? known: http-get, http-post, http-proxy, sse, webhook, websocket)\n");
}

TEST_F(CheckCommand, MalformedJson) {
  const auto f = write("broken.json", "{\n  \"name\": ,\n}");
  EXPECT_EQ(run({f}), 1);
  EXPECT_EQ(out_.str(), f + ": invalid (1 error)\n");
  EXPECT_EQ(err_.str(), f + ": $: malformed JSON at line 2, column 11: syntax error\n");
}

TEST_F(CheckCommand, UnreadableWinsOverInvalid) {
  const auto bad = write("bad.json", "[]");
  const auto missing = (dir_ / "missing.json").string();
  const auto folder = dir_.string();
  EXPECT_EQ(run({bad, missing, folder}), 2);
  EXPECT_EQ(out_.str(), bad + ": invalid (1 error)\n" + missing + ": unreadable\n" + folder + ": unreadable\n");
  EXPECT_EQ(err_.str(), bad + ": $: expected an object\n" + missing + ": cannot read: No such file or directory\n" +
                            folder + ": cannot read: Is a directory\n");
}

}  // namespace
}  // namespace gantry
