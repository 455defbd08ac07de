// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/store.hpp>

namespace energy::storage {

// Which metadata summaries depend on. A building's local calendar comes from its zone and the
// default cost from its flat rate. A sensor's building and type choose the building-scope sums it
// joins; its kind decides whether it is aggregated at all; its interval spreads interval energy
// over buckets and sets its demand; its unit is what stored values were converted from. Name,
// address, location, bounds and the active flag change no stored summary.
bool affects_summaries(const building& before, const building& after) noexcept {
  return before.time_zone != after.time_zone || before.flat_rate_per_kwh != after.flat_rate_per_kwh;
}

bool affects_summaries(const sensor& before, const sensor& after) noexcept {
  return before.building_id != after.building_id || before.type != after.type ||
         before.kind != after.kind || before.unit != after.unit ||
         before.interval_seconds != after.interval_seconds;
}

}  // namespace energy::storage
