#include "endpoints/http_proxy/inflater.hpp"

#include <boost/beast/core/string.hpp>
#include <zlib.h>

namespace gantry::http_proxy {

struct Inflater::State {
  z_stream z{};
  bool raw_retry_possible = true;  // "deflate" is often sent without the zlib wrapper; fall back to raw once
  bool finished = false;
};

Inflater::Inflater() : state_(std::make_unique<State>()) {}

Inflater::~Inflater() { inflateEnd(&state_->z); }

std::unique_ptr<Inflater> Inflater::make(std::string_view encoding) {
  namespace beast = boost::beast;
  const bool gzip = beast::iequals(encoding, "gzip") || beast::iequals(encoding, "x-gzip");
  if (!gzip && !beast::iequals(encoding, "deflate")) return nullptr;
  std::unique_ptr<Inflater> inflater(new Inflater());
  // 15 + 32: zlib or gzip wrapper, detected from the first bytes.
  if (inflateInit2(&inflater->state_->z, 15 + 32) != Z_OK) return nullptr;
  inflater->state_->raw_retry_possible = !gzip;
  return inflater;
}

void Inflater::input(const char* data, std::size_t size) {
  state_->z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  state_->z.avail_in = static_cast<uInt>(size);
}

std::size_t Inflater::output(char* out, std::size_t capacity, bool& failed) {
  auto& z = state_->z;
  if (state_->finished) return 0;
  z.next_out = reinterpret_cast<Bytef*>(out);
  z.avail_out = static_cast<uInt>(capacity);
  const Bytef* in_before = z.next_in;
  int rc = inflate(&z, Z_NO_FLUSH);
  if (rc == Z_DATA_ERROR && state_->raw_retry_possible && z.total_out == 0) {
    state_->raw_retry_possible = false;
    const auto avail = z.avail_in + static_cast<uInt>(z.next_in - in_before);
    inflateEnd(&z);
    z = z_stream{};
    inflateInit2(&z, -15);
    z.next_in = const_cast<Bytef*>(in_before);
    z.avail_in = avail;
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = static_cast<uInt>(capacity);
    rc = inflate(&z, Z_NO_FLUSH);
  }
  state_->raw_retry_possible = false;
  if (rc == Z_STREAM_END) state_->finished = true;
  else if (rc != Z_OK && rc != Z_BUF_ERROR) failed = true;
  return capacity - z.avail_out;
}

}  // namespace gantry::http_proxy
