#include "endpoints/mqtt5/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace gantry::mqtt5 {

namespace {

std::string openssl_error(const std::string& what) {
  unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return what + ": " + text;
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr open_pem(const PemSource& source) {
  if (!source.content.empty()) return BioPtr(BIO_new_mem_buf(source.content.data(), int(source.content.size())));
  return BioPtr(BIO_new_file(source.path.c_str(), "r"));
}

bool load_trust(SSL_CTX* ctx, const PemSource& trust, std::string& error) {
  if (trust.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) == 1) return true;
    error = openssl_error("cannot load the system's CA certificates");
    return false;
  }
  BioPtr bio = open_pem(trust);
  STACK_OF(X509_INFO)* infos = bio ? PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!infos) {
    error = openssl_error("cannot read the trust store");
    return false;
  }
  int added = 0;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i)
    if (X509* cert = sk_X509_INFO_value(infos, i)->x509; cert && X509_STORE_add_cert(store, cert) == 1) ++added;
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  if (added == 0) error = "the trust store holds no certificate";
  return added > 0;
}

bool load_key_pair(SSL_CTX* ctx, const TlsOptions& tls, std::string& error) {
  if (tls.cert.empty()) return true;
  BioPtr cert_bio = open_pem(tls.cert);
  X509* cert = cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!cert || SSL_CTX_use_certificate(ctx, cert) != 1) {
    X509_free(cert);
    error = openssl_error("cannot read the key store certificate");
    return false;
  }
  X509_free(cert);
  BioPtr key_bio = open_pem(tls.key);
  auto* password = const_cast<char*>(tls.key_password.c_str());
  EVP_PKEY* key = key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, password) : nullptr;
  bool ok = key && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  if (!ok) error = openssl_error("cannot use the key store key");
  return ok;
}

}  // namespace

SslCtxPtr make_tls_context(const TlsOptions& tls, const std::string& host, std::string& error) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    error = openssl_error("cannot create a TLS context");
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!load_trust(ctx.get(), tls.trust, error) || !load_key_pair(ctx.get(), tls, error)) return nullptr;
  if (tls.hostname_verifier) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // An IP literal is checked against the certificate's IP addresses, a name against its DNS names.
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1 && X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0) != 1) {
      error = "cannot verify host name '" + host + "'";
      return nullptr;
    }
  }
  return ctx;
}

}  // namespace gantry::mqtt5
