// SPDX-License-Identifier: Apache-2.0
#include "sensors_file.hpp"

#include "args.hpp"

#include <energy/time.hpp>

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <string_view>

namespace energy::cli {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = line.find(',', from);
    out.push_back(line.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

}  // namespace

sensors_file read_sensors_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw usage_error("--sensors: cannot read " + path);
  std::string line;
  std::size_t line_no = 0;
  const auto fail = [&](const std::string& what) {
    return usage_error(fmt::format("{}:{}: {}", path, line_no, what));
  };
  std::map<std::string, std::size_t, std::less<>> column;
  const auto read_line = [&]() -> bool {
    while (std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
      if (!line.empty()) return true;
    }
    return false;
  };
  if (!read_line()) throw usage_error("--sensors: " + path + " is empty (expected a CSV header)");
  const auto header = split(line);
  for (std::size_t i = 0; i < header.size(); ++i)
    column[header[i]] = i;
  for (const char* required : {"sensor_id", "building_id", "time_zone", "type", "interval_seconds"})
    if (!column.contains(required))
      throw fail(
          fmt::format("the header lacks the column '{}' (required: sensor_id, building_id, "
                      "time_zone, type, interval_seconds)",
                      required));
  for (const auto& [name, index] : column)
    if (name != "sensor_id" && name != "building_id" && name != "time_zone" && name != "type" &&
        name != "interval_seconds" && name != "kind" && name != "unit" && name != "flat_rate" &&
        name != "building_name")
      throw fail(fmt::format("unknown column '{}'", name));

  sensors_file out;
  std::map<uuid, std::size_t> building_at;
  while (read_line()) {
    if (line.find('"') != std::string::npos) throw fail("quoted fields are not supported here");
    const auto fields = split(line);
    if (fields.size() != header.size())
      throw fail(fmt::format("{} fields, the header has {}", fields.size(), header.size()));
    const auto field = [&](std::string_view name) -> std::optional<std::string> {
      const auto it = column.find(name);
      if (it == column.end() || fields[it->second].empty()) return std::nullopt;
      return fields[it->second];
    };
    const auto need = [&](std::string_view name) {
      auto v = field(name);
      if (!v) throw fail(fmt::format("{} is empty", name));
      return *v;
    };
    const auto id_of = [&](std::string_view name) {
      const auto text = need(name);
      const auto id = uuid::try_parse(text);
      if (!id) throw fail(fmt::format("{}: '{}' is not a UUID", name, text));
      return *id;
    };
    building b;
    b.id = id_of("building_id");
    b.time_zone = need("time_zone");
    try {
      (void)find_zone(b.time_zone);
    } catch (const std::exception& e) {
      throw fail(e.what());
    }
    if (auto rate = field("flat_rate")) {
      b.flat_rate_per_kwh = money::parse(*rate);
      if (!b.flat_rate_per_kwh)
        throw fail(fmt::format("flat_rate: '{}' is not a decimal amount", *rate));
    }
    b.name = field("building_name").value_or(b.id.to_string());
    const auto [it, inserted] = building_at.try_emplace(b.id, out.buildings.size());
    if (inserted) {
      out.buildings.push_back(b);
    } else {
      const building& first = out.buildings[it->second];
      if (first.time_zone != b.time_zone || first.flat_rate_per_kwh != b.flat_rate_per_kwh)
        throw fail(fmt::format("building {} has another time_zone or flat_rate on an earlier line",
                               b.id.to_string()));
    }
    sensor s;
    s.id = id_of("sensor_id");
    s.building_id = b.id;
    try {
      s.type = parse<sensor_type>(need("type"));
      s.kind = field("kind")                        ? parse<reading_kind>(*field("kind"))
               : s.type == sensor_type::temperature ? reading_kind::instantaneous_value
                                                    : reading_kind::interval_energy;
    } catch (const parse_error& e) {
      throw fail(e.what());
    }
    s.unit = field("unit").value_or(std::string(canonical_unit(s.type)));
    const auto interval = need("interval_seconds");
    const auto [end, ec] =
        std::from_chars(interval.data(), interval.data() + interval.size(), s.interval_seconds);
    if (ec != std::errc{} || end != interval.data() + interval.size() || s.interval_seconds <= 0)
      throw fail(fmt::format("interval_seconds: '{}' is not a positive whole number", interval));
    out.sensors.push_back(s);
  }
  return out;
}

}  // namespace energy::cli
