// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: how a store call uses a cached statement and its transaction, and how
// SQLite failures become storage_error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

namespace energy::sqlite_detail {

/// Resets a cached statement when a use ends, however it ends: a statement left mid-step keeps a
/// read transaction open and would pin the WAL.
class statement_use {
 public:
  explicit statement_use(SQLite::Statement& st) noexcept : st_(st) {}
  ~statement_use() { st_.tryReset(); }
  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;
  SQLite::Statement* operator->() const noexcept { return &st_; }
  SQLite::Statement& operator*() const noexcept { return st_; }

 private:
  SQLite::Statement& st_;
};

/// The transaction of one store call. Outside a write group it is the call's own transaction
/// (BEGIN ... COMMIT, rolled back when the call throws); inside a group (store::begin_group) it is
/// a savepoint of the group's transaction, so the call still writes all or nothing but commits
/// with the group.
class call_transaction {
 public:
  call_transaction(SQLite::Database& db, bool in_group, SQLite::TransactionBehavior behavior)
      : db_(db), nested_(in_group) {
    if (nested_)
      db_.exec("SAVEPOINT energy_call");
    else
      db_.exec(behavior == SQLite::TransactionBehavior::IMMEDIATE ? "BEGIN IMMEDIATE"
                                                                  : "BEGIN DEFERRED");
  }
  ~call_transaction() {
    if (done_) return;
    try {
      db_.exec(nested_ ? "ROLLBACK TO energy_call; RELEASE energy_call" : "ROLLBACK");
    } catch (...) {
      // The transaction is already gone (SQLite rolled it back after an I/O error); a group
      // notices at its next savepoint or commit.
    }
  }
  call_transaction(const call_transaction&) = delete;
  call_transaction& operator=(const call_transaction&) = delete;
  void commit() {
    db_.exec(nested_ ? "RELEASE energy_call" : "COMMIT");
    done_ = true;
  }

 private:
  SQLite::Database& db_;
  bool nested_;
  bool done_ = false;
};

/// "'path'", for messages.
[[nodiscard]] std::string quoted(const std::filesystem::path& path);

/// Throws the storage_error for a failed `operation` on the database `where`: retryable when
/// SQLite reported the database busy or locked.
[[noreturn]] void throw_storage(const SQLite::Exception& e, std::string_view operation,
                                const std::string& where);

}  // namespace energy::sqlite_detail
