// SPDX-License-Identifier: Apache-2.0
#include <energy/io/model_json.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include <energy/error.hpp>

namespace energy::io {
namespace {

using json = nlohmann::json;
constexpr int format_version = 1;

json num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}  // NaN -> null

json nums(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v)
    a.push_back(num(x));
  return a;
}

json flags(const std::vector<std::uint8_t>& v) {
  json a = json::array();
  for (std::uint8_t x : v)
    a.push_back(x != 0);
  return a;
}

/// Field access with errors naming the document kind and the field.
class reader {
 public:
  reader(std::string_view text, const char* kind) : kind_(kind) {
    try {
      doc_ = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400
      fail("", std::string("malformed JSON: ") + e.what());
    }
    if (!doc_.is_object()) fail("", "document is not an object");
    if (str("type") != kind_) fail("type", "expected \"" + std::string(kind_) + "\"");
    if (integer("version") != format_version) fail("version", "unsupported version");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw parse_error(std::string(kind_) +
                      " model: " + (field.empty() ? "" : "field '" + field + "' ") + why);
  }

  const json& at(const std::string& field) const {
    const auto it = doc_.find(field);
    if (it == doc_.end()) fail(field, "is missing");
    return *it;
  }

  std::string str(const std::string& field) const {
    const json& v = at(field);
    if (!v.is_string()) fail(field, "is not a string");
    return v.get<std::string>();
  }

  /// A string field added after version 1 was first written: absent means `fallback`.
  std::string str_or(const std::string& field, const std::string& fallback) const {
    return doc_.contains(field) ? str(field) : fallback;
  }

  std::int64_t integer(const std::string& field) const {
    const json& v = at(field);
    if (!v.is_number_integer()) fail(field, "is not an integer");
    return v.get<std::int64_t>();
  }

  std::size_t count(const std::string& field) const {
    const std::int64_t v = integer(field);
    if (v < 0) fail(field, "is negative");
    return static_cast<std::size_t>(v);
  }

  bool boolean(const std::string& field) const {
    const json& v = at(field);
    if (!v.is_boolean()) fail(field, "is not a boolean");
    return v.get<bool>();
  }

  static double as_double(const json& v, bool& ok) {
    ok = true;
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (v.is_number()) return v.get<double>();
    ok = false;
    return 0;
  }

  double number(const std::string& field) const {
    bool ok = false;
    const double d = as_double(at(field), ok);
    if (!ok) fail(field, "is not a number");
    return d;
  }

  std::vector<double> numbers(const std::string& field, std::size_t expected_size) const {
    const json& v = at(field);
    if (!v.is_array()) fail(field, "is not an array");
    if (expected_size != any_size && v.size() != expected_size)
      fail(field, "has " + std::to_string(v.size()) + " elements, expected " +
                      std::to_string(expected_size));
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      bool ok = false;
      out.push_back(as_double(v[i], ok));
      if (!ok) fail(field + "[" + std::to_string(i) + "]", "is not a number");
    }
    return out;
  }

  std::vector<std::uint8_t> bools(const std::string& field, std::size_t expected_size) const {
    const json& v = at(field);
    if (!v.is_array() || v.size() != expected_size)
      fail(field, "must be an array of " + std::to_string(expected_size) + " booleans");
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_boolean()) fail(field + "[" + std::to_string(i) + "]", "is not a boolean");
      out.push_back(v[i].get<bool>() ? 1 : 0);
    }
    return out;
  }

  /// The building's zone (must exist in the tz database).
  std::string zone() const {
    std::string z = str("zone");
    if (!is_valid_zone(z)) fail("zone", "is not a known IANA zone");
    return z;
  }

  /// An interval length that divides one hour (or one day, for models that accept daily rows).
  std::int64_t interval_seconds(bool daily_allowed = false) const {
    const std::int64_t v = integer("interval_seconds");
    if (daily_allowed && v == 86400) return v;
    if (v <= 0 || v > 3600 || 3600 % v != 0)
      fail("interval_seconds", daily_allowed ? "must divide 3600 or be 86400" : "must divide 3600");
    return v;
  }

  static constexpr std::size_t any_size = static_cast<std::size_t>(-1);

 private:
  const char* kind_;
  json doc_;
};

constexpr std::size_t slots = baseline::hours_per_week;

/// Fields every interval model document starts with.
json interval_model_header(const char* type, const std::string& zone,
                           std::int64_t interval_seconds) {
  json j;
  j["type"] = type;
  j["version"] = format_version;
  j["zone"] = zone;
  j["interval_seconds"] = interval_seconds;
  return j;
}

}  // namespace

std::string to_json(const baseline::towt_model& m) {
  json j = interval_model_header("towt", m.zone, m.interval_seconds);
  j["knots"] = nums(m.knots);
  j["occupied"] = flags(m.occupied);
  j["tow_coefficients"] = nums(m.tow_coefficients);
  j["occupied_slopes"] = nums(m.occupied_slopes);
  j["unoccupied_slopes"] = nums(m.unoccupied_slopes);
  j["interval_level"] = num(m.interval_level);
  j["residual_lower"] = nums(m.residual_lower);
  j["residual_upper"] = nums(m.residual_upper);
  j["observations"] = m.observations;
  j["parameters"] = m.parameters;
  j["rank_deficient"] = m.rank_deficient;
  return j.dump();
}

baseline::towt_model towt_model_from_json(std::string_view text) {
  const reader r{text, "towt"};
  baseline::towt_model m;
  m.zone = r.zone();
  m.interval_seconds = r.interval_seconds(true);
  m.knots = r.numbers("knots", reader::any_size);
  if (m.knots.size() > 11) r.fail("knots", "has more than 11 elements");
  const std::size_t segs = m.knots.size() + 1;
  m.occupied = r.bools("occupied", slots);
  m.tow_coefficients = r.numbers("tow_coefficients", slots);
  m.occupied_slopes = r.numbers("occupied_slopes", segs);
  m.unoccupied_slopes = r.numbers("unoccupied_slopes", segs);
  m.interval_level = r.number("interval_level");
  m.residual_lower = r.numbers("residual_lower", slots);
  m.residual_upper = r.numbers("residual_upper", slots);
  m.observations = r.count("observations");
  m.parameters = r.count("parameters");
  m.rank_deficient = r.boolean("rank_deficient");
  return m;
}

std::string to_json(const baseline::towt_billing_model& m) {
  json j;
  j["type"] = "towt_billing";
  j["version"] = format_version;
  j["hourly"] = json::parse(to_json(m.hourly));
  j["residual_sd"] = num(m.residual_sd);
  j["r_squared"] = num(m.r_squared);
  j["adj_r_squared"] = num(m.adj_r_squared);
  j["interval_level"] = num(m.interval_level);
  j["min_hour_coverage"] = num(m.min_hour_coverage);
  j["max_gap_seconds"] = m.gaps.max_gap_seconds;
  j["observations"] = m.observations;
  j["parameters"] = m.parameters;
  return j.dump();
}

baseline::towt_billing_model towt_billing_model_from_json(std::string_view text) {
  const reader r{text, "towt_billing"};
  baseline::towt_billing_model m;
  const json& hourly = r.at("hourly");
  if (!hourly.is_object()) r.fail("hourly", "is not an object");
  if (hourly.value("interval_seconds", json()) != json(3600))
    r.fail("hourly", "must be an hourly model (interval_seconds 3600)");
  try {
    m.hourly = towt_model_from_json(hourly.dump());
  } catch (const parse_error& e) {
    r.fail("hourly", e.what());
  }
  m.residual_sd = r.number("residual_sd");
  m.r_squared = r.number("r_squared");
  m.adj_r_squared = r.number("adj_r_squared");
  m.interval_level = r.number("interval_level");
  m.min_hour_coverage = r.number("min_hour_coverage");
  if (!(m.min_hour_coverage > 0 && m.min_hour_coverage <= 1))
    r.fail("min_hour_coverage", "must be in (0, 1]");
  m.gaps.max_gap_seconds = r.integer("max_gap_seconds");
  if (m.gaps.max_gap_seconds < 0) r.fail("max_gap_seconds", "is negative");
  m.observations = r.count("observations");
  m.parameters = r.count("parameters");
  return m;
}

std::string to_json(const baseline::seasonal_model& m) {
  json j = interval_model_header("seasonal", m.zone, m.interval_seconds);
  j["profile"] = nums(m.profile);
  j["month_offsets"] = nums(m.month_offsets);
  j["month_seen"] = flags(m.month_seen);
  j["interval_level"] = num(m.interval_level);
  j["residual_lower"] = nums(m.residual_lower);
  j["residual_upper"] = nums(m.residual_upper);
  j["observations"] = m.observations;
  j["parameters"] = m.parameters;
  return j.dump();
}

baseline::seasonal_model seasonal_model_from_json(std::string_view text) {
  const reader r{text, "seasonal"};
  baseline::seasonal_model m;
  m.zone = r.zone();
  m.interval_seconds = r.interval_seconds();
  m.profile = r.numbers("profile", slots);
  m.month_offsets = r.numbers("month_offsets", 12);
  m.month_seen = r.bools("month_seen", 12);
  m.interval_level = r.number("interval_level");
  m.residual_lower = r.numbers("residual_lower", slots);
  m.residual_upper = r.numbers("residual_upper", slots);
  m.observations = r.count("observations");
  m.parameters = r.count("parameters");
  return m;
}

std::string to_json(const baseline::changepoint_model& m) {
  json j;
  j["type"] = "changepoint";
  j["version"] = format_version;
  j["kind"] = baseline::to_string(m.kind);
  j["zone"] = m.zone;
  j["base_load"] = num(m.base_load);
  j["heating_slope"] = num(m.heating_slope);
  j["heating_balance_point"] = num(m.heating_balance_point);
  j["cooling_slope"] = num(m.cooling_slope);
  j["cooling_balance_point"] = num(m.cooling_balance_point);
  j["heating_p_value"] = num(m.heating_p_value);
  j["cooling_p_value"] = num(m.cooling_p_value);
  j["r_squared"] = num(m.r_squared);
  j["adj_r_squared"] = num(m.adj_r_squared);
  j["residual_sd"] = num(m.residual_sd);
  j["interval_level"] = num(m.interval_level);
  j["min_samples_per_day"] = m.min_samples_per_day;
  j["min_day_coverage"] = num(m.min_day_coverage);
  j["temperatures"] = baseline::to_string(m.temperatures);
  j["day_pairing"] = baseline::to_string(m.pairing);
  j["observations"] = m.observations;
  j["parameters"] = m.parameters;
  return j.dump();
}

baseline::changepoint_model changepoint_model_from_json(std::string_view text) {
  const reader r{text, "changepoint"};
  baseline::changepoint_model m;
  const std::string kind = r.str("kind");
  if (const auto k = try_parse<baseline::changepoint_kind>(kind))
    m.kind = *k;
  else
    r.fail("kind", "is not a change-point model kind");
  m.zone = r.zone();
  m.base_load = r.number("base_load");
  m.heating_slope = r.number("heating_slope");
  m.heating_balance_point = r.number("heating_balance_point");
  m.cooling_slope = r.number("cooling_slope");
  m.cooling_balance_point = r.number("cooling_balance_point");
  m.heating_p_value = r.number("heating_p_value");
  m.cooling_p_value = r.number("cooling_p_value");
  m.r_squared = r.number("r_squared");
  m.adj_r_squared = r.number("adj_r_squared");
  m.residual_sd = r.number("residual_sd");
  m.interval_level = r.number("interval_level");
  m.min_samples_per_day = r.count("min_samples_per_day");
  m.min_day_coverage = r.number("min_day_coverage");
  // Absent in documents written before these options existed: the only behaviour then.
  try {
    m.temperatures = parse<baseline::temperature_input>(r.str_or("temperatures", "samples"));
  } catch (const parse_error& e) {
    r.fail("temperatures", e.what());
  }
  try {
    m.pairing = parse<baseline::day_pairing>(r.str_or("day_pairing", "local"));
  } catch (const parse_error& e) {
    r.fail("day_pairing", e.what());
  }
  m.observations = r.count("observations");
  m.parameters = r.count("parameters");
  return m;
}

}  // namespace energy::io
