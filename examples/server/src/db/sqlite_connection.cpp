// SPDX-License-Identifier: Apache-2.0
#include "db/sqlite_connection.hpp"

#include <cctype>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace energy::server::db {

namespace {

// $1 -> ?1: SQLite numbers ?NNN parameters by their digits, so order of appearance does not matter.
std::string to_sqlite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  bool in_string = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (ch == '\'') in_string = !in_string;
    if (!in_string && ch == '$' && i + 1 < sql.size() &&
        std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('?');
      continue;
    }
    out.push_back(ch);
  }
  return out;
}

[[noreturn]] void rethrow(const SQLite::Exception& e, std::string_view sql) {
  const int code = e.getErrorCode();
  const std::string what =
      std::string("sqlite: ") + e.what() + " (in: " + std::string(sql.substr(0, 120)) + ")";
  if (code == SQLITE_CONSTRAINT) throw constraint_violation(what);
  throw storage_error(what, code == SQLITE_BUSY || code == SQLITE_LOCKED);
}

void bind_all(SQLite::Statement& st, std::span<const value> params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            st.bind(index);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            st.bind(index, static_cast<std::int64_t>(v));
          } else if constexpr (std::is_same_v<T, double>) {
            st.bind(index, v);
          } else {
            st.bind(index, v);
          }
        },
        params[i]);
  }
}

class sqlite_connection final : public connection {
 public:
  explicit sqlite_connection(const std::string& path)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX) {
    db_.setBusyTimeout(10000);
    if (path != ":memory:") db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
  }

  [[nodiscard]] db::dialect dialect() const noexcept override { return db::dialect::sqlite; }

  std::int64_t exec(std::string_view sql, std::span<const value> params) override {
    try {
      SQLite::Statement st(db_, to_sqlite_placeholders(sql));
      bind_all(st, params);
      while (st.executeStep()) {
      }
      return db_.getChanges();
    } catch (const SQLite::Exception& e) {
      rethrow(e, sql);
    }
  }

  std::vector<row> query(std::string_view sql, std::span<const value> params) override {
    try {
      SQLite::Statement st(db_, to_sqlite_placeholders(sql));
      bind_all(st, params);
      std::vector<row> rows;
      while (st.executeStep()) {
        std::vector<value> cols;
        cols.reserve(static_cast<std::size_t>(st.getColumnCount()));
        for (int i = 0; i < st.getColumnCount(); ++i) {
          const SQLite::Column c = st.getColumn(i);
          switch (c.getType()) {
            case SQLITE_NULL:
              cols.emplace_back(std::monostate{});
              break;
            case SQLITE_INTEGER:
              cols.emplace_back(static_cast<std::int64_t>(c.getInt64()));
              break;
            case SQLITE_FLOAT:
              cols.emplace_back(c.getDouble());
              break;
            default:
              cols.emplace_back(c.getString());
              break;
          }
        }
        rows.emplace_back(std::move(cols));
      }
      return rows;
    } catch (const SQLite::Exception& e) {
      rethrow(e, sql);
    }
  }

 protected:
  void begin() override { exec("BEGIN IMMEDIATE", {}); }
  void commit() override { exec("COMMIT", {}); }
  void rollback() noexcept override {
    try {
      if (!db_.getHandle() || sqlite3_get_autocommit(db_.getHandle()) == 0) db_.exec("ROLLBACK");
    } catch (...) {  // nothing to roll back: the failure already ended the transaction
    }
  }

 private:
  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<connection> open_sqlite(const std::string& path) {
  try {
    return std::make_unique<sqlite_connection>(path);
  } catch (const SQLite::Exception& e) {
    throw storage_error("sqlite: cannot open " + path + ": " + e.what(), false);
  }
}

}  // namespace energy::server::db
