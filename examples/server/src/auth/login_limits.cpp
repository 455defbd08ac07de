// SPDX-License-Identifier: Apache-2.0
#include "auth/login_limits.hpp"

#include <algorithm>

namespace energy::server::auth {

namespace {

std::string account_scope(const std::string& account) {
  return "account:" + account;
}
std::string address_scope(const std::string& address) {
  return "address:" + address;
}

}  // namespace

login_limits::login_limits(int per_account, int per_address, std::chrono::seconds window)
    : per_account_(per_account), per_address_(per_address), window_(window.count()) {}

std::optional<std::int64_t> login_limits::blocked_for(db::connection& db, const std::string& scope,
                                                      int limit, epoch_seconds now) const {
  // The limit-th newest failure in the window decides: once it leaves the window, one more
  // attempt is allowed.
  const auto rows = db.query(
      "SELECT at FROM auth_login_failures WHERE scope = $1 AND at > $2 ORDER BY at DESC "
      "LIMIT $3",
      {scope, std::int64_t{now - window_}, std::int64_t{limit}});
  if (static_cast<int>(rows.size()) < limit) return std::nullopt;
  const std::int64_t wait = rows.back().integer(0) + window_ - now;
  return wait > 0 ? wait : 1;
}

std::optional<std::int64_t> login_limits::blocked_for(db::connection& db,
                                                      const std::string& account,
                                                      const std::string& address,
                                                      epoch_seconds now) const {
  const auto by_account = blocked_for(db, account_scope(account), per_account_, now);
  const auto by_address =
      address.empty() ? std::nullopt : blocked_for(db, address_scope(address), per_address_, now);
  if (by_account && by_address) return std::max(*by_account, *by_address);
  return by_account ? by_account : by_address;
}

void login_limits::record_failure(db::connection& db, const std::string& account,
                                  const std::string& address, epoch_seconds now) const {
  db.transaction([&](db::connection& tx) {
    tx.exec("DELETE FROM auth_login_failures WHERE at <= $1", {std::int64_t{now - window_}});
    tx.exec("INSERT INTO auth_login_failures (scope, at) VALUES ($1, $2)",
            {account_scope(account), std::int64_t{now}});
    if (!address.empty()) {
      tx.exec("INSERT INTO auth_login_failures (scope, at) VALUES ($1, $2)",
              {address_scope(address), std::int64_t{now}});
    }
  });
}

void login_limits::record_success(db::connection& db, const std::string& account) const {
  db.exec("DELETE FROM auth_login_failures WHERE scope = $1", {account_scope(account)});
}

}  // namespace energy::server::auth
