// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/summary.hpp>

/// Value types shared by the user API (`storage::store`) and the adapter interface
/// (`storage::adapter`).
namespace energy::storage {

/// What writing one row did. Policy for a row whose (sensor_id, ts) is already stored:
/// same value and flags -> `unchanged` (re-sending a batch is a no-op); a different value or flags
/// -> `replaced`, and the stored row gets `quality::corrected` (metering corrections win).
enum class write_outcome : std::uint8_t { inserted, unchanged, replaced };

struct write_result {
  std::size_t inserted = 0;
  std::size_t unchanged = 0;
  std::size_t replaced = 0;
  friend bool operator==(const write_result&, const write_result&) = default;
};

/// A (sensor, UTC hour) whose readings changed since its summaries were last computed.
struct dirty_hour {
  uuid sensor_id;
  epoch_seconds hour = 0;  ///< UTC, multiple of 3600
  friend bool operator==(const dirty_hour&, const dirty_hour&) = default;
  friend auto operator<=>(const dirty_hour&, const dirty_hour&) = default;
};

/// A set of dirty hours taken by an aggregation run. Marks made after the claim (late readings
/// that arrive while the run computes) have a larger sequence number and survive its commit.
struct dirty_claim {
  std::vector<dirty_hour> hours;
  std::int64_t up_to_sequence = 0;
  /// Set by `adapter::claim_dirty`: `hours` are all the marks, in (hour, sensor) order, up to and
  /// including `hours.back()` that existed at the claim, so commit_summaries may clear them with
  /// one range delete instead of one delete per mark. Leave false in a claim built by hand.
  bool is_prefix = false;
};

/// What summaries to read.
struct summary_query {
  summary_scope scope = summary_scope::building;
  uuid subject_id;
  sensor_type type = sensor_type::electricity;
  resolution res = resolution::day;
  time_range range;  ///< buckets whose period.start lies in [range.start, range.end)
};

/**
 * How the summaries of one database are computed. Kept in the database (not passed per call), so
 * every refresh run agrees; a run whose options disagree is refused
 * (`aggregate::refresh_summaries`).
 */
struct summary_settings {
  /// Also keep per-sensor summaries (hour, day and month of every aggregated sensor) besides the
  /// per-building ones, which are always kept. Off on a new database: at scale they cost three
  /// summary rows per sensor and dirty hour (docs/scaling.md).
  bool sensor_scope = false;
  /// `aggregate::cost_model::identity()` of the model that prices the summaries: "flat_rate"
  /// (`aggregate::flat_rate_cost`, the default) or e.g. "tariff:<fingerprint>"
  /// (`billing::tariff_cost`). Never empty.
  std::string cost_model = "flat_rate";
  friend bool operator==(const summary_settings&, const summary_settings&) = default;
};

/// Every instant a store can hold, years 0000 to 9999 UTC: the range of a rebuild "over all time".
[[nodiscard]] constexpr time_range all_time() noexcept {
  return {from_epoch(-62'167'219'200), from_epoch(253'402'300'800)};
}

/// Whether changing `before` into `after` changes the building's summaries (time zone, flat rate).
[[nodiscard]] bool affects_summaries(const building& before, const building& after) noexcept;
/// Whether changing `before` into `after` changes summaries (building, type, kind, unit,
/// interval).
[[nodiscard]] bool affects_summaries(const sensor& before, const sensor& after) noexcept;

}  // namespace energy::storage

ENERGY_API_END
