// Builds the OpenSSL client context for a TLS connection to a broker from PEM trust/key stores (paths or inline).
#pragma once

#include "endpoints/mqtt5/config.hpp"

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace gantry::mqtt5 {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;

// Null with `error` set when a store cannot be read. Verifies the peer always; its name too when asked.
SslCtxPtr make_tls_context(const TlsOptions& tls, const std::string& host, std::string& error);

}  // namespace gantry::mqtt5
