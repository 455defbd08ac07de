// SPDX-License-Identifier: Apache-2.0
// Bills of a building for a range of local days: one per local calendar month, split where a new
// tariff version takes effect, each priced by the tariff in effect (or, where none is, by the
// building's flat rate, labelled so). A part shorter than its month pays monthly charges pro rata.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/aggregate/calendar.hpp>
#include <energy/billing/bill.hpp>

#include "money/tariff_book.hpp"

namespace energy::server::costs {

/// What priced a bill or a cost: an uploaded tariff version, or the building's flat rate.
struct price_basis {
  const tariff_version* version = nullptr;  ///< null: flat rate
  billing::tariff flat;                     ///< the flat-rate tariff when version is null
  [[nodiscard]] const billing::tariff& tariff() const {
    return version != nullptr ? version->parsed.tariff : flat;
  }
  /// basis, tariff_id, tariff_name, currency, unsupported (URDB fields not priced)
  [[nodiscard]] nlohmann::json describe() const;
};

/// The basis that prices instant `t`: the tariff version in effect, else the flat rate.
/// @throws problem_error 422 naming the date when neither applies.
[[nodiscard]] price_basis basis_at(const std::vector<tariff_version>& effective, const building& b,
                                   aggregate::local_calendar& cal, utc_seconds t);

struct priced_bill {
  price_basis basis;
  bool prorated = false;  ///< monthly charges pro-rated (a part of a month)
  billing::bill bill;
};

/// The bills of `range` (whole local days) from `data`.
/// @throws problem_error 422 when a part has neither a tariff nor a flat rate.
[[nodiscard]] std::vector<priced_bill> price_range(const billing::interval_series& data,
                                                   const std::vector<tariff_version>& effective,
                                                   const building& b,
                                                   aggregate::local_calendar& cal,
                                                   time_range range);

}  // namespace energy::server::costs
