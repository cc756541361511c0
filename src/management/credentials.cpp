#include "management/credentials.hpp"

#include "core/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <iostream>
#include <stdexcept>
#include <vector>

namespace gantry::management {

namespace {

constexpr int kIterations = 120000;
constexpr const char* kSettingName = "management.password_hash";

std::vector<unsigned char> unhex(std::string_view text) {
  std::vector<unsigned char> out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<unsigned char>(nibble(text[i]) * 16 + nibble(text[i + 1])));
  return out;
}

std::vector<unsigned char> pbkdf2(std::string_view password, const std::vector<unsigned char>& salt, int iterations) {
  std::vector<unsigned char> out(32);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return out;
}

bool decode_basic(std::string_view authorization, std::string& user, std::string& password) {
  constexpr std::string_view scheme = "basic ";
  if (authorization.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return false;
  auto encoded = authorization.substr(scheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return false;
  std::vector<unsigned char> decoded(encoded.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                                static_cast<int>(encoded.size()));
  if (n < 0) return false;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = encoded.size(); i > 0 && encoded[i - 1] == '='; --i) --size;  // padding decodes to zeros
  const std::string text(reinterpret_cast<const char*>(decoded.data()), size);
  const auto colon = text.find(':');
  if (colon == std::string::npos) return false;
  user = text.substr(0, colon);
  password = text.substr(colon + 1);
  return true;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string Credentials::hash_password(std::string_view password) {
  std::vector<unsigned char> salt(16);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no randomness");
  const auto hash = pbkdf2(password, salt, kIterations);
  return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + to_hex(salt.data(), salt.size()) + "$" +
         to_hex(hash.data(), hash.size());
}

bool Credentials::verify_password(std::string_view password, const std::string& stored) {
  if (stored.rfind("sha256$", 0) == 0) return same(sha256_hex(password), std::string_view(stored).substr(7));
  // pbkdf2-sha256$<iterations>$<salt>$<hash>
  const auto a = stored.find('$'), b = stored.find('$', a + 1), c = stored.find('$', b + 1);
  if (a == std::string::npos || b == std::string::npos || c == std::string::npos) return false;
  if (stored.substr(0, a) != "pbkdf2-sha256") return false;
  const int iterations = std::stoi(stored.substr(a + 1, b - a - 1));
  const auto hash = pbkdf2(password, unhex(stored.substr(b + 1, c - b - 1)), iterations);
  return same(to_hex(hash.data(), hash.size()), stored.substr(c + 1));
}

std::string Credentials::generate_password() {
  unsigned char bytes[18];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness");
  unsigned char encoded[32];
  EVP_EncodeBlock(encoded, bytes, sizeof bytes);
  std::string out(reinterpret_cast<const char*>(encoded), 24);
  for (auto& ch : out) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  return out;
}

std::unique_ptr<Credentials> Credentials::set_up(const ManagementConfig& config, storage::Repository& repository) {
  // A configured password is in the configuration anyway: keep its SHA-256 to compare with, and skip PBKDF2.
  if (!config.password.empty())
    return std::unique_ptr<Credentials>(new Credentials(config.username, "sha256$" + sha256_hex(config.password)));
  if (auto stored = repository.get_setting(kSettingName)) return std::unique_ptr<Credentials>(new Credentials(config.username, *stored));
  const auto password = generate_password();
  auto hash = hash_password(password);
  repository.put_setting(kSettingName, hash);
  std::cerr << "gantry: generated the management API password for user '" << config.username << "': " << password
            << "\n"
            << "gantry: it is shown this once; only its salted hash is stored. Set management.password (or "
               "GANTRY_MANAGEMENT_PASSWORD) to choose one.\n"
            << std::flush;
  return std::unique_ptr<Credentials>(new Credentials(config.username, std::move(hash)));
}

bool Credentials::check(std::string_view authorization) {
  const auto digest = sha256_hex(authorization);
  {
    std::lock_guard lock(mutex_);
    if (!verified_digest_.empty() && same(digest, verified_digest_)) return true;
  }
  std::string user, password;
  if (!decode_basic(authorization, user, password)) return false;
  const bool user_ok = same(user, username_);
  const bool password_ok = verify_password(password, password_hash_);  // always run: no shortcut on a bad user
  if (!user_ok || !password_ok) return false;
  std::lock_guard lock(mutex_);
  verified_digest_ = digest;
  return true;
}

}  // namespace gantry::management
