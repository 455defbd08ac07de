// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL store: opening it, and its write groups (group commit).
#include "postgres_store.hpp"

namespace energy::storage {

using namespace postgres_detail;

bool postgres_store::begin_group() {
  if (group_) throw std::logic_error("postgres store: begin_group inside a group");
  // Days a lost group needed are made now, while this store holds no lock (see make_partitions);
  // a failure is the pool's storage_error, retryable or not.
  pool_->create_wanted_partitions();
  try {
    auto g = std::make_unique<write_group>(pool_->acquire());
    try {
      g->tx.emplace(*g->conn, "energy_group");
    } catch (...) {
      g->conn.discard();  // never hand back a connection whose BEGIN failed
      throw;
    }
    group_ = std::move(g);
  } catch (const std::exception&) {
    const bool lost = is_connection_failure(std::current_exception());
    try {
      pool_->rethrow_as_storage_error("begin_group", 1);
    } catch (const storage_error& e) {
      throw storage_error(e.what(), lost || e.retryable());
    }
  }
  return true;
}

void postgres_store::begin_unit() {
  if (!group_ || group_->lost) return;  // a lost group fails at end_unit
  try {
    // Plain SQL rather than a pqxx::subtransaction, which would only begin at its own first
    // statement: the calls run in savepoints of their own inside this one.
    group_->tx->exec0("SAVEPOINT energy_unit");
    group_->in_unit = true;
  } catch (...) {
    group_failure("begin_unit");
  }
}

void postgres_store::end_unit(bool keep) {
  if (!group_) return;
  if (!group_->lost && group_->in_unit) {
    group_->in_unit = false;
    try {
      group_->tx->exec0(keep ? "RELEASE SAVEPOINT energy_unit"
                             : "ROLLBACK TO SAVEPOINT energy_unit; RELEASE SAVEPOINT energy_unit");
    } catch (...) {
      group_failure("end_unit");
    }
  }
  group_->in_unit = false;
  if (group_->lost)
    throw storage_error(
        "postgres end_unit: the write group's transaction is lost; nothing of the group is "
        "stored, run it again",
        true);
  if (!keep) {
    known_sensors_.clear();        // a sensor the unit wrote is gone with it
    group_->created_days.clear();  // and so may be a partition it made (checked again in SQL)
  }
}

void postgres_store::commit_group() {
  if (!group_) return;
  if (group_->lost)
    throw storage_error(
        "postgres commit_group: the write group's transaction is lost; nothing of the group is "
        "stored, run it again",
        true);
  try {
    group_->tx->commit();
  } catch (const pqxx::in_doubt_error& e) {
    group_->lost = true;
    throw storage_error(
        std::string("postgres commit_group: connection lost during COMMIT, outcome unknown "
                    "(running the group again is safe): ") +
            e.what(),
        true);
  } catch (...) {
    group_failure("commit_group");
  }
  pool_->remember_partitions({group_->created_days.begin(), group_->created_days.end()});
  group_.reset();  // the connection goes back to the pool
}

void postgres_store::rollback_group() noexcept {
  if (!group_) return;
  group_->tx.reset();  // its destructor rolls back, swallowing errors of a dead connection
  if (group_->lost || !group_->conn->is_open()) group_->conn.discard();
  group_.reset();
  known_sensors_.clear();  // a sensor written in the group may be gone with it
}

void postgres_store::group_failure(const char* what) {
  const auto e = std::current_exception();
  if (!group_->conn->is_open() || is_connection_failure(e)) {
    group_->lost = true;
    std::string why = "unknown error";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      why = x.what();
    } catch (...) {
    }
    throw storage_error(std::string("postgres ") + what +
                            ": the write group's transaction is lost (" + why +
                            "); nothing of the group is stored, run it again",
                        true);
  }
  pool_->rethrow_as_storage_error(what, 1);
}

std::unique_ptr<store> open_postgres_store(std::shared_ptr<postgres_pool> pool) {
  return std::make_unique<store>(std::make_unique<postgres_store>(std::move(pool)));
}

std::unique_ptr<store> open_postgres_store(std::string_view uri, const postgres_options& options) {
  return open_postgres_store(make_postgres_pool(uri, options));
}

}  // namespace energy::storage
