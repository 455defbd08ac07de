// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <cstdlib>
#include <string>

#include <libpq-fe.h>

#include "db/sqlite_connection.hpp"

namespace energy::server::db {

namespace {

// SQLSTATE classes a caller may retry: connection exceptions (08), serialization failure and
// deadlock (40001, 40P01), operator intervention such as admin shutdown (57P01..57P03).
bool retryable_state(std::string_view state) {
  return state.starts_with("08") || state == "40001" || state == "40P01" ||
         state.starts_with("57P");
}

class postgres_connection final : public connection {
 public:
  explicit postgres_connection(std::string uri) : uri_(std::move(uri)) { connect(); }
  ~postgres_connection() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }
  postgres_connection(const postgres_connection&) = delete;
  postgres_connection& operator=(const postgres_connection&) = delete;

  [[nodiscard]] db::dialect dialect() const noexcept override { return db::dialect::postgresql; }

  std::int64_t exec(std::string_view sql, std::span<const value> params) override {
    PGresult* res = run(sql, params);
    const char* tuples = PQcmdTuples(res);
    const std::int64_t changed = (tuples != nullptr && *tuples != '\0') ? std::atoll(tuples) : 0;
    PQclear(res);
    return changed;
  }

  std::vector<row> query(std::string_view sql, std::span<const value> params) override {
    PGresult* res = run(sql, params);
    std::vector<row> rows;
    const int n = PQntuples(res);
    const int m = PQnfields(res);
    rows.reserve(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      std::vector<value> cols;
      cols.reserve(static_cast<std::size_t>(m));
      for (int c = 0; c < m; ++c) {
        if (PQgetisnull(res, r, c) != 0) {
          cols.emplace_back(std::monostate{});
        } else {
          cols.emplace_back(
              std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
        }
      }
      rows.emplace_back(std::move(cols));
    }
    PQclear(res);
    return rows;
  }

 protected:
  void begin() override { exec("BEGIN", {}); }
  void commit() override { exec("COMMIT", {}); }
  void rollback() noexcept override {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
        PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
  }

 private:
  void connect() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = PQconnectdb(uri_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw storage_error("postgresql: cannot connect: " + why, true);
    }
    PQclear(PQexec(conn_, "SET client_min_messages = warning"));
  }

  PGresult* run(std::string_view sql, std::span<const value> params) {
    // A connection lost earlier is re-opened here, outside any transaction it belonged to (that
    // transaction is gone, and its caller was told so with a retryable error).
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) connect();
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        texts[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        texts[i] = buf;
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        texts[i] = *s;
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    const std::string text(sql);
    PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    const auto status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return res;
    const char* state_field = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = state_field != nullptr ? state_field : "";
    const std::string message = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    if (res != nullptr) PQclear(res);
    const std::string what = "postgresql: " + message + " (in: " + text.substr(0, 120) + ")";
    if (state.starts_with("23")) throw constraint_violation(what);
    const bool lost = PQstatus(conn_) != CONNECTION_OK;
    throw storage_error(what, lost || retryable_state(state));
  }

  std::string uri_;
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<connection> open_postgres(const std::string& uri) {
  return std::make_unique<postgres_connection>(uri);
}

}  // namespace energy::server::db
