// SPDX-License-Identifier: Apache-2.0
// recommend: efficiency recommendations from a building's electricity history in a local date
// range, ranked by estimated annual saving, each with the evidence that made it fire.
#include "building_data.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <energy/recommend/recommend.hpp>

#include <fmt/format.h>

namespace energy::cli {
namespace {

std::optional<money> price_option(const args& a, std::string_view name) {
  const auto text = a.get(name);
  if (!text) return std::nullopt;
  const auto m = money::parse(*text);
  if (!m || m->micros() < 0)
    throw usage_error(
        fmt::format("--{}: '{}' is not a price (a decimal number, e.g. 0.115)", name, *text));
  return m;
}

std::string evidence_text(const std::vector<recommend::evidence_item>& items) {
  std::string out;
  for (const auto& e : items)
    out += fmt::format("{}{}: {:.4g}{}{}", out.empty() ? "" : "; ", e.label, e.value,
                       e.unit.empty() ? "" : " ", e.unit);
  return out;
}

}  // namespace

int cmd_recommend(const args& a, storage::store& db) {
  a.check_known(
      {"db", "building", "sensor", "from", "to", "energy-price", "demand-price", "format"});
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  const auto range = require_local_range(a, bc.zone);
  auto energy_price = price_option(a, "energy-price");
  const auto demand_price = price_option(a, "demand-price");
  const auto meters = electricity_meters(a, db, bc);
  const auto load = read_intervals(db, bc, meters, range);

  anomaly::meter_series series;
  series.building_id = bc.b.id;
  if (meters.size() == 1) series.sensor_id = meters.front().id;
  series.interval_seconds = load.interval_seconds;
  series.ts = load.start;
  series.value = load.energy;
  recommend::building_history h{series, bc.zone};
  if (bc.b.square_footage) h.floor_area_ft2 = static_cast<double>(*bc.b.square_footage);
  h.primary_use = bc.b.primary_use;
  // The building's own flat rate is a stated price; without either, savings stay kWh only.
  if (!energy_price) energy_price = bc.b.flat_rate_per_kwh;
  h.price.energy_per_kwh = energy_price;
  h.price.demand_per_kw_month = demand_price;
  const auto found = recommend::recommend(h);

  const bool priced = energy_price || demand_price;
  std::vector<std::vector<std::string>> rows;
  int rank = 0;
  for (const auto& r : found)
    rows.push_back({std::to_string(++rank), std::string(recommend::to_string(r.kind)), r.title,
                    format_milli(r.annual_saving_kwh),
                    // No price: an empty money column, never a plausible-looking 0.00.
                    priced ? r.annual_saving.to_string() : std::string(), r.explanation,
                    evidence_text(r.evidence)});
  write_rows(
      stdout, format,
      {"rank", "kind", "title", "annual_saving_kwh", "annual_saving", "explanation", "evidence"},
      {true, false, false, true, true, false, false}, rows);
  if (!priced)
    fmt::print(stderr,
               "note: no money savings: the building has no flat rate and neither "
               "--energy-price nor --demand-price was given\n");
  if (!bc.b.square_footage || bc.b.primary_use.empty())
    fmt::print(stderr,
               "note: no energy-use-intensity check: the building needs --sqft and --use\n");
  fmt::print(stderr,
             "note: no weather-sensitivity rule from the CLI (needs a fitted temperature "
             "model)\n");
  fmt::print(stderr, "{} recommendation{} from {} intervals\n", found.size(),
             found.size() == 1 ? "" : "s", load.size());
  return 0;
}

}  // namespace energy::cli
