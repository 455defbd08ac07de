// SPDX-License-Identifier: Apache-2.0
// Failed-login limits per account and per client address, kept in table auth_login_failures so
// every replica counts the same failures. An account that does not exist is limited exactly like
// one that does (the limit must not tell them apart).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <energy/time.hpp>

#include "db/sql.hpp"

namespace energy::server::auth {

class login_limits {
 public:
  login_limits(int per_account, int per_address, std::chrono::seconds window);

  /// Seconds until another attempt is allowed for this account or address, or nullopt when one
  /// is allowed now.
  [[nodiscard]] std::optional<std::int64_t> blocked_for(db::connection& db,
                                                        const std::string& account,
                                                        const std::string& address,
                                                        epoch_seconds now) const;
  /// Counts a failure against both (and forgets failures older than the window).
  void record_failure(db::connection& db, const std::string& account, const std::string& address,
                      epoch_seconds now) const;
  /// A successful login clears the account's failures (not the address's).
  void record_success(db::connection& db, const std::string& account) const;

 private:
  [[nodiscard]] std::optional<std::int64_t> blocked_for(db::connection& db,
                                                        const std::string& scope, int limit,
                                                        epoch_seconds now) const;
  int per_account_;
  int per_address_;
  std::int64_t window_;
};

}  // namespace energy::server::auth
