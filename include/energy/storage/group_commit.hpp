// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <energy/storage/adapter.hpp>

namespace energy::storage {

/**
 * Optional adapter capability (find it with `adapter::as<group_commit>()`): write groups, so N
 * write calls cost one commit (with SQLite `synchronous=FULL`: one WAL fsync) instead of N.
 * `group_writer` drives it; an adapter without it has every call commit on its own.
 *
 * Inside a group a write call still writes all of its rows or none, but it is durable only once
 * commit_group() returns — not when the call returns. In a bulk group (begin_bulk_group) a call
 * that fails part-way breaks the whole group instead, so none of its rows is ever stored either.
 *
 * Thread-safety: as the adapter (one thread at a time).
 */
class group_commit {
 public:
  virtual ~group_commit() = default;

  /// Starts a group: every write call until commit_group() or rollback_group() joins one
  /// transaction. Returns false when no group could start now (nothing started; calls keep
  /// committing on their own).
  /// @throws storage_error (retryable when another connection holds the write lock).
  virtual bool begin_group() = 0;
  /**
   * Starts a group for a bulk load that gives the whole group up when any write fails, such as a
   * file import: a write call inside it is not made undoable on its own. A write call that fails
   * part-way breaks the group: later write calls and commit_group() throw storage_error, and
   * rollback_group() ends it with nothing of the group stored. A call that fails before it
   * writes anything (state_conflict, an unknown sensor, a bad argument) leaves the group as it
   * was. Units (begin_unit) inside a bulk group are allowed; a failed call breaks the group all
   * the same. An adapter may also defer a call's writes within the group (memory bounded): a
   * write that fails then breaks the group at the call that performs it — a later write call, a
   * read or metadata call of the group, or commit_group() — with the same outcome: nothing of the
   * group is stored. Returns as begin_group().
   *
   * Why: an adapter may skip what makes each call undoable. SQLite does: there a call inside a
   * group is a savepoint, whose journal copies every page the call changes before changing it
   * (an import of 10^6 time-major readings wrote 167 MB of savepoint journal besides a 33 MB
   * database), and it writes each changed reading chunk once per group instead of once per call.
   * The default is begin_group().
   * @throws storage_error as begin_group().
   */
  virtual bool begin_bulk_group() { return begin_group(); }
  /**
   * Inside a group: marks the start of one unit of work (a savepoint). end_unit(true) keeps the
   * unit's writes in the group; end_unit(false) undoes them and leaves the rest of the group as
   * it was. No-ops outside a group.
   * @throws storage_error when the group's transaction is lost (e.g. an I/O error rolled it
   *         back): the group is broken, call rollback_group().
   */
  virtual void begin_unit() = 0;
  virtual void end_unit(bool keep) = 0;
  /// Commits the group; returns once every write in it is durable.
  /// @throws storage_error: the group is not stored (call rollback_group()).
  virtual void commit_group() = 0;
  /// Abandons the group: nothing written in it is stored. Never throws; no-op without a group.
  virtual void rollback_group() noexcept = 0;

 protected:
  group_commit() = default;
  group_commit(const group_commit&) = default;
  group_commit& operator=(const group_commit&) = default;
};

}  // namespace energy::storage

ENERGY_API_END
