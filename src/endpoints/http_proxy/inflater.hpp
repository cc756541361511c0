// Streaming gzip/deflate decompression of a backend response (the http-proxy `useCompression` option), with a
// bound on the output of each step so a small compressed body never turns into a large buffer.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace gantry::http_proxy {

class Inflater {
 public:
  // `content_encoding` is "gzip", "x-gzip" or "deflate"; anything else yields null from make().
  static std::unique_ptr<Inflater> make(std::string_view content_encoding);
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Hands compressed bytes in; they must stay valid until output() has drained them.
  void input(const char* data, std::size_t size);
  // Writes up to `capacity` decompressed bytes; returns how many. 0 = all input consumed (or the stream ended).
  // Sets `failed` on corrupt data.
  std::size_t output(char* out, std::size_t capacity, bool& failed);

 private:
  Inflater();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gantry::http_proxy
