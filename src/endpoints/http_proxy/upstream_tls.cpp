#include "endpoints/http_proxy/upstream_tls.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include <fstream>
#include <sstream>

namespace gantry::http_proxy {
namespace ssl = boost::asio::ssl;

namespace {

// Inline content is PEM text, or base64 of it (Gravitee's UI stores "binary content as Base64").
std::string pem_text(const std::string& content) {
  if (content.find("-----BEGIN") != std::string::npos) return content;
  std::string out(boost::beast::detail::base64::decoded_size(content.size()), '\0');
  auto [written, read] = boost::beast::detail::base64::decode(out.data(), content.data(), content.size());
  out.resize(written);
  return out;
}

bool read_file(const std::string& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

// Content wins over path; "" when neither is set. False when a path cannot be read.
bool load(const std::string& content, const std::string& file, std::string& out) {
  if (!content.empty()) return out = pem_text(content), true;
  if (!file.empty()) return read_file(file, out);
  out.clear();
  return true;
}

}  // namespace

std::unique_ptr<ssl::context> make_client_tls(const SslOptions& options, const std::string& path, Diagnostics& diag) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  bool ok = true;
  if (options.trust_all) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    std::string pem;
    if (!load(options.trust_store.content, options.trust_store.path, pem)) {
      diag.error(path + ".trustStore.path", "cannot read trust store '" + options.trust_store.path + "'");
      ok = false;
    } else if (pem.empty()) {
      ctx->set_default_verify_paths(ec);  // the system trust store
    } else if (ctx->add_certificate_authority(boost::asio::buffer(pem), ec); ec) {
      diag.error(path + ".trustStore", "invalid PEM trust store: " + ec.message());
      ok = false;
    }
  }
  std::string cert, key;
  const auto& ks = options.key_store;
  if (!load(ks.cert_content, ks.cert_path, cert) || !load(ks.key_content, ks.key_path, key)) {
    diag.error(path + ".keyStore", "cannot read the client certificate or key");
    return nullptr;
  }
  if (!cert.empty() || !key.empty()) {
    if (cert.empty() || key.empty()) {
      diag.error(path + ".keyStore", "a client certificate needs both the certificate and the private key");
      return nullptr;
    }
    if (ctx->use_certificate_chain(boost::asio::buffer(cert), ec); ec) {
      diag.error(path + ".keyStore", "invalid PEM client certificate: " + ec.message());
      ok = false;
    } else if (ctx->use_private_key(boost::asio::buffer(key), ssl::context::pem, ec); ec) {
      diag.error(path + ".keyStore", "invalid PEM private key: " + ec.message());
      ok = false;
    }
  }
  return ok ? std::move(ctx) : nullptr;
}

ssl::context& system_trust_tls() {
  static ssl::context ctx = [] {
    ssl::context c(ssl::context::tls_client);
    c.set_default_verify_paths();
    return c;
  }();
  return ctx;
}

}  // namespace gantry::http_proxy
