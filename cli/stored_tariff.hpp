// SPDX-License-Identifier: Apache-2.0
// The tariff a command prices with: a --tariff file when given, otherwise the building's stored
// tariff version in effect (energy tariff set); and the cost model of the summaries.
#pragma once

#include "args.hpp"
#include "building_data.hpp"

#include <energy/aggregate/refresh.hpp>
#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/io/urdb.hpp>
#include <energy/storage/store.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace energy::cli {

struct chosen_tariff {
  io::urdb_tariff urdb;
  std::string origin;  ///< the file, or "stored revision N (effective D)"
};

/**
 * --tariff FILE when given; else the stored version in effect over the whole of `period` (local
 * dates of the building). A period that spans two versions is refused, naming the date to split
 * at: a bill is priced by one tariff (see docs/cli.md). `--holidays` (holidays_option) replaces
 * the tariff's holidays.
 * @throws std::runtime_error (exit 1) when no version is in effect, the period spans versions,
 *         or the store keeps no tariffs; parse_error for an unreadable file.
 */
/// `--holidays 2016-07-04,2016-09-05` (the utility's TOU holidays, local dates priced with the
/// weekend schedules; URDB records do not carry them), `--holidays none` (an empty list: it has
/// none), or std::nullopt when the option is absent.
/// @throws usage_error naming --holidays when an item is not a calendar date or is given twice.
[[nodiscard]] std::optional<std::vector<std::chrono::year_month_day>> holidays_option(
    const args& a);

[[nodiscard]] chosen_tariff tariff_for(const args& a, storage::store& db,
                                       const building_context& bc, time_range period);

/// The refresh options of the CLI's aggregation: priced by the stored tariff versions when the
/// database's settings say so (`model` keeps the model alive), flat rates otherwise.
[[nodiscard]] aggregate::refresh_options summary_refresh_options(
    storage::store& db, std::optional<billing::dated_tariff_cost>& model);

}  // namespace energy::cli
