// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <stdexcept>
#include <string>

namespace energy {

/**
 * Operational failures (I/O, databases, transports) derive from `energy::error`.
 * Caller mistakes (violated preconditions) throw std::invalid_argument / std::out_of_range instead.
 * Bad *data* (one malformed reading) is never an exception: it is an outcome in a result.
 */
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A store could not do what was asked. `retryable()` says whether the same call may succeed
/// later (connection lost, database busy/locked) or will fail again (schema too new, disk full).
class storage_error : public error {
 public:
  storage_error(const std::string& what, bool retryable) : error(what), retryable_(retryable) {}
  [[nodiscard]] bool retryable() const noexcept { return retryable_; }

 private:
  bool retryable_;
};

/// A guarded sample state (sample_state::guarded) no longer matched the stored one: another
/// writer advanced the same register/power sensor since the rows were derived. Nothing of the call
/// was written; derive again from the new state and retry (ingest_batch does).
class state_conflict : public storage_error {
 public:
  explicit state_conflict(const std::string& what) : storage_error(what, true) {}
};

/// A file or message could not be parsed at all (as opposed to individual bad rows).
/// The message names the source, and where possible the line/element.
class parse_error : public error {
 public:
  using error::error;
};

}  // namespace energy

ENERGY_API_END
