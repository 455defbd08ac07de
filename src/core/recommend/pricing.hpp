// SPDX-License-Identifier: Apache-2.0
// Internal (not installed): prices a rule's counterfactual series with the bill engine.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <energy/billing/bill.hpp>
#include <energy/recommend/recommend.hpp>

namespace energy::recommend::detail {

/// The saving of one counterfactual over the whole series (no annualisation here).
struct priced_saving {
  milli kwh = 0;               ///< Wh, measured − modified
  money saving;                ///< Σ months (bill(measured) − bill(modified)), exact lines
  std::vector<money> monthly;  ///< per billing month, in time order
};

/**
 * Bills the measured series once per local calendar month (clipped to the data) under the
 * building's tariff, or under a tariff built from the flat prices when none is given, and prices
 * any modified series against those bills. Money is the sum of the exact (unrounded) line
 * amounts, so a saving is not lost to cent rounding.
 */
class counterfactual_pricer {
 public:
  /// @throws std::invalid_argument when the tariff is invalid.
  counterfactual_pricer(const anomaly::meter_series& series, const time_zone& zone,
                        std::span<const std::int64_t> local_seconds,
                        const std::optional<billing::tariff>& tariff, const prices& flat);

  [[nodiscard]] priced_saving price(std::span<const milli> modified) const;

  [[nodiscard]] bool priced() const noexcept { return priced_; }
  [[nodiscard]] bool has_demand_charge() const noexcept { return demand_charge_; }
  [[nodiscard]] const std::string& basis() const noexcept { return basis_; }
  /// Approximations every priced saving depends on (e.g. hourly data, 15-minute demand).
  [[nodiscard]] const std::vector<std::string>& caveats() const noexcept { return caveats_; }

 private:
  [[nodiscard]] money exact_total(const billing::interval_series& data, time_range period) const;

  time_zone zone_;
  billing::interval_series measured_;
  billing::tariff tariff_;
  bool priced_ = false;
  bool demand_charge_ = false;
  std::string basis_;
  std::vector<std::string> caveats_;
  std::vector<time_range> months_;
  std::vector<money> measured_bills_;
};

}  // namespace energy::recommend::detail
