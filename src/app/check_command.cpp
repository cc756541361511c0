#include "app/check_command.hpp"

#include "core/definition/parse.hpp"
#include "core/registry/registry.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <ostream>

namespace gantry {

namespace {

// The whole file, or the system's reason it could not be read ("No such file or directory").
std::optional<std::string> read_file(const std::string& file, std::string& reason) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) {
    reason = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  // A directory opens fine on Linux; the error only shows on read.
  const bool failed = std::ferror(f);
  const int read_errno = errno;
  std::fclose(f);
  if (failed) {
    reason = std::strerror(read_errno);
    return std::nullopt;
  }
  return text;
}

void print_problems(const std::string& file, const Diagnostics& diag, std::ostream& err) {
  for (const auto& p : diag.problems()) {
    err << file << ": " << p.path << ": ";
    if (p.severity == Problem::Severity::warning) err << "warning: ";
    err << p.message << '\n';
  }
}

}  // namespace

int run_check(const std::vector<std::string>& files, const Registry& registry, std::ostream& out, std::ostream& err) {
  bool any_invalid = false, any_unreadable = false;
  for (const auto& file : files) {
    std::string reason;
    auto text = read_file(file, reason);
    if (!text) {
      err << file << ": cannot read: " << reason << '\n';
      out << file << ": unreadable\n";
      any_unreadable = true;
      continue;
    }
    Diagnostics diag;
    load_definition(*text, registry, diag);
    print_problems(file, diag, err);
    if (diag.has_errors()) {
      const auto n = diag.error_count();
      out << file << ": invalid (" << n << (n == 1 ? " error)" : " errors)") << '\n';
      any_invalid = true;
    } else {
      out << file << ": ok\n";
    }
  }
  if (any_unreadable) return 2;
  return any_invalid ? 1 : 0;
}

}  // namespace gantry
