// SPDX-License-Identifier: Apache-2.0
#include "auth/password.hpp"

#include <stdexcept>
#include <vector>

#include <argon2.h>

#include "auth/crypto.hpp"

namespace energy::server::auth {

namespace {

constexpr std::uint32_t lanes = 1;
constexpr std::size_t salt_length = 16;
constexpr std::size_t hash_length = 32;

}  // namespace

password_hasher::password_hasher(std::uint32_t memory_kib, std::uint32_t passes)
    : memory_kib_(memory_kib), passes_(passes) {
  if (memory_kib_ < 8 * lanes || passes_ < 1) {
    throw std::invalid_argument("password_hasher: Argon2id needs m >= 8 KiB and t >= 1");
  }
  dummy_ = hash(random_secret("", 24));
}

std::string password_hasher::hash(std::string_view password) const {
  const std::string salt = random_bytes(salt_length);
  std::vector<char> encoded(
      argon2_encodedlen(passes_, memory_kib_, lanes, salt_length, hash_length, Argon2_id));
  const int rc =
      argon2id_hash_encoded(passes_, memory_kib_, lanes, password.data(), password.size(),
                            salt.data(), salt.size(), hash_length, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
  }
  return std::string(encoded.data());
}

bool password_hasher::verify(std::string_view phc, std::string_view password) const noexcept {
  if (password.size() > max_password_length) return false;
  // argon2id_verify wants a NUL-terminated string.
  const std::string encoded(phc);
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool password_hasher::verify_dummy(std::string_view password) const noexcept {
  (void)verify(dummy_, password);
  return false;
}

std::string password_problem(std::string_view password) {
  if (password.size() < min_password_length) {
    return "a password needs at least " + std::to_string(min_password_length) + " characters";
  }
  if (password.size() > max_password_length) {
    return "a password has at most " + std::to_string(max_password_length) + " characters";
  }
  for (const char c : password) {
    if (c == '\0') return "a password may not contain NUL characters";
  }
  return {};
}

}  // namespace energy::server::auth
