// SPDX-License-Identifier: Apache-2.0
// generate: a realistic synthetic portfolio for demos and benchmarks. Office-like 15-minute
// electricity load (base load, occupied-hours plateau in local time, weekends low, seasonal HVAC
// term, noise) for buildings spread over several time zones, so DST days and half-hour offsets are
// exercised.
#include "commands.hpp"
#include "output.hpp"

#include <energy/model.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>

namespace energy::cli {
namespace {

constexpr std::array<const char*, 6> zones{"America/New_York", "America/Chicago",
                                           "Europe/London",    "Asia/Kolkata",
                                           "Australia/Sydney", "America/Los_Angeles"};

std::int64_t int_option(const args& a, std::string_view name, std::int64_t fallback) {
  const auto text = a.get(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || p != text->data() + text->size() || v <= 0)
    throw usage_error(fmt::format("--{}: '{}' is not a positive whole number", name, *text));
  return v;
}

std::chrono::sys_days date_option(const args& a, std::string_view name, std::string fallback) {
  const auto text = a.get_or(name, std::move(fallback));
  auto t = parse_utc_timestamp(text + "T00:00:00Z");
  if (!t) throw usage_error(fmt::format("--{}: '{}' is not a date YYYY-MM-DD", name, text));
  return std::chrono::floor<std::chrono::days>(*t);
}

/// kWh in one 15-minute interval starting at `local` for a sensor of `scale` kW peak.
double office_load(std::chrono::local_seconds local, double scale, double day_of_year,
                   std::mt19937_64& rng) {
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::weekday wd{day};
  const double hour = std::chrono::duration<double, std::ratio<3600>>(local - day).count();
  const bool weekend = wd == std::chrono::Saturday || wd == std::chrono::Sunday;
  const double occupied = (!weekend && hour >= 7.0 && hour < 19.0) ? 1.0 : 0.0;
  const double ramp = (!weekend && hour >= 6.0 && hour < 7.0) ? (hour - 6.0) : 0.0;
  const double seasonal = 0.25 * std::cos((day_of_year - 200.0) / 365.25 * 2.0 * 3.14159265358979);
  std::normal_distribution<double> noise(0.0, 0.04);
  const double kw =
      scale * (0.30 + 0.55 * std::max(occupied, ramp) * (1.0 + seasonal) + noise(rng));
  return std::max(0.0, kw) * 0.25;
}

/// Writes `buf` or throws naming the file and how far it got.
void write_all(const fmt::memory_buffer& buf, std::FILE* out, const std::string& path,
               std::int64_t readings) {
  if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size())
    throw std::runtime_error(fmt::format(
        "writing {} failed: {} (about {} readings generated); the file is incomplete (the "
        "metadata of the generated buildings and sensors is in the database)",
        path, std::strerror(errno), readings));
}

}  // namespace

int cmd_generate(const args& a, storage::store& db) {
  const auto n_buildings = int_option(a, "buildings", 50);
  const auto n_sensors = int_option(a, "sensors", 1000);
  const auto n_days = int_option(a, "days", 1);
  const auto start = date_option(a, "start", "2024-11-02");
  const auto fmt_name = a.get_or("format", "json");
  if (fmt_name != "json" && fmt_name != "csv") throw usage_error("--format: json or csv");
  const bool json = fmt_name == "json";
  const auto out_path = a.require("out");

  uuid tenant_id;
  if (auto t = a.get("tenant")) {
    const auto parsed = uuid::try_parse(*t);
    if (!parsed || !db.get_tenant(*parsed)) throw usage_error("--tenant: no tenant " + *t);
    tenant_id = *parsed;
  } else {
    tenant_id = uuid::v7();
    db.put_tenant({tenant_id, "Generated portfolio",
                   std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())});
  }

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(
      out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb"),
      out_path == "-" ? [](std::FILE*) { return 0; } : &std::fclose);
  if (!out) throw std::runtime_error("cannot write " + out_path);

  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> size_dist(2.0, 40.0);
  const utc_seconds created{std::chrono::sys_days{start} - std::chrono::days{30}};
  std::vector<sensor> sensors;
  for (std::int64_t b = 0; b < n_buildings; ++b) {
    building bl;
    bl.id = uuid::v7();
    bl.tenant_id = tenant_id;
    bl.name = fmt::format("Building {:03}", b + 1);
    bl.time_zone = zones[static_cast<std::size_t>(b) % zones.size()];
    bl.square_footage = 20'000 + 5'000 * (b % 20);
    bl.primary_use = "office";
    bl.flat_rate_per_kwh = money::from_micros(120'000);
    bl.created_at = created;
    db.put_building(bl);
    for (std::int64_t s = 0; s < n_sensors; ++s) {
      sensor sn;
      sn.id = uuid::v7();
      sn.building_id = bl.id;
      sn.location = fmt::format("panel {}", s + 1);
      sn.max_value = 1000.0;
      sn.created_at = created;
      db.put_sensor(sn);
      sensors.push_back(sn);
    }
  }

  // Write interval by interval across all sensors, the way a portfolio reports in real time.
  fmt::memory_buffer buf;
  std::vector<double> scale(sensors.size());
  for (auto& s : scale)
    s = size_dist(rng);
  std::vector<time_zone> sensor_zone;
  for (std::size_t i = 0; i < sensors.size(); ++i)
    sensor_zone.push_back(
        find_zone(zones[(i / static_cast<std::size_t>(n_sensors)) % zones.size()]));
  if (json)
    fmt::format_to(std::back_inserter(buf), "{{\"readings\":[\n");
  else
    fmt::format_to(std::back_inserter(buf), "sensor_id,timestamp,value\n");
  bool first = true;
  const std::int64_t intervals = n_days * 96;
  std::int64_t written = 0;
  for (std::int64_t k = 0; k < intervals; ++k) {
    const utc_seconds t{std::chrono::sys_days{start} + std::chrono::minutes{15 * k}};
    const auto ts = format_utc(t);
    const double doy = static_cast<double>(
        (std::chrono::floor<std::chrono::days>(t) -
         std::chrono::sys_days{
             std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)}.year() / 1 / 1})
            .count());
    for (std::size_t i = 0; i < sensors.size(); ++i) {
      const auto local = sensor_zone[i].to_local(t);
      const double kwh = std::round(office_load(local, scale[i], doy, rng) * 1000.0) / 1000.0;
      const auto id = sensors[i].id.to_string();
      if (json)
        fmt::format_to(std::back_inserter(buf),
                       "{}{{\"sensor_id\":\"{}\",\"timestamp\":\"{}\",\"value_kwh\":{:.3f}}}",
                       first ? "" : ",\n", id, ts, kwh);
      else
        fmt::format_to(std::back_inserter(buf), "{},{},{:.3f}\n", id, ts, kwh);
      first = false;
      ++written;
      if (buf.size() > (1u << 20)) {
        write_all(buf, out.get(), out_path, written);
        buf.clear();
      }
    }
  }
  if (json) fmt::format_to(std::back_inserter(buf), "\n]}}\n");
  write_all(buf, out.get(), out_path, written);
  if (std::fflush(out.get()) != 0 || std::ferror(out.get()) != 0 ||
      (out_path != "-" && std::fclose(out.release()) != 0))
    throw std::runtime_error(fmt::format(
        "writing {} failed: {}; the file is incomplete (the metadata of the generated buildings "
        "and sensors is in the database)",
        out_path, std::strerror(errno)));
  fmt::print(stderr,
             "generated {} readings: {} buildings x {} sensors x {} days of 15-minute data -> {}\n",
             written, n_buildings, n_sensors, n_days, out_path);
  return 0;
}

}  // namespace energy::cli
