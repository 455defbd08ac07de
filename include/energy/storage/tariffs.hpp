// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <energy/storage/store.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::storage {

/**
 * One uploaded version of a building's electricity tariff: the URDB document exactly as given,
 * in effect from a local calendar date of the building (its IANA zone) until the next later
 * version's date. Versions are never overwritten: a later upload with the same effective date
 * gets a higher `revision` and supersedes the earlier one (which stays listed, for audit).
 */
struct tariff_version {
  uuid building_id;
  /// First local date (the building's zone) the tariff prices: from local midnight on.
  std::chrono::year_month_day effective{};
  /// Assigned by the store on add: 1, 2, ... per building, in upload order. Ignored on add.
  std::int64_t revision = 0;
  /// When the version was stored (UTC). Set by the caller.
  utc_seconds recorded_at{};
  /// Where the document came from (a file name), for `tariff show`. Informational.
  std::string source;
  /// RFC 6901 pointer to the URDB record inside `urdb_json` ("" = the reader's defaults).
  std::string json_pointer;
  /// The document as uploaded (not parsed by the store: energy::io::read_urdb does that).
  std::string urdb_json;
  /// The utility's TOU holidays (billing::tariff::holidays: local dates priced with the weekend
  /// schedules), which URDB documents do not carry. nullopt: not known (versions stored before
  /// the stores kept them read so); empty: the utility has none. Kept in the order given.
  std::optional<std::vector<std::chrono::year_month_day>> holidays;
  friend bool operator==(const tariff_version&, const tariff_version&) = default;
};

/**
 * Optional adapter capability: a building's tariff versions. Implemented by the memory, SQLite and
 * PostgreSQL adapters; ask for it with `store.as<tariff_port>()` or `tariffs_of(store)` (a store
 * that does not keep tariffs answers nullptr, so a caller can say so instead of pricing with
 * nothing).
 *
 * Thread-safety: as `store` (one thread at a time per object).
 */
class tariff_port {
 public:
  virtual ~tariff_port() = default;

  /**
   * Stores `v` as the building's newest revision and, in the same transaction, invalidates the
   * building's summaries (`store::invalidate_summaries`) over `tariff_change_range` — the local
   * days the new version now prices — so no summary keeps a cost of the version it replaced.
   * Returns the revision assigned.
   * @throws std::invalid_argument when the building does not exist, the date is not a calendar
   *         date or `urdb_json` is empty (nothing stored); storage_error as the store's writes.
   */
  virtual std::int64_t add_tariff_version(const tariff_version& v) = 0;

  /// Every version of the building, ordered by (effective, revision). Empty when it has none
  /// (also for an unknown building).
  [[nodiscard]] virtual std::vector<tariff_version> list_tariff_versions(
      const uuid& building_id) = 0;

 protected:
  tariff_port() = default;
  tariff_port(const tariff_port&) = default;
  tariff_port& operator=(const tariff_port&) = default;
};

/// `s.as<tariff_port>()`: the store's tariff capability, or nullptr when its adapter does not keep
/// tariffs.
[[nodiscard]] tariff_port* tariffs_of(store& s) noexcept;

/**
 * The version in effect on local date `day`: among the versions with the latest `effective` not
 * after `day`, the highest revision. nullptr when every version starts after `day` (or there are
 * none). `versions` need not be sorted.
 */
[[nodiscard]] const tariff_version* version_in_effect(std::span<const tariff_version> versions,
                                                      std::chrono::year_month_day day) noexcept;

/// What every adapter checks before add_tariff_version changes anything: the effective date and
/// each holiday are calendar dates, the document is not empty.
/// @throws std::invalid_argument "add_tariff_version: ..." naming the field.
void check_new_tariff_version(const tariff_version& v);

/**
 * The UTC range whose prices change when a version effective on `effective` is added to
 * `existing` (the building's versions before the add): from local midnight of `effective` in
 * `zone` to local midnight of the next later effective date in `existing`, or to the end of
 * `all_time()` when there is none.
 */
[[nodiscard]] time_range tariff_change_range(std::span<const tariff_version> existing,
                                             std::chrono::year_month_day effective,
                                             const time_zone& zone);

/// UTC instant of local midnight of `day` in `zone` (the first instant after a gap when midnight
/// does not exist there).
[[nodiscard]] utc_seconds local_midnight(std::chrono::year_month_day day, const time_zone& zone);

/// "YYYY-MM-DD". The text form the SQL adapters store (sorts as the dates do).
[[nodiscard]] std::string format_date(std::chrono::year_month_day day);
/// Parses "YYYY-MM-DD" (a calendar date, exactly 10 characters); std::nullopt otherwise.
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_date(std::string_view text) noexcept;

/// "YYYY-MM-DD,YYYY-MM-DD,..." ("" for none): how the SQL adapters store tariff_version::holidays
/// (NULL for not known). @throws std::invalid_argument when a date is not a calendar date.
[[nodiscard]] std::string format_date_list(const std::vector<std::chrono::year_month_day>& days);
/// The inverse of format_date_list; std::nullopt when an item is not a calendar date.
[[nodiscard]] std::optional<std::vector<std::chrono::year_month_day>> parse_date_list(
    std::string_view text);

}  // namespace energy::storage

ENERGY_API_END
