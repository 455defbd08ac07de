// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <energy/storage/group_commit.hpp>
#include <energy/storage/store.hpp>

/**
 * Group commit: many producers (HTTP requests, transport consumers) hand units of work to one
 * writer thread, which runs the units that are waiting together in one transaction of its own
 * store (its adapter's `group_commit` capability), each unit inside its own savepoint, and commits
 * once. With SQLite's `synchronous=FULL` (or PostgreSQL's `fsync=on`) that is one WAL flush for the
 * whole group instead of one per unit, while each unit still sees the store exactly as if the units
 * had run one after another in queue order.
 *
 * **Per unit, exactly:** a unit that throws is undone alone (its savepoint is rolled back) and
 * reported with its exception; the others of its group are committed. A unit is reported as done
 * (`nullptr`) only after the transaction holding it has committed, so "done" means durable.
 *
 * **Failures of the group** (begin or commit, or a lost transaction): the group is rolled back and
 * run again from its first unit when the error is retryable (storage_error::retryable), at most
 * `max_attempts` times with a doubling back-off, the store reopened each time; then every unit of
 * it is reported with the last error. A unit may therefore run more than once, but only its last
 * run is ever committed: a unit must be re-runnable (ingest is: its result is assigned afresh).
 *
 * **Bounded:** at most `max_pending` units wait or are being written; submit() refuses beyond
 * (the caller answers "busy, retry later"), so a slow disk cannot grow memory without bound.
 *
 * Adapters without the capability (or whose begin_group returns false) run each unit in its own
 * transactions, one after another: correct, without the saving.
 *
 * **Example** (each producer thread):
 * ```cpp
 * energy::storage::group_writer writer([] { return energy::storage::open_store("sqlite:site.db");
 * }); auto report = std::make_shared<energy::ingest::ingest_report>(); bool queued = writer.submit(
 *     [&, report](energy::storage::store& st) { *report = energy::ingest::ingest_batch(st, dir,
 * batch); }, [report](std::exception_ptr failed) { ... answer with *report, or with the failure ...
 * });
 * ```
 *
 * Thread-safety: submit(), pending() and counters may be called from any thread. Units and their
 * `done` callbacks run on the writer thread, one at a time; a callback must not block for long
 * (it delays the next group) and must not call stop().
 */
namespace energy::storage {

struct group_writer_options {
  /// Units waiting or being written at once; submit() refuses beyond. At least 1.
  std::size_t max_pending = 256;
  /// Units per transaction. At least 1.
  std::size_t max_group_units = 64;
  /// Sum of the units' weights per transaction (e.g. readings); a single heavier unit still
  /// forms a group of its own. Bounds how long one commit holds the write lock.
  std::size_t max_group_weight = 200'000;
  /// Runs of a group that fails with a retryable storage_error. At least 1.
  int max_attempts = 3;
  /// Pause before the second run of a failed group, doubled before each further run.
  std::chrono::milliseconds retry_backoff{50};
};

class group_writer {
 public:
  /// One unit's work on the writer's store. Throwing fails this unit only.
  using work = std::function<void(store&)>;
  /// Called once per unit on the writer thread: `nullptr` once the transaction holding the unit
  /// has committed (durable), else the unit's own exception or the group's last failure.
  using done = std::function<void(std::exception_ptr)>;

  /**
   * Starts the writer thread. `open` makes the writer's store; it is called on the writer thread
   * on first use and again after a retryable failure (a lost connection). What it throws fails
   * the group at hand (retried when it is a retryable storage_error).
   * @throws std::invalid_argument for a zero limit or attempt count, or an empty `open`.
   */
  explicit group_writer(std::function<std::unique_ptr<store>()> open,
                        group_writer_options options = {});
  /// stop().
  ~group_writer();
  group_writer(const group_writer&) = delete;
  group_writer& operator=(const group_writer&) = delete;

  /// Queues a unit; `weight` counts against max_group_weight. Returns false — and neither
  /// `unit` nor `on_done` will ever run — when max_pending units are already pending or the
  /// writer is stopping.
  [[nodiscard]] bool submit(work unit, done on_done, std::size_t weight = 1);

  /// Writes every unit already queued, then joins the thread. Idempotent. Later submits fail.
  void stop();

  /// Units queued or being written now.
  [[nodiscard]] std::size_t pending() const;
  /// Transactions committed so far (each holding one or more units).
  [[nodiscard]] std::uint64_t groups_committed() const;
  /// Units reported done without error so far.
  [[nodiscard]] std::uint64_t units_committed() const;

 private:
  struct queued_unit {
    work run;
    done on_done;
    std::size_t weight = 1;
  };
  void loop();
  void write(std::deque<queued_unit>& group);
  void write_without_group(std::deque<queued_unit>& group);
  /// Reports `e` to the unit's callback (exceptions from the callback are swallowed).
  static void report(queued_unit& u, const std::exception_ptr& e) noexcept;

  std::function<std::unique_ptr<store>()> open_;
  group_writer_options options_;
  std::unique_ptr<store> store_;  // the writer thread's only

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<queued_unit> queue_;
  std::size_t pending_ = 0;  // queued + being written
  std::uint64_t groups_ = 0;
  std::uint64_t units_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace energy::storage

ENERGY_API_END
