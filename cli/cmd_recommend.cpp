// SPDX-License-Identifier: Apache-2.0
// recommend: efficiency recommendations from a building's electricity history in a local date
// range, each saving a bill difference (measured vs the measure applied) under the building's
// tariff, ranked by realisable money, each with the evidence that made it fire; the rules that
// could not run are listed with the reason.
#include "building_data.hpp"
#include "commands.hpp"
#include "stored_tariff.hpp"
#include "output.hpp"

#include <energy/baseline/changepoint.hpp>
#include <energy/io/urdb.hpp>
#include <energy/recommend/recommend.hpp>
#include <energy/recommend/weather.hpp>

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

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& x : items)
    out += (out.empty() ? "" : "; ") + x;
  return out;
}

/// The weather input from a daily change-point model fitted (in °C, as the store keeps
/// temperatures) on the building's own days; nullopt with a note when the fit cannot be made.
std::optional<recommend::weather_sensitivity> weather_of(const args& a, storage::store& db,
                                                         const building_context& bc,
                                                         time_range range,
                                                         const billing::interval_series& load) {
  if (!a.get("temperature-sensor")) {
    fmt::print(stderr,
               "note: no weather-sensitivity rule: give --temperature-sensor (the building's "
               "outdoor temperature) to fit the change-point model\n");
    return std::nullopt;
  }
  const auto temps = outdoor_temperature(a, db, bc, range, "the weather rules need it");
  try {
    const auto days = baseline::local_day_totals(load_of(load), bc.zone);
    const auto model =
        baseline::fit_changepoint(days, temps, baseline::changepoint_options::celsius(bc.zone));
    return recommend::weather_from(model, days, temps, recommend::temperature_unit::celsius);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "note: no weather model: change-point fit failed: {}\n", e.what());
    return std::nullopt;
  }
}

}  // namespace

int cmd_recommend(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  const auto range = require_local_range(a, bc.zone);
  auto energy_price = price_option(a, "energy-price");
  const auto demand_price = price_option(a, "demand-price");
  std::optional<billing::tariff> tariff;
  if (a.get("holidays") && !a.get("tariff")) throw usage_error("--holidays needs --tariff");
  if (const auto path = a.get("tariff")) {
    auto urdb = io::read_urdb_file(*path);
    for (const auto& u : urdb.unsupported)
      fmt::print(stderr, "energy: {}: not priced (unsupported by the calculation): {}\n", *path, u);
    tariff = std::move(urdb.tariff);
    if (auto days = holidays_option(a)) tariff->holidays = std::move(days);
  }
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
  // The store keeps no tariff per building: --tariff, else the building's own flat rate.
  if (!energy_price && !tariff) energy_price = bc.b.flat_rate_per_kwh;
  h.tariff = tariff;
  h.price.energy_per_kwh = energy_price;
  h.price.demand_per_kw_month = demand_price;
  if (load.size() > 0) h.weather = weather_of(a, db, bc, range, load);
  const auto result = recommend::analyse(h);

  std::vector<std::vector<std::string>> rows;
  int rank = 0;
  for (const auto& r : result.recommendations) {
    // No price: empty money columns, never a plausible-looking 0.00.
    const auto cash = [&](money m) { return r.priced ? m.to_string() : std::string(); };
    rows.push_back({std::to_string(++rank), std::string(recommend::to_string(r.kind)), r.title,
                    format_milli(r.saving_kwh), cash(r.saving), cash(r.saving_low),
                    cash(r.saving_high),
                    r.per_year ? std::string("year") : fmt::format("{:.0f} days", r.coverage_days),
                    std::string(recommend::to_string(r.confidence)), r.basis, joined(r.caveats),
                    r.measure, r.explanation, evidence_text(r.evidence)});
  }
  write_rows(
      stdout, format,
      {"rank", "kind", "title", "saving_kwh", "saving", "saving_low", "saving_high", "per",
       "confidence", "basis", "caveats", "measure", "explanation", "evidence"},
      {true, false, false, true, true, true, true, false, false, false, false, false, false, false},
      rows);
  fmt::print(stderr, "savings priced by: {}\n", result.basis);
  if (!result.per_year)
    fmt::print(stderr,
               "note: {:.0f} days of data: savings are per observed period, not per year "
               "(a year needs 365 days)\n",
               result.coverage_days);
  for (const auto& s : result.skipped)
    fmt::print(stderr, "skipped {}: {}\n", s.rule, s.reason);
  fmt::print(stderr, "{} recommendation{} from {} intervals\n", result.recommendations.size(),
             result.recommendations.size() == 1 ? "" : "s", load.size());
  return 0;
}

}  // namespace energy::cli
