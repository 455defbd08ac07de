// SPDX-License-Identifier: Apache-2.0
// A building's tariffs, versioned by effective date. Each upload is a new version; nothing is
// overwritten. The version in effect at an instant is the one with the latest effective date on
// or before that instant's local date; of two uploads with the same effective date the later one
// supersedes the earlier (a correction), which stays listed. A version is in effect until the
// next effective date.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/aggregate/calendar.hpp>
#include <energy/io/urdb.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/model.hpp>

#include "http/context.hpp"
#include "money/holidays.hpp"

namespace energy::server::costs {

struct tariff_version {
  std::string id;
  std::chrono::local_days effective_from{};
  std::string currency;      ///< ISO 4217 of the tariff's prices
  std::string source;        ///< the uploaded JSON, as sent
  std::string json_pointer;  ///< where the URDB record is inside `source` ("" = found by shape)
  epoch_seconds uploaded_at = 0;
  std::string uploaded_by;  ///< user id
  /// Coincident-peak charges given with the upload (the URDB record has no peak hours).
  std::vector<billing::coincident_peak_charge> coincident_peaks;
  /// The utility's TOU holidays given with the upload (URDB records have none); nullopt: not
  /// known (the bills say so when the weekend schedule differs).
  holiday_list holidays;
  io::urdb_tariff parsed;  ///< read from `source`, `coincident_peaks` and `holidays` applied; valid
  bool superseded = false;  ///< a later upload has the same effective date
  std::optional<std::chrono::local_days> effective_until;  ///< next version's date (exclusive)
};

/// A tariff upload checked and read, not yet stored.
/// @throws problem_error 422 naming the field: unknown fields, a bad date or currency, a URDB
///         record that does not read, a bad coincident-peak charge or holiday, or a tariff that
///         cannot price anything (empty, or schedules naming missing periods).
[[nodiscard]] tariff_version read_upload(const nlohmann::json& body);

/// Stores `v` as a new version of building `b` (its id is set here).
void store_version(request_context& ctx, const building& b, tariff_version& v);

/// Every version of the building, oldest effective date first, `superseded` and
/// `effective_until` filled in.
[[nodiscard]] std::vector<tariff_version> list_versions(request_context& ctx, const building& b);

/// The versions that apply (superseded ones left out), oldest first.
[[nodiscard]] std::vector<tariff_version> effective_versions(request_context& ctx,
                                                             const building& b);

/// The version in effect at `t` among `effective` (from effective_versions), or nullptr.
[[nodiscard]] const tariff_version* in_effect(const std::vector<tariff_version>& effective,
                                              aggregate::local_calendar& cal, utc_seconds t);

/// Most versions one building may have (uploads beyond answer 422).
inline constexpr std::size_t max_versions_per_building = 500;

/// The version as the API shows it; `with_source` adds the uploaded JSON.
[[nodiscard]] nlohmann::json to_json(const tariff_version& v, const building& b, bool with_source);

}  // namespace energy::server::costs
