// SPDX-License-Identifier: Apache-2.0
#include "money/energy_pricing.hpp"

#include <energy/billing/bill.hpp>
#include <energy/storage/store.hpp>

#include "http/message.hpp"
#include "money/local_dates.hpp"
#include "money/tariff_book.hpp"

namespace energy::server::costs {

namespace {

std::string combine(const std::string& a, std::string_view b) {
  if (a.empty() || a == b) return std::string(b);
  return "mixed";
}

}  // namespace

std::string summary_cost_basis(const building& b, sensor_type type) {
  return type == sensor_type::electricity && b.flat_rate_per_kwh ? "flat_rate" : "none";
}

std::optional<std::vector<bucket_cost>> tariff_bucket_costs(
    request_context& ctx, const building& b, aggregate::local_calendar& cal,
    std::span<const aggregate::bucket> buckets) {
  if (buckets.empty()) return std::nullopt;
  const auto versions = effective_versions(ctx, b);
  if (versions.empty()) return std::nullopt;
  const time_range period{buckets.front().period.start, buckets.back().period.end};
  if ((period.end - period.start).count() > max_tariff_priced_hours * 3600) {
    throw_unprocessable(
        "with a tariff, cost is priced hour by hour over at most ten years; "
        "shorten the range",
        "end_date");
  }
  const auto hours = ctx.store().read_summaries(
      {summary_scope::building, b.id, sensor_type::electricity, resolution::hour, period});
  const std::string fallback = summary_cost_basis(b, sensor_type::electricity);
  // Each version's first instant, found once: the hours come in time order, so the version in
  // effect only moves forward (a lookup per hour would redo the zone arithmetic 8,760 times a
  // year).
  std::vector<utc_seconds> starts;
  starts.reserve(versions.size());
  for (const auto& v : versions)
    starts.push_back(day_start(cal, v.effective_from));
  std::size_t next_version = 0;
  const tariff_version* current = nullptr;
  std::vector<bucket_cost> out(buckets.size());
  std::size_t k = 0;
  for (const auto& h : hours) {
    while (k < buckets.size() && buckets[k].period.end <= h.period.start)
      ++k;
    if (k == buckets.size()) break;
    while (next_version < starts.size() && starts[next_version] <= h.period.start)
      current = &versions[next_version++];
    auto& slot = out[k];
    if (const auto* v = current) {
      slot.cost +=
          billing::energy_charge(v->parsed.tariff, h.period.start, h.consumption, cal.zone());
      slot.basis = combine(slot.basis, "tariff");
    } else {
      slot.cost += h.cost;
      slot.basis = combine(slot.basis, fallback);
    }
  }
  // A bucket without hours is labelled by what would price its first hour.
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!out[i].basis.empty()) continue;
    out[i].basis = in_effect(versions, cal, buckets[i].period.start) ? "tariff" : fallback;
  }
  return out;
}

std::string cost_note(std::string_view basis) {
  const std::string tariff =
      "the energy charge of the tariff in effect each hour (its time-of-use period, first tier; "
      "demand, fixed and minimum charges and tier positions are in GET "
      "/api/v1/buildings/{building_id}/bills)";
  if (basis == "tariff") return "cost is " + tariff;
  if (basis == "mixed") {
    return "hours with a tariff in effect cost " + tariff +
           "; other hours cost consumption times flat_rate_per_kwh, or 0 (unknown) without one";
  }
  if (basis == "flat_rate") return "cost is consumption times the building's flat_rate_per_kwh";
  return "no tariff or flat rate prices this: cost is 0 and means unknown";
}

}  // namespace energy::server::costs
