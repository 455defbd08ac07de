// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: how a store call uses a cached statement and its transaction, and how
// SQLite failures become storage_error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

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

/**
 * A statement stepped through the sqlite3 C API itself, for the per-row loop of streamed reads:
 * there SQLiteCpp's Column (a shared_ptr copy per column read) costs as much as the step. Errors
 * surface as SQLite::Exception, like every other statement of the adapter.
 */
class raw_statement {
 public:
  raw_statement(SQLite::Database& db, const char* sql) : db_(db.getHandle()) {
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st_, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
  }
  ~raw_statement() { sqlite3_finalize(st_); }
  raw_statement(const raw_statement&) = delete;
  raw_statement& operator=(const raw_statement&) = delete;

  [[nodiscard]] sqlite3_stmt* get() const noexcept { return st_; }
  /// true: a row is ready; false: no more rows.
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(db_, rc);
  }
  /// Resets when a use ends however it ends (a statement left mid-step pins the WAL).
  class use {
   public:
    explicit use(raw_statement& s) noexcept : s_(s) {}
    ~use() { sqlite3_reset(s_.st_); }
    use(const use&) = delete;
    use& operator=(const use&) = delete;

   private:
    raw_statement& s_;
  };

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

/// The transaction of one store call. Outside a write group it is the call's own transaction
/// (BEGIN ... COMMIT, rolled back when the call throws); inside a group (group_commit) it is
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

/**
 * The write section of a store call inside a bulk group (group_commit::begin_bulk_group), which
 * takes no savepoint: unless finish() is reached, the call may have written part of its rows, so
 * the group is marked broken (it can then only be rolled back). Outside a bulk group (`broken`
 * null) it does nothing: the call's transaction or savepoint undoes a failure.
 */
class bulk_write_section {
 public:
  explicit bulk_write_section(bool* broken) noexcept : broken_(broken) {}
  ~bulk_write_section() {
    if (broken_ != nullptr && !finished_) *broken_ = true;
  }
  bulk_write_section(const bulk_write_section&) = delete;
  bulk_write_section& operator=(const bulk_write_section&) = delete;
  void finish() noexcept { finished_ = true; }

 private:
  bool* broken_;
  bool finished_ = false;
};

/// "'path'", for messages.
[[nodiscard]] std::string quoted(const std::filesystem::path& path);

/// Throws the storage_error for a failed `operation` on the database `where`: retryable when
/// SQLite reported the database busy or locked.
[[noreturn]] void throw_storage(const SQLite::Exception& e, std::string_view operation,
                                const std::string& where);

}  // namespace energy::sqlite_detail
