// SPDX-License-Identifier: Apache-2.0
// eemeter's serialized CalTRACK models (field names: see energy/io/eemeter_json.hpp, which cites
// the eemeter source files they come from).
#include <energy/io/eemeter_json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/error.hpp>
#include <energy/time.hpp>

#include "python_json.hpp"

namespace energy::io {
namespace {

using json = nlohmann::json;
namespace bl = baseline;

constexpr std::size_t tow_slots = bl::hours_per_week;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr const char* hourly_kind = "eemeter hourly model";
constexpr const char* daily_kind = "eemeter daily model";
constexpr std::array<const char*, 12> month_keys = {"jan", "feb", "mar", "apr", "may", "jun",
                                                    "jul", "aug", "sep", "oct", "nov", "dec"};

[[noreturn]] void fail(const char* kind, const std::string& field, const std::string& why) {
  throw parse_error(std::string(kind) + ": " + (field.empty() ? "" : "field '" + field + "' ") +
                    why);
}

json parse(std::string_view text, const char* kind, const std::string& field) {
  try {
    return json::parse(detail::strict_json(text));
  } catch (const json::exception& e) {
    fail(kind, field, std::string("is not valid JSON: ") + e.what());
  }
}

const json& member(const json& obj, const std::string& key, const char* kind,
                   const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(kind, path + key, "is missing");
  return *it;
}

double number(const json& v, const char* kind, const std::string& field) {
  if (!v.is_number()) fail(kind, field, "is not a number");
  return v.get<double>();
}

std::string text(const json& v, const char* kind, const std::string& field) {
  if (!v.is_string()) fail(kind, field, "is not a string");
  return v.get<std::string>();
}

/// A pandas DataFrame written with `to_json(orient="split")`: a JSON string (as eemeter stores
/// it) or the object itself. Gives the index values and, per column name, the column's cells.
struct split_table {
  std::vector<double> index;
  std::map<std::string, std::vector<json>> columns;
};

split_table read_table(const json& v, const char* kind, const std::string& field) {
  const json doc = v.is_string() ? parse(v.get<std::string>(), kind, field) : v;
  if (!doc.is_object()) fail(kind, field, "is not a pandas orient=\"split\" table");
  const json& cols = member(doc, "columns", kind, field + ".");
  const json& idx = member(doc, "index", kind, field + ".");
  const json& data = member(doc, "data", kind, field + ".");
  if (!cols.is_array() || !idx.is_array() || !data.is_array() || data.size() != idx.size())
    fail(kind, field, "needs arrays columns, index and data with one data row per index value");
  split_table t;
  for (std::size_t r = 0; r < idx.size(); ++r)
    t.index.push_back(number(idx[r], kind, field + ".index[" + std::to_string(r) + "]"));
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const std::string name = text(cols[c], kind, field + ".columns[" + std::to_string(c) + "]");
    std::vector<json>& cells = t.columns[name];
    for (std::size_t r = 0; r < data.size(); ++r) {
      const std::string at = field + ".data[" + std::to_string(r) + "]";
      if (!data[r].is_array() || data[r].size() != cols.size())
        fail(kind, at, "does not have one cell per column");
      cells.push_back(data[r][c]);
    }
  }
  return t;
}

bool flag(const json& v, const char* kind, const std::string& field) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number() && (v.get<double>() == 0 || v.get<double>() == 1)) return v.get<double>() == 1;
  fail(kind, field, "is not a boolean (true/false or 0/1)");
}

/// "<prefix><int>" or "<prefix><int>.0" (pandas writes a float category as "5.0").
std::optional<long> integer_after(std::string_view s, std::string_view prefix,
                                  std::string_view suffix) {
  if (s.size() < prefix.size() + suffix.size() || !s.starts_with(prefix) || !s.ends_with(suffix))
    return std::nullopt;
  std::string_view digits = s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
  if (digits.ends_with(".0")) digits.remove_suffix(2);
  long v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  return v;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

/// The bins of one segment's formula: how many bin terms each mode has (eemeter 4: per mode;
/// eemeter 2: shared `bin_k:C(occupancy)` or plain `bin_k`).
struct formula_terms {
  std::size_t occupied_bins = 0;
  std::size_t unoccupied_bins = 0;
  bool shared = false;  // eemeter 2.x terms
};

formula_terms read_formula(const std::string& formula, const std::string& field) {
  const auto tilde = formula.find('~');
  if (tilde == std::string::npos || trim(formula.substr(0, tilde)) != "meter_value")
    fail(hourly_kind, field, "is not of the form 'meter_value ~ ...'");
  const std::string rhs = formula.substr(tilde + 1);
  formula_terms out;
  bool tow = false, no_intercept = false;
  std::size_t start = 0;
  char sign = '+';
  std::vector<long> occ, unocc, shared;
  for (std::size_t i = 0; i <= rhs.size(); ++i) {
    if (i < rhs.size() && rhs[i] != '+' && rhs[i] != '-') continue;
    const std::string term = trim(std::string_view(rhs).substr(start, i - start));
    if (term.empty()) {
      if (start != 0 || i == rhs.size())  // "a + + b" or a trailing operator
        fail(hourly_kind, field, "has an empty term");
    } else {
      if (term == "C(hour_of_week)" && sign == '+') {
        tow = true;
      } else if (term == "1" && sign == '-') {
        no_intercept = true;
      } else if (auto k = integer_after(term, "bin_", "_occupied"); k && sign == '+') {
        occ.push_back(*k);
      } else if (auto ku = integer_after(term, "bin_", "_unoccupied"); ku && sign == '+') {
        unocc.push_back(*ku);
      } else if (auto ks = integer_after(term, "bin_", ":C(occupancy)"); ks && sign == '+') {
        shared.push_back(*ks);
      } else if (auto kp = integer_after(term, "bin_", ""); kp && sign == '+') {
        shared.push_back(*kp);
      } else {
        fail(hourly_kind, field, "has an unknown term '" + std::string(1, sign) + term + "'");
      }
    }
    if (i < rhs.size()) sign = rhs[i];
    start = i + 1;
  }
  if (!tow || !no_intercept)
    fail(hourly_kind, field, "must contain 'C(hour_of_week) - 1' (CalTRACK hourly form)");
  auto consecutive = [&](std::vector<long>& v, const char* what) {
    std::sort(v.begin(), v.end());
    for (std::size_t k = 0; k < v.size(); ++k)
      if (v[k] != static_cast<long>(k))
        fail(hourly_kind, field,
             std::string("has ") + what + " bin terms that are not bin_0..bin_n");
    return v.size();
  };
  out.occupied_bins = consecutive(occ, "occupied");
  out.unoccupied_bins = consecutive(unocc, "unoccupied");
  const std::size_t s = consecutive(shared, "shared");
  if (s > 0) {
    if (!occ.empty() || !unocc.empty())
      fail(hourly_kind, field, "mixes per-mode and shared bin terms");
    out.shared = true;
    out.occupied_bins = out.unoccupied_bins = s;
  }
  return out;
}

/// The kept endpoints of one segment's column of a bins table.
std::vector<double> kept_endpoints(const split_table& bins, const std::string& segment,
                                   const std::string& field) {
  const auto it = bins.columns.find(segment);
  if (it == bins.columns.end()) fail(hourly_kind, field, "has no column '" + segment + "'");
  std::vector<double> kept;
  for (std::size_t r = 0; r < bins.index.size(); ++r)
    if (flag(it->second[r], hourly_kind, field + "['" + segment + "'][" + std::to_string(r) + "]"))
      kept.push_back(bins.index[r]);
  std::sort(kept.begin(), kept.end());
  return kept;
}

bl::caltrack_hourly_segment empty_segment(std::string name) {
  bl::caltrack_hourly_segment s;
  s.name = std::move(name);
  s.occupied.assign(tow_slots, 0);
  s.tow_coefficients.assign(tow_slots, nan);
  s.occupied_slopes = {0};
  s.unoccupied_slopes = {0};
  return s;
}

bl::caltrack_hourly_segment read_segment(const json& sm, const std::string& path,
                                         const split_table& occupancy, const split_table& occ_bins,
                                         const split_table& unocc_bins,
                                         const std::string& occ_field,
                                         const std::string& unocc_field) {
  const std::string name = text(member(sm, "segment_name", hourly_kind, path + "."), hourly_kind,
                                path + ".segment_name");
  bl::caltrack_hourly_segment s = empty_segment(name);
  const auto params_it = sm.find("model_params");
  const auto formula_it = sm.find("formula");
  // eemeter writes formula and model_params null for a segment without data: it predicts NaN.
  if (params_it == sm.end() || params_it->is_null() || formula_it == sm.end() ||
      formula_it->is_null())
    return s;
  const auto occ_col = occupancy.columns.find(name);
  if (occ_col == occupancy.columns.end())
    fail(hourly_kind, "model.occupancy_lookup", "has no column '" + name + "'");
  if (occupancy.index.size() != tow_slots)
    fail(hourly_kind, "model.occupancy_lookup", "must have 168 rows (hours of week)");
  for (std::size_t r = 0; r < tow_slots; ++r) {
    const double h = occupancy.index[r];
    if (h < 0 || h >= static_cast<double>(tow_slots) || h != std::floor(h))
      fail(hourly_kind, "model.occupancy_lookup.index[" + std::to_string(r) + "]",
           "is not an hour of week 0..167");
    s.occupied[static_cast<std::size_t>(h)] =
        flag(occ_col->second[r], hourly_kind,
             "model.occupancy_lookup['" + name + "'][" + std::to_string(r) + "]")
            ? 1
            : 0;
  }
  s.occupied_bin_endpoints = kept_endpoints(occ_bins, name, occ_field);
  s.unoccupied_bin_endpoints = kept_endpoints(unocc_bins, name, unocc_field);
  const std::string formula_field = path + ".formula";
  const formula_terms terms =
      read_formula(text(*formula_it, hourly_kind, formula_field), formula_field);
  if (terms.occupied_bins != s.occupied_bin_endpoints.size() + 1 ||
      terms.unoccupied_bins != s.unoccupied_bin_endpoints.size() + 1)
    fail(hourly_kind, formula_field,
         "has " + std::to_string(terms.occupied_bins) + " occupied and " +
             std::to_string(terms.unoccupied_bins) +
             " unoccupied bin terms, but the bin tables keep " +
             std::to_string(s.occupied_bin_endpoints.size()) + " and " +
             std::to_string(s.unoccupied_bin_endpoints.size()) +
             " endpoints for this segment (endpoints + 1 bins each)");
  s.occupied_slopes.assign(terms.occupied_bins, nan);
  s.unoccupied_slopes.assign(terms.unoccupied_bins, nan);
  if (!params_it->is_object()) fail(hourly_kind, path + ".model_params", "is not an object");
  for (const auto& [key, value] : params_it->items()) {
    const std::string field = path + ".model_params['" + key + "']";
    if (auto h = integer_after(key, "C(hour_of_week)[", "]")) {
      if (*h < 0 || *h >= static_cast<long>(tow_slots))
        fail(hourly_kind, field, "is not an hour of week 0..167");
      // null: statsmodels could not estimate it; the slot cannot be predicted.
      s.tow_coefficients[static_cast<std::size_t>(*h)] =
          value.is_null() ? nan : number(value, hourly_kind, field);
      continue;
    }
    const double v = number(value, hourly_kind, field);
    auto set = [&](std::vector<double>& slopes, long k) {
      if (k < 0 || static_cast<std::size_t>(k) >= slopes.size())
        fail(hourly_kind, field, "names a bin the formula does not have");
      slopes[static_cast<std::size_t>(k)] = v;
    };
    if (auto k = integer_after(key, "bin_", "_occupied"); k && !terms.shared) {
      set(s.occupied_slopes, *k);
    } else if (auto ku = integer_after(key, "bin_", "_unoccupied"); ku && !terms.shared) {
      set(s.unoccupied_slopes, *ku);
    } else if (auto kt = integer_after(key, "bin_", ":C(occupancy)[True]"); kt && terms.shared) {
      set(s.occupied_slopes, *kt);
    } else if (auto kf = integer_after(key, "bin_", ":C(occupancy)[False]"); kf && terms.shared) {
      set(s.unoccupied_slopes, *kf);
    } else if (auto kb = integer_after(key, "bin_", ""); kb && terms.shared) {
      set(s.occupied_slopes, *kb);  // one occupancy mode only: the slope serves both
      set(s.unoccupied_slopes, *kb);
    } else {
      fail(hourly_kind, field, "is not a parameter of the formula's terms");
    }
  }
  for (std::size_t k = 0; k < s.occupied_slopes.size(); ++k)
    if (std::isnan(s.occupied_slopes[k]) || std::isnan(s.unoccupied_slopes[k]))
      fail(hourly_kind, path + ".model_params",
           "has no value for bin " + std::to_string(k) + " of the formula");
  return s;
}

json split_json(const std::vector<std::string>& columns, const json& index, const json& rows) {
  return json{{"columns", columns}, {"index", index}, {"data", rows}};
}

}  // namespace

std::string to_eemeter_json(const bl::caltrack_hourly_model& model) {
  const bool single = model.segmentation == bl::caltrack_segmentation::single;
  json segments = json::array();
  std::vector<std::string> names;
  for (const bl::caltrack_hourly_segment& s : model.segments) {
    names.push_back(s.name);
    std::string formula = "meter_value ~ C(hour_of_week) - 1";
    json params = json::object();
    for (std::size_t h = 0; h < s.tow_coefficients.size(); ++h)
      if (std::isfinite(s.tow_coefficients[h]))
        params["C(hour_of_week)[" + std::to_string(h) + "]"] = s.tow_coefficients[h];
    auto bins = [&](const std::vector<double>& slopes, const char* mode) {
      for (std::size_t k = 0; k < slopes.size(); ++k) {
        const std::string term = "bin_" + std::to_string(k) + "_" + mode;
        formula += " + " + term;
        params[term] = slopes[k];
      }
    };
    bins(s.occupied_slopes, "occupied");
    bins(s.unoccupied_slopes, "unoccupied");
    segments.push_back({{"segment_name", s.name},
                        {"formula", formula},
                        {"warnings", json::array()},
                        {"model_params", params}});
  }
  json mapping = nullptr, lookup = json::object();
  if (single) {
    for (std::size_t k = 0; k < segments.size(); ++k)
      lookup[names[k]] = segments[k];
  } else {
    mapping = json::object();
    for (std::size_t m = 0; m < 12 && m < segments.size(); ++m) {
      mapping[month_keys[m]] = names[m];
      lookup[month_keys[m]] = segments[m];
    }
  }
  json occupancy = json::array(), hours = json::array();
  for (std::size_t h = 0; h < tow_slots; ++h) {
    hours.push_back(h);
    json row = json::array();
    for (const bl::caltrack_hourly_segment& s : model.segments)
      row.push_back(s.occupied.at(h) != 0);
    occupancy.push_back(row);
  }
  auto bin_table = [&](bool occupied) {
    json rows = json::array(), index = json::array();
    for (double e : model.candidate_bin_endpoints) {
      index.push_back(e);
      json row = json::array();
      for (const bl::caltrack_hourly_segment& s : model.segments) {
        const auto& kept = occupied ? s.occupied_bin_endpoints : s.unoccupied_bin_endpoints;
        row.push_back(std::find(kept.begin(), kept.end(), e) != kept.end());
      }
      rows.push_back(row);
    }
    return split_json(names, index, rows).dump();
  };
  json m = {{"segment_models", segments},
            {"model_lookup", lookup},
            {"prediction_segment_type", single ? "single" : "one_month"},
            {"prediction_segment_name_mapping", mapping},
            {"prediction_feature_processor", "caltrack_hourly_prediction_feature_processor"},
            {"occupancy_lookup", split_json(names, hours, occupancy).dump()},
            {"occupied_temperature_bins", bin_table(true)},
            {"unoccupied_temperature_bins", bin_table(false)},
            {"segment_type", to_string(model.segmentation)}};
  json doc = {
      {"status", "SUCCEEDED"},     {"method_name", "caltrack_hourly"}, {"model", m},
      {"warnings", json::array()}, {"metadata", json::object()},       {"settings", json::object()},
      {"totals_metrics", nullptr}, {"avgs_metrics", nullptr}};
  return doc.dump();
}

bl::caltrack_hourly_model caltrack_hourly_model_from_eemeter_json(std::string_view json_text,
                                                                  const time_zone& zone,
                                                                  bl::temperature_unit unit) {
  if (unit == bl::temperature_unit::unspecified)
    throw std::invalid_argument(
        "caltrack_hourly_model_from_eemeter_json: say whether predictions will get fahrenheit or "
        "celsius temperatures (eemeter's coefficients are per °F)");
  const json doc = parse(json_text, hourly_kind, "");
  if (!doc.is_object()) fail(hourly_kind, "", "document is not an object");
  // A results document wraps the model; a bare CalTRACKHourlyModel.json() is accepted too.
  std::string p = "";
  const json* mp = &doc;
  if (!doc.contains("segment_models")) {
    if (doc.contains("method_name") && doc["method_name"] != "caltrack_hourly")
      fail(hourly_kind, "method_name", "is not \"caltrack_hourly\"");
    const json& inner = member(doc, "model", hourly_kind, "");
    if (inner.is_null())
      fail(hourly_kind, "model",
           "is null: eemeter fitted no model (status '" +
               (doc.contains("status") && doc["status"].is_string()
                    ? doc["status"].get<std::string>()
                    : std::string("?")) +
               "')");
    if (!inner.is_object()) fail(hourly_kind, "model", "is not an object");
    mp = &inner;
    p = "model.";
  }
  const json& m = *mp;
  bl::caltrack_hourly_model out;
  out.zone = std::string(zone.name());
  out.unit = unit;
  if (const auto st = m.find("segment_type"); st != m.end() && !st->is_null()) {
    const std::string t = text(*st, hourly_kind, p + "segment_type");
    if (const auto s = try_parse<bl::caltrack_segmentation>(t))
      out.segmentation = *s;
    else
      fail(hourly_kind, p + "segment_type",
           "is '" + t + "'; expected three_month_weighted or single");
  } else if (const auto pt = m.find("prediction_segment_type");
             pt != m.end() && !(pt->is_string() && *pt == "one_month")) {
    fail(hourly_kind, p + "prediction_segment_type",
         "is not \"one_month\" and there is no segment_type");
  }
  const split_table occupancy = read_table(member(m, "occupancy_lookup", hourly_kind, p),
                                           hourly_kind, p + "occupancy_lookup");
  std::string occ_field = p + "occupied_temperature_bins";
  std::string unocc_field = p + "unoccupied_temperature_bins";
  if (!m.contains("occupied_temperature_bins") && m.contains("temperature_bins"))
    occ_field = unocc_field = p + "temperature_bins";  // eemeter 2.x: one table for both modes
  const split_table occ_bins =
      read_table(member(m, occ_field.substr(p.size()), hourly_kind, p), hourly_kind, occ_field);
  const split_table unocc_bins =
      read_table(member(m, unocc_field.substr(p.size()), hourly_kind, p), hourly_kind, unocc_field);
  out.candidate_bin_endpoints = occ_bins.index;
  std::sort(out.candidate_bin_endpoints.begin(), out.candidate_bin_endpoints.end());

  const json& list = member(m, "segment_models", hourly_kind, p);
  if (!list.is_array()) fail(hourly_kind, p + "segment_models", "is not an array");
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = p + "segment_models[" + std::to_string(i) + "]";
    if (!list[i].is_object()) fail(hourly_kind, path, "is not an object");
    by_name[text(member(list[i], "segment_name", hourly_kind, path + "."), hourly_kind,
                 path + ".segment_name")] = i;
  }
  std::vector<std::string> wanted;
  if (out.segmentation == bl::caltrack_segmentation::single)
    wanted.push_back("all");
  else
    for (int month = 0; month < 12; ++month)
      wanted.push_back(bl::caltrack_segment_name(month));
  for (const std::string& name : wanted) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) {
      out.segments.push_back(empty_segment(name));  // eemeter predicts NaN for this month too
      continue;
    }
    out.segments.push_back(read_segment(list[it->second],
                                        p + "segment_models[" + std::to_string(it->second) + "]",
                                        occupancy, occ_bins, unocc_bins, occ_field, unocc_field));
  }
  for (const auto& [name, index] : by_name)
    if (std::find(wanted.begin(), wanted.end(), name) == wanted.end())
      fail(hourly_kind, p + "segment_models[" + std::to_string(index) + "].segment_name",
           "'" + name + "' is not a segment of segment_type " +
               std::string(to_string(out.segmentation)));
  return out;
}

bl::changepoint_model changepoint_model_from_eemeter_json(std::string_view json_text,
                                                          const time_zone& zone) {
  const json doc = parse(json_text, daily_kind, "");
  if (!doc.is_object()) fail(daily_kind, "", "document is not an object");
  std::string p = "";
  const json* mp = &doc;
  if (!doc.contains("model_type")) {
    const json& inner = member(doc, "model", daily_kind, "");
    if (inner.is_null())
      fail(daily_kind, "model",
           "is null: eemeter selected no model (status '" +
               (doc.contains("status") && doc["status"].is_string()
                    ? doc["status"].get<std::string>()
                    : std::string("?")) +
               "')");
    if (!inner.is_object()) fail(daily_kind, "model", "is not an object");
    mp = &inner;
    p = "model.";
  }
  const json& m = *mp;
  const std::string type =
      text(member(m, "model_type", daily_kind, p), daily_kind, p + "model_type");
  const bool heating = type == "hdd_only" || type == "cdd_hdd";
  const bool cooling = type == "cdd_only" || type == "cdd_hdd";
  if (!heating && !cooling && type != "intercept_only")
    fail(daily_kind, p + "model_type",
         "is '" + type + "'; expected intercept_only, hdd_only, cdd_only or cdd_hdd");
  const json& params = member(m, "model_params", daily_kind, p);
  if (!params.is_object()) fail(daily_kind, p + "model_params", "is not an object");
  const std::string pp = p + "model_params.";
  for (const auto& [key, value] : params.items()) {
    const bool known = key == "intercept" ||
                       (heating && (key == "beta_hdd" || key == "heating_balance_point")) ||
                       (cooling && (key == "beta_cdd" || key == "cooling_balance_point"));
    if (!known) fail(daily_kind, pp + key, "is not a parameter of model_type " + type);
    (void)value;
  }
  auto get = [&](const char* key) {
    return number(member(params, key, daily_kind, pp), daily_kind, pp + key);
  };
  bl::changepoint_parameters cp{.zone = zone};
  cp.base_load = get("intercept");
  if (heating) {
    cp.heating_slope = get("beta_hdd");
    cp.heating_balance_point = get("heating_balance_point");
  }
  if (cooling) {
    cp.cooling_slope = get("beta_cdd");
    cp.cooling_balance_point = get("cooling_balance_point");
  }
  // eemeter keeps a day when more than half of its 24 hourly temperatures are present.
  cp.min_samples_per_day = 13;
  try {
    return bl::make_changepoint_model(cp);
  } catch (const std::invalid_argument& e) {
    fail(daily_kind, p + "model_params", std::string("does not make a model: ") + e.what());
  }
}

}  // namespace energy::io
