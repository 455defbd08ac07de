// SPDX-License-Identifier: Apache-2.0
#include "money/priced_bills.hpp"

#include <algorithm>

#include "http/message.hpp"
#include "money/local_dates.hpp"

namespace energy::server::costs {

nlohmann::json price_basis::describe() const {
  if (version != nullptr) {
    return {{"basis", "tariff"},
            {"tariff_id", version->id},
            {"tariff_name", version->parsed.tariff.name},
            {"currency", version->currency},
            // URDB fields the tariff has but the library does not price: the amount leaves them
            // out, so they travel with every number priced by it.
            {"unsupported", version->parsed.unsupported}};
  }
  // A flat rate is a number the building was given without a currency.
  return {{"basis", "flat_rate"},
          {"tariff_id", nullptr},
          {"tariff_name", "flat rate " +
                              flat.energy_periods.front().tiers.front().rate.to_exact_string() +
                              " per kWh"},
          {"currency", nullptr},
          {"unsupported", nlohmann::json::array()}};
}

price_basis basis_at(const std::vector<tariff_version>& effective, const building& b,
                     aggregate::local_calendar& cal, utc_seconds t) {
  price_basis p;
  p.version = in_effect(effective, cal, t);
  if (p.version != nullptr) return p;
  if (!b.flat_rate_per_kwh) {
    throw_unprocessable("no tariff is in effect on " + format_local_date(local_date_of(cal, t)) +
                        " and the building has no flat_rate_per_kwh: upload a tariff effective "
                        "on or before that date, or set a flat rate");
  }
  p.flat = billing::flat_energy_tariff(*b.flat_rate_per_kwh);
  return p;
}

std::vector<priced_bill> price_range(const billing::interval_series& data,
                                     const std::vector<tariff_version>& effective,
                                     const building& b, aggregate::local_calendar& cal,
                                     time_range range) {
  // Cut points: local month starts and tariff effective dates inside the range.
  std::vector<utc_seconds> cuts{range.start, range.end};
  for (auto day = next_month_start(local_date_of(cal, range.start));; day = next_month_start(day)) {
    const auto at = day_start(cal, day);
    if (at >= range.end) break;
    cuts.push_back(at);
  }
  for (const auto& v : effective) {
    const auto at = day_start(cal, v.effective_from);
    if (range.start < at && at < range.end) cuts.push_back(at);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  std::vector<priced_bill> out;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const time_range part{cuts[i], cuts[i + 1]};
    priced_bill p;
    p.basis = basis_at(effective, b, cal, part.start);
    const auto first = local_date_of(cal, part.start);
    p.prorated = part.start != day_start(cal, month_start(first)) ||
                 part.end != day_start(cal, next_month_start(first));
    p.bill = billing::compute_bill(data, p.basis.tariff(), cal.zone(), part,
                                   {.prorate_monthly_charges = p.prorated});
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace energy::server::costs
