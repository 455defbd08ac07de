// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM HourlyModel.to_json() (layout: see energy/io/eemeter_hourly_json.hpp).
#include <energy/io/eemeter_hourly_json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/error.hpp>

#include "opendsm_json.hpp"
#include "python_json.hpp"

namespace energy::io {
namespace {

using json = nlohmann::json;
namespace bl = baseline;

constexpr const char* kind = "eemeter 4 hourly model";
constexpr const char* token_nan = "\x01NaN";
constexpr const char* token_inf = "\x01Infinity";
constexpr const char* token_minus_inf = "\x01-Infinity";

constexpr std::array<const char*, 13> top_keys = {"settings",
                                                  "temporal_clusters",
                                                  "temperature_bin_edges",
                                                  "temperature_edge_bin_coefficients",
                                                  "ts_features",
                                                  "categorical_features",
                                                  "feature_scaler",
                                                  "catagorical_scaler",
                                                  "y_scaler",
                                                  "coefficients",
                                                  "intercept",
                                                  "baseline_metrics",
                                                  "info"};
constexpr std::array<const char*, 11> settings_keys = {"train_features",
                                                       "cvrmse_threshold",
                                                       "pnrmse_threshold",
                                                       "min_daily_training_hours",
                                                       "temperature_bin",
                                                       "temporal_cluster",
                                                       "supplemental_time_series_columns",
                                                       "supplemental_categorical_columns",
                                                       "elasticnet",
                                                       "scaling_method",
                                                       "seed"};
constexpr std::array<const char*, 7> bin_keys = {"method",
                                                 "n_bins",
                                                 "bin_width",
                                                 "include_edge_bins",
                                                 "edge_bin_rate",
                                                 "edge_bin_percent",
                                                 "edge_bin_temperature_range_offset"};

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  detail::opendsm_fail(kind, field, why);
}

const json& member(const json& obj, const std::string& key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(path + key, "is missing");
  return *it;
}

const json& object(const json& v, const std::string& field) {
  if (!v.is_object()) fail(field, v.is_null() ? "is null" : "is not an object");
  return v;
}

const json& array(const json& v, const std::string& field) {
  if (!v.is_array()) fail(field, v.is_null() ? "is null" : "is not an array");
  return v;
}

double number(const json& v, const std::string& field) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == token_nan) return std::numeric_limits<double>::quiet_NaN();
    if (s == token_inf) return std::numeric_limits<double>::infinity();
    if (s == token_minus_inf) return -std::numeric_limits<double>::infinity();
  }
  if (!v.is_number()) fail(field, v.is_null() ? "is null" : "is not a number");
  return v.get<double>();
}

double finite(const json& v, const std::string& field) {
  const double x = number(v, field);
  if (!std::isfinite(x)) fail(field, "is not finite");
  return x;
}

long integer(const json& v, const std::string& field) {
  const double x = finite(v, field);
  if (x != std::floor(x) || std::abs(x) > 1e9) fail(field, "is not an integer");
  return static_cast<long>(x);
}

template <std::size_t N>
bool known(const std::array<const char*, N>& keys, const std::string& key) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

/// A feature list that must be exactly ["temperature"] (GHI refused by name).
void temperature_only(const json& v, const std::string& field) {
  array(v, field);
  bool has_temperature = false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    if (!v[i].is_string()) fail(f, "is not a string");
    const std::string name = detail::normalized(v[i].get<std::string>());
    if (name == "ghi")
      fail(f,
           "is 'ghi': the solar hourly model needs irradiance, which this library does not "
           "take; only the temperature-only model is supported");
    if (name != "temperature")
      fail(f, "is '" + v[i].get<std::string>() + "': only temperature is supported");
    if (has_temperature) fail(f, "repeats temperature");
    has_temperature = true;
  }
  if (!has_temperature) fail(field, "does not name temperature");
}

bool read_settings(const json& doc, bl::eemeter_hourly_model& m) {
  const json& settings = object(member(doc, "settings", ""), "settings");
  for (const auto& [k, v] : settings.items()) {
    (void)v;
    if (!known(settings_keys, detail::normalized(k)))
      fail("settings." + k, "is not a setting of eemeter's hourly model");
  }
  std::string key;
  const json* features = detail::setting(settings, "train_features", key);
  if (features == nullptr) fail("settings.train_features", "is missing");
  temperature_only(*features, "settings." + key);
  for (const char* name : {"supplemental_time_series_columns", "supplemental_categorical_columns"})
    if (const json* s = detail::setting(settings, name, key); s && !s->is_null()) {
      if (!s->is_array() || !s->empty())
        fail("settings." + key, "names supplemental columns, which are not supported");
    }
  if (const json* s = detail::setting(settings, "scaling_method", key); s && !s->is_null()) {
    if (!s->is_string()) fail("settings." + key, "is not a string");
    const std::string method = detail::normalized(s->get<std::string>());
    if (method != "standardscaler" && method != "robustscaler")
      fail("settings." + key,
           "is '" + s->get<std::string>() + "'; expected standardscaler or robustscaler");
    m.scaling_method = method;
  }
  const json* bin = detail::setting(settings, "temperature_bin", key);
  if (bin == nullptr || bin->is_null())
    fail("settings.temperature_bin",
         bin == nullptr ? "is missing" : "is null (eemeter cannot predict without bins)");
  const std::string bin_path = "settings." + key;
  object(*bin, bin_path);
  for (const auto& [k, v] : bin->items()) {
    (void)v;
    if (!known(bin_keys, detail::normalized(k)))
      fail(bin_path + "." + k, "is not a temperature_bin setting of eemeter's hourly model");
  }
  std::string ek;
  const json* edge = detail::setting(*bin, "include_edge_bins", ek);
  if (edge == nullptr) return true;  // eemeter's default
  if (!edge->is_boolean()) fail(bin_path + "." + ek, "is not a boolean");
  return edge->get<bool>();
}

/// [location, scale] of a scaler.
std::array<double, 2> scaler(const json& v, const std::string& field) {
  array(v, field);
  if (v.size() != 2) fail(field, "does not have two values [location, scale]");
  return {finite(v[0], field + "[0]"), finite(v[1], field + "[1]")};
}

bl::eemeter_hourly_edge_bin edge_bin(const json& v, const std::string& field) {
  object(v, field);
  for (const auto& [k, x] : v.items()) {
    (void)x;
    if (k != "t_a" && k != "t_b" && k != "k" && k != "a")
      fail(field + "." + k, "is not an edge bin coefficient (t_a, t_b, k, a)");
  }
  bl::eemeter_hourly_edge_bin e;
  e.t_a = finite(member(v, "t_a", field + "."), field + ".t_a");
  e.t_b = finite(member(v, "t_b", field + "."), field + ".t_b");
  e.k = finite(member(v, "k", field + "."), field + ".k");
  e.a = finite(member(v, "a", field + "."), field + ".a");
  if (e.k == 0) fail(field + ".k", "is zero");
  return e;
}

/// The number after `prefix` in a feature name, or -1.
long suffix_number(const std::string& name, const std::string& prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return -1;
  const std::string digits = name.substr(prefix.size());
  if (!std::all_of(digits.begin(), digits.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }))
    return -1;
  if (digits.size() > 1 && digits[0] == '0') return -1;
  if (digits.size() > 6) return -1;
  return std::stol(digits);
}

}  // namespace

bl::eemeter_hourly_model eemeter_hourly_model_from_json(std::string_view text,
                                                        const time_zone& zone,
                                                        bl::temperature_unit unit) {
  if (unit != bl::temperature_unit::fahrenheit && unit != bl::temperature_unit::celsius)
    throw std::invalid_argument(
        "eemeter 4 hourly model: the temperature unit must be fahrenheit or celsius");
  json doc;
  try {
    doc = json::parse(detail::strict_json(text, {.nan = R"("\u0001NaN")",
                                                 .infinity = R"("\u0001Infinity")",
                                                 .minus_infinity = R"("\u0001-Infinity")"}));
  } catch (const json::exception& e) {
    fail("", std::string("is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail("", "document is not an object");
  if ((doc.contains("SETTINGS") || doc.contains("COEFFICIENTS")) && !doc.contains("coefficients"))
    fail("SETTINGS",
         "marks the early eemeter 4.0 development layout (upper-case keys, day and month "
         "dummies), which is not supported; refit with OpenDSM's HourlyModel");
  for (const auto& [k, v] : doc.items()) {
    (void)v;
    if (!known(top_keys, k)) fail(k, "is not a field of eemeter's hourly model");
  }

  bl::eemeter_hourly_model m;
  m.zone = std::string(zone.name());
  m.unit = unit;
  m.edge_bins = read_settings(doc, m);
  m.disqualification = detail::read_opendsm_info(doc, zone, kind);
  temperature_only(member(doc, "ts_features", ""), "ts_features");
  if (const auto it = doc.find("catagorical_scaler"); it != doc.end() && !it->is_null())
    fail("catagorical_scaler", "is set; eemeter writes null");

  // Scalers.
  const json& fs = object(member(doc, "feature_scaler", ""), "feature_scaler");
  for (const auto& [k, v] : fs.items()) {
    (void)v;
    if (k != "temperature") fail("feature_scaler." + k, "is not a supported feature");
  }
  const auto t_scale =
      scaler(member(fs, "temperature", "feature_scaler."), "feature_scaler.temperature");
  m.temperature_mean = t_scale[0];
  m.temperature_scale = t_scale[1];
  const auto y_scale = scaler(member(doc, "y_scaler", ""), "y_scaler");
  m.observed_mean = y_scale[0];
  m.observed_scale = y_scale[1];

  // Temperature bins.
  const json& edges = array(member(doc, "temperature_bin_edges", ""), "temperature_bin_edges");
  for (std::size_t i = 0; i < edges.size(); ++i)
    m.bin_edges.push_back(number(edges[i], "temperature_bin_edges[" + std::to_string(i) + "]"));
  if (m.bin_edges.size() < 2) fail("temperature_bin_edges", "has fewer than two edges");
  const std::size_t bins = m.bin_edges.size() - 1;
  const json& ebc = member(doc, "temperature_edge_bin_coefficients", "");
  if (m.edge_bins) {
    const std::string path = "temperature_edge_bin_coefficients";
    object(ebc, path);
    const std::string last = std::to_string(bins - 1);
    for (const auto& [k, v] : ebc.items()) {
      (void)v;
      if (k != "0" && k != last)
        fail(path + "." + k, "is not the first (0) or last (" + last + ") temperature bin");
    }
    m.first_edge = edge_bin(member(ebc, "0", path + "."), path + ".0");
    m.last_edge = edge_bin(member(ebc, last, path + "."), path + "." + last);
  } else if (!ebc.is_null() && !(ebc.is_object() && ebc.empty())) {
    fail("temperature_edge_bin_coefficients", "is set but settings exclude edge bins");
  }

  // Categorical features: the cluster count, and the bins they must agree with.
  const json& cats = array(member(doc, "categorical_features", ""), "categorical_features");
  std::vector<bool> cluster_seen, bin_seen(bins, false);
  for (std::size_t i = 0; i < cats.size(); ++i) {
    const std::string f = "categorical_features[" + std::to_string(i) + "]";
    if (!cats[i].is_string()) fail(f, "is not a string");
    const std::string name = cats[i].get<std::string>();
    if (const long c = suffix_number(name, "temporal_cluster_"); c >= 0) {
      if (cluster_seen.size() <= static_cast<std::size_t>(c))
        cluster_seen.resize(static_cast<std::size_t>(c) + 1, false);
      if (cluster_seen[static_cast<std::size_t>(c)]) fail(f, "repeats '" + name + "'");
      cluster_seen[static_cast<std::size_t>(c)] = true;
    } else if (const long b = suffix_number(name, "temp_bin_"); b >= 0) {
      if (static_cast<std::size_t>(b) >= bins)
        fail(f, "is '" + name + "' but there are " + std::to_string(bins) + " temperature bins");
      if (bin_seen[static_cast<std::size_t>(b)]) fail(f, "repeats '" + name + "'");
      bin_seen[static_cast<std::size_t>(b)] = true;
    } else {
      fail(f, "is '" + name + "', not one of eemeter's temporal_cluster_<j> / temp_bin_<i>");
    }
  }
  if (std::find(cluster_seen.begin(), cluster_seen.end(), false) != cluster_seen.end() ||
      cluster_seen.empty())
    fail("categorical_features", "do not name temporal_cluster_0 ... temporal_cluster_<n-1>");
  if (std::find(bin_seen.begin(), bin_seen.end(), false) != bin_seen.end())
    fail("categorical_features", "do not name every temp_bin_<i> of the bin edges");
  m.cluster_count = cluster_seen.size();

  // Temporal clusters by (month, weekday).
  for (auto& row : m.day_cluster)
    row.fill(bl::eemeter_no_cluster);
  const json& tc = array(member(doc, "temporal_clusters", ""), "temporal_clusters");
  for (std::size_t i = 0; i < tc.size(); ++i) {
    const std::string f = "temporal_clusters[" + std::to_string(i) + "]";
    const json& row = array(tc[i], f);
    if (row.size() != 3) fail(f, "is not [month, day_of_week, cluster]");
    const long month = integer(row[0], f + "[0]");
    const long dow = integer(row[1], f + "[1]");
    const long cluster = integer(row[2], f + "[2]");
    if (month < 1 || month > 12) fail(f + "[0]", "is not a month 1-12");
    if (dow < 0 || dow > 6) fail(f + "[1]", "is not a day of week 0 (Monday) - 6");
    if (cluster < 0 || static_cast<std::size_t>(cluster) >= m.cluster_count)
      fail(f + "[2]", "is not a cluster below " + std::to_string(m.cluster_count));
    int& slot = m.day_cluster[static_cast<std::size_t>(month - 1)][static_cast<std::size_t>(dow)];
    if (slot != bl::eemeter_no_cluster) fail(f, "repeats a (month, day_of_week)");
    slot = static_cast<int>(cluster);
  }

  // The linear model.
  const std::size_t width = bl::eemeter_hourly_coefficient_count(m);
  const json& coef = array(member(doc, "coefficients", ""), "coefficients");
  if (coef.size() != 24)
    fail("coefficients", "has " + std::to_string(coef.size()) + " rows, not 24");
  for (std::size_t h = 0; h < 24; ++h) {
    const std::string f = "coefficients[" + std::to_string(h) + "]";
    const json& row = array(coef[h], f);
    if (row.size() != width)
      fail(f, "has " + std::to_string(row.size()) + " values; the features make " +
                  std::to_string(width));
    for (std::size_t j = 0; j < width; ++j)
      m.coefficients.push_back(finite(row[j], f + "[" + std::to_string(j) + "]"));
  }
  const json& intercept = array(member(doc, "intercept", ""), "intercept");
  if (intercept.size() != 24)
    fail("intercept", "has " + std::to_string(intercept.size()) + " values, not 24");
  for (std::size_t h = 0; h < 24; ++h)
    m.intercept[h] = finite(intercept[h], "intercept[" + std::to_string(h) + "]");

  try {
    bl::validate(m);
  } catch (const std::invalid_argument& e) {
    fail("", std::string("does not make a model: ") + e.what());
  }
  return m;
}

}  // namespace energy::io
