// SPDX-License-Identifier: Apache-2.0
#include "building_data.hpp"

#include "local_dates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace energy::cli {

building_context require_building(const args& a, storage::store& db) {
  const auto text = a.require("building");
  const auto id = uuid::try_parse(text);
  if (!id) throw usage_error("--building: '" + text + "' is not a UUID");
  auto b = db.get_building(*id);
  if (!b) throw std::runtime_error("building " + text + " not found");
  const auto zone = find_zone(b->time_zone);
  return building_context{std::move(*b), zone};
}

time_range require_local_range(const args& a, const time_zone& zone) {
  const auto from = local_date_start("from", a.require("from"), zone);
  const auto to = local_date_start("to", a.require("to"), zone);
  if (!(from < to))
    throw usage_error("--from " + a.require("from") + " must be before --to " + a.require("to") +
                      " (the range is half-open: --to is the first day not included)");
  return {from, to};
}

std::vector<sensor> electricity_meters(const args& a, storage::store& db,
                                       const building_context& bc) {
  std::vector<sensor> meters;
  if (auto text = a.get("sensor")) {
    const auto id = uuid::try_parse(*text);
    if (!id) throw usage_error("--sensor: '" + *text + "' is not a UUID");
    auto s = db.get_sensor(*id);
    // Another building's sensor answers like a missing one.
    if (!s || s->building_id != bc.b.id)
      throw std::runtime_error("sensor " + *text + " not found in building " + bc.b.id.to_string());
    if (s->kind == reading_kind::instantaneous_value)
      throw usage_error("--sensor " + *text + " measures a state (" +
                        std::string(to_string(s->type)) + "), not energy");
    meters.push_back(std::move(*s));
  } else {
    for (auto& s : db.list_sensors(bc.b.id))
      if (s.is_active && s.type == sensor_type::electricity &&
          s.kind != reading_kind::instantaneous_value)
        meters.push_back(std::move(s));
    if (meters.empty())
      throw std::runtime_error("building " + bc.b.id.to_string() +
                               " has no active electricity meter (add one with 'energy sensor "
                               "add --type electricity', or name one with --sensor)");
  }
  for (const auto& s : meters) {
    if (s.interval_seconds <= 0)
      throw std::runtime_error("sensor " + s.id.to_string() +
                               " has no interval: set it with 'energy sensor add --id ... "
                               "--interval SECONDS'");
    if (s.interval_seconds != meters.front().interval_seconds)
      throw std::runtime_error(fmt::format(
          "the building's meters report at different intervals ({} s and {} s): their energy "
          "cannot be added interval by interval; name one meter with --sensor",
          meters.front().interval_seconds, s.interval_seconds));
  }
  return meters;
}

billing::interval_series read_intervals(storage::store& db, const building_context& bc,
                                        const std::vector<sensor>& meters, time_range range) {
  std::map<epoch_seconds, std::pair<milli, std::uint32_t>> sum;
  const auto add = [&](const reading_rows& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const bool wanted = std::any_of(meters.begin(), meters.end(),
                                      [&](const sensor& s) { return s.id == rows.sensor_id[i]; });
      if (!wanted) continue;
      auto& [energy, quality] = sum[rows.ts[i]];
      energy += rows.value[i];
      quality |= rows.quality[i];
    }
  };
  if (meters.size() == 1)
    add(db.read_readings(meters.front().id, range));
  else
    add(db.read_building_readings(bc.b.id, range));
  billing::interval_series out;
  out.interval_seconds = meters.front().interval_seconds;
  out.start.reserve(sum.size());
  out.energy.reserve(sum.size());
  out.quality.reserve(sum.size());
  for (const auto& [t, v] : sum) {
    out.start.push_back(t);
    out.energy.push_back(v.first);
    out.quality.push_back(v.second);
  }
  return out;
}

/// The building's load in kWh per interval (statistics start here: doubles).
baseline::load_series load_of(const billing::interval_series& s) {
  baseline::load_series load;
  load.interval_seconds = s.interval_seconds;
  load.ts = s.start;
  load.kwh.reserve(s.size());
  for (auto wh : s.energy)
    load.kwh.push_back(static_cast<double>(wh) / 1000.0);
  return load;
}

/// Outdoor temperature (°C as stored) from --temperature-sensor, which must be a temperature
/// sensor of the building: a weather fit never guesses which sensor is outdoors.
baseline::temperature_series outdoor_temperature(const args& a, storage::store& db,
                                                 const building_context& bc, time_range range,
                                                 std::string_view why) {
  const auto text = a.get("temperature-sensor");
  if (!text)
    throw usage_error(fmt::format(
        "missing required option --temperature-sensor (the outdoor temperature sensor of the "
        "building; {})",
        why));
  const auto id = uuid::try_parse(*text);
  if (!id) throw usage_error("--temperature-sensor: '" + *text + "' is not a UUID");
  const auto s = db.get_sensor(*id);
  if (!s || s->building_id != bc.b.id)
    throw std::runtime_error("sensor " + *text + " not found in building " + bc.b.id.to_string());
  if (s->type != sensor_type::temperature)
    throw usage_error("--temperature-sensor " + *text + " is a " + std::string(to_string(s->type)) +
                      " sensor, not a temperature sensor");
  // A margin either side so the gap rule can interpolate the first and last hours.
  const time_range wider{range.start - std::chrono::hours(6), range.end + std::chrono::hours(6)};
  return baseline::temperature_from_readings(db.read_readings(s->id, wider), s->id);
}

}  // namespace energy::cli
