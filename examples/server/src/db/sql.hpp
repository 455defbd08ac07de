// SPDX-License-Identifier: Apache-2.0
// The server's own tables (users, tokens, device keys, alerts, job runs, ...) live in the same
// database as the library's store, beside its tables, through this small SQL port. One SQL text
// serves both dialects where it can: placeholders are written $1, $2, ... (PostgreSQL's form;
// rewritten for SQLite), times are BIGINT epoch seconds (UTC), booleans are INTEGER 0/1, ids are
// TEXT (canonical UUID strings).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <energy/error.hpp>

namespace energy::server::db {

/// A parameter or column value. NULL is std::monostate.
using value = std::variant<std::monostate, std::int64_t, double, std::string>;

/// One result row. Accessors throw std::logic_error on a type the column cannot give.
class row {
 public:
  explicit row(std::vector<value> columns) : columns_(std::move(columns)) {}
  [[nodiscard]] std::size_t size() const noexcept { return columns_.size(); }
  [[nodiscard]] bool is_null(std::size_t i) const;
  [[nodiscard]] std::int64_t integer(std::size_t i) const;
  [[nodiscard]] double real(std::size_t i) const;
  [[nodiscard]] std::string text(std::size_t i) const;
  [[nodiscard]] std::optional<std::int64_t> opt_integer(std::size_t i) const;
  [[nodiscard]] std::optional<std::string> opt_text(std::size_t i) const;

 private:
  std::vector<value> columns_;
};

/// A unique or foreign-key constraint refused the statement (not retryable).
class constraint_violation : public storage_error {
 public:
  explicit constraint_violation(const std::string& what) : storage_error(what, false) {}
};

enum class dialect : std::uint8_t { sqlite, postgresql };

/**
 * One database connection. Not thread-safe: one per thread (the HTTP layer gives each worker
 * thread its own). Failures throw `storage_error` (`retryable()` for busy/locked SQLite, lost
 * PostgreSQL connections, serialization failures and deadlocks) or `constraint_violation`.
 */
class connection {
 public:
  virtual ~connection() = default;
  [[nodiscard]] virtual db::dialect dialect() const noexcept = 0;
  /// Runs one statement; returns the number of rows it changed.
  virtual std::int64_t exec(std::string_view sql, std::span<const value> params = {}) = 0;
  std::int64_t exec(std::string_view sql, std::initializer_list<value> params) {
    return exec(sql, std::span<const value>(params.begin(), params.size()));
  }
  /// Runs one statement and returns all its rows (keep result sets small: page with LIMIT).
  [[nodiscard]] virtual std::vector<row> query(std::string_view sql,
                                               std::span<const value> params = {}) = 0;
  [[nodiscard]] std::vector<row> query(std::string_view sql, std::initializer_list<value> params) {
    return query(sql, std::span<const value>(params.begin(), params.size()));
  }

  /// Runs `work` in one transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of
  /// deadlocking), committing when it returns and rolling back when it throws. A retryable
  /// storage_error is retried up to 3 attempts in all (the seed's rule), then rethrown.
  void transaction(const std::function<void(connection&)>& work);

 protected:
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
};

/// Opens the database a store URI names (`sqlite:PATH`, a bare path, `postgresql://...`).
/// `memory:` and `sqlite::memory:` give a private in-memory SQLite database (tests).
[[nodiscard]] std::unique_ptr<connection> open(std::string_view uri);

/// True for a PostgreSQL URI (`postgresql://` or `postgres://`); every other URI is SQLite.
[[nodiscard]] bool is_postgres_uri(std::string_view uri) noexcept;

/// One step of a module's schema. Applied once, in order of `version`, each in its own
/// transaction, recorded in `server_schema(module, version)`. `postgresql_sql` is used instead of
/// `sql` on PostgreSQL when it is not empty (for the few statements whose dialects differ).
struct migration {
  int version = 0;
  std::string sql;
  std::string postgresql_sql;
};

/// Brings `module`'s tables to the newest version. Safe to call from several processes at once
/// (PostgreSQL: under an advisory lock; SQLite: under the write lock).
void migrate(connection& c, std::string_view module, std::span<const migration> steps);

}  // namespace energy::server::db
