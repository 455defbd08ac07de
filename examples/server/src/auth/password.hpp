// SPDX-License-Identifier: Apache-2.0
// Passwords: Argon2id (libargon2) in PHC string form ($argon2id$v=19$m=...,t=...,p=...$salt$hash),
// so the parameters travel with each hash and can be raised later without breaking old ones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace energy::server::auth {

/// Shortest and longest password accepted (the upper bound keeps one login from costing more
/// than the hash itself).
inline constexpr std::size_t min_password_length = 12;
inline constexpr std::size_t max_password_length = 1024;

class password_hasher {
 public:
  /// `memory_kib` and `passes` are Argon2id's m and t; one lane.
  password_hasher(std::uint32_t memory_kib, std::uint32_t passes);

  /// A PHC string with a fresh 16-byte salt. @throws std::runtime_error if libargon2 fails
  /// (out of memory).
  [[nodiscard]] std::string hash(std::string_view password) const;

  /// True when `password` matches `phc`. A malformed `phc` is a mismatch, never an exception.
  [[nodiscard]] bool verify(std::string_view phc, std::string_view password) const noexcept;

  /// Spends the time of one verification against a hash of the same cost and returns false: what
  /// a login for an unknown account does, so its answer takes as long as a wrong password.
  bool verify_dummy(std::string_view password) const noexcept;

 private:
  std::uint32_t memory_kib_;
  std::uint32_t passes_;
  std::string dummy_;
};

/// Why `password` is not acceptable as a new password, or "" when it is.
[[nodiscard]] std::string password_problem(std::string_view password);

}  // namespace energy::server::auth
