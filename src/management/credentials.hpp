// The management API's HTTP Basic credentials. A generated password is kept only as a salted PBKDF2-HMAC-SHA256
// hash: with none configured, the first start generates one, prints it once and stores its hash in the repository.
// A configured password is compared through its SHA-256 (it is in the configuration anyway).
#pragma once

#include "core/config/config.hpp"
#include "storage/repository.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace gantry::management {

class Credentials {
 public:
  // Reads or creates the stored hash. Prints a generated password once, on stderr, never through the log.
  static std::unique_ptr<Credentials> set_up(const ManagementConfig& config, storage::Repository& repository);

  // `authorization` is the Authorization header as sent ("Basic dXNlcjpwYXNz").
  bool check(std::string_view authorization);

  // "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" of `password` with a fresh random salt.
  static std::string hash_password(std::string_view password);
  static bool verify_password(std::string_view password, const std::string& stored_hash);
  // A random password: 24 characters from the CSPRNG, URL-safe base64.
  static std::string generate_password();

 private:
  Credentials(std::string username, std::string password_hash)
      : username_(std::move(username)), password_hash_(std::move(password_hash)) {}

  std::string username_;
  std::string password_hash_;
  // PBKDF2 is slow on purpose; the SHA-256 of the last header that verified skips it for the next requests.
  std::mutex mutex_;
  std::string verified_digest_;
};

}  // namespace gantry::management
