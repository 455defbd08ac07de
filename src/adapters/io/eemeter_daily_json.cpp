// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM DailyModel.to_json() (layout: see energy/io/eemeter_daily_json.hpp).
#include <energy/io/eemeter_daily_json.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/enum_names.hpp>
#include <energy/error.hpp>

#include "opendsm_json.hpp"
#include "python_json.hpp"

namespace energy::io {
namespace {

using json = nlohmann::json;
namespace bl = baseline;

constexpr const char* kind = "eemeter 4 daily model";
constexpr std::array<const char*, 12> months = {"january",   "february", "march",    "april",
                                                "may",       "june",     "july",     "august",
                                                "september", "october",  "november", "december"};
constexpr std::array<const char*, 7> weekdays = {"monday", "tuesday",  "wednesday", "thursday",
                                                 "friday", "saturday", "sunday"};
constexpr std::array<const char*, 8> coefficient_names = {
    "model_type", "intercept", "hdd_bp", "hdd_beta", "hdd_k", "cdd_bp", "cdd_beta", "cdd_k"};

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  detail::opendsm_fail(kind, field, why);
}

const json& member(const json& obj, const std::string& key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(path + key, "is missing");
  return *it;
}

const json& object(const json& v, const std::string& field) {
  if (!v.is_object()) fail(field, "is not an object");
  return v;
}

double number(const json& v, const std::string& field) {
  if (!v.is_number()) fail(field, v.is_null() ? "is null" : "is not a number");
  return v.get<double>();
}

void read_settings(const json& doc, bl::eemeter_daily_model& m) {
  const auto it = doc.find("settings");
  if (it == doc.end() || it->is_null()) return;
  const json& settings = object(*it, "settings");
  std::string key;
  if (const json* season = detail::setting(settings, "season", key); season && !season->is_null()) {
    const std::string path = "settings." + key + ".";
    object(*season, "settings." + key);
    for (std::size_t i = 0; i < months.size(); ++i) {
      std::string mk;
      const json* v = detail::setting(*season, months[i], mk);
      if (v == nullptr) continue;  // eemeter's default for that month
      if (!v->is_string()) fail(path + mk, "is not a string");
      const auto s = try_parse<bl::eemeter_season>(detail::normalized(v->get<std::string>()));
      if (!s)
        fail(path + mk, "is '" + v->get<std::string>() + "'; expected summer, shoulder or winter");
      m.month_season[i] = *s;
    }
  }
  if (const json* week = detail::setting(settings, "weekday_weekend", key);
      week && !week->is_null()) {
    const std::string path = "settings." + key + ".";
    object(*week, "settings." + key);
    for (std::size_t i = 0; i < weekdays.size(); ++i) {
      std::string dk;
      const json* v = detail::setting(*week, weekdays[i], dk);
      if (v == nullptr) continue;
      if (!v->is_string()) fail(path + dk, "is not a string");
      const std::string s = detail::normalized(v->get<std::string>());
      if (s != "weekday" && s != "weekend")
        fail(path + dk, "is '" + v->get<std::string>() + "'; expected weekday or weekend");
      m.weekend[i] = s == "weekend";
    }
  }
}

/// "fw-su_sh_wi" and the like, as eemeter's splits are written.
void read_split(const std::string& key, const std::string& field, const bl::eemeter_daily_model& m,
                bl::eemeter_daily_submodel& s) {
  const auto bad = [&] {
    fail(field,
         "is not a split eemeter writes (day type fw, wd or we, '-', seasons su, sh, wi "
         "joined by '_', e.g. 'wd-su_sh')");
  };
  if (key.size() < 5 || key[2] != '-') bad();
  const std::string day = key.substr(0, 2);
  for (std::size_t d = 0; d < 7; ++d) {
    if (day == "fw")
      s.days[d] = true;
    else if (day == "wd")
      s.days[d] = !m.weekend[d];
    else if (day == "we")
      s.days[d] = m.weekend[d];
    else
      bad();
  }
  std::size_t at = 3;
  while (true) {
    if (at + 2 > key.size()) bad();
    const std::string code = key.substr(at, 2);
    std::size_t season = 0;
    if (code == "su")
      season = static_cast<std::size_t>(bl::eemeter_season::summer);
    else if (code == "sh")
      season = static_cast<std::size_t>(bl::eemeter_season::shoulder);
    else if (code == "wi")
      season = static_cast<std::size_t>(bl::eemeter_season::winter);
    else
      bad();
    if (s.seasons[season]) fail(field, "names season '" + code + "' twice");
    s.seasons[season] = true;
    at += 2;
    if (at == key.size()) break;
    if (key[at] != '_') bad();
    ++at;
  }
}

std::string accepted_forms() {
  std::string out;
  for (const auto f : enum_values<bl::eemeter_daily_form>()) {
    if (!out.empty()) out += ", ";
    out += std::string(bl::to_string(f));
  }
  return out;
}

void read_coefficients(const json& c, const std::string& path, bl::eemeter_daily_submodel& s) {
  object(c, path.substr(0, path.size() - 1));
  for (const auto& [k, v] : c.items()) {
    (void)v;
    if (std::find(coefficient_names.begin(), coefficient_names.end(), k) == coefficient_names.end())
      fail(path + k, "is not a coefficient of eemeter's daily model");
  }
  const json& type = member(c, "model_type", path);
  if (!type.is_string()) fail(path + "model_type", "is not a string");
  const auto form = try_parse<bl::eemeter_daily_form>(type.get<std::string>());
  if (!form)
    fail(path + "model_type",
         "is '" + type.get<std::string>() + "', not a daily model form (" + accepted_forms() + ")");
  s.form = *form;
  using F = bl::eemeter_daily_form;
  const bool heat = s.form == F::hdd_tidd || s.form == F::hdd_tidd_smooth ||
                    s.form == F::hdd_tidd_cdd || s.form == F::hdd_tidd_cdd_smooth;
  const bool cool = s.form == F::tidd_cdd || s.form == F::tidd_cdd_smooth ||
                    s.form == F::hdd_tidd_cdd || s.form == F::hdd_tidd_cdd_smooth;
  const bool smooth = s.form == F::hdd_tidd_smooth || s.form == F::tidd_cdd_smooth ||
                      s.form == F::hdd_tidd_cdd_smooth;
  auto get = [&](const char* key) { return number(member(c, key, path), path + key); };
  s.intercept = get("intercept");
  if (heat) {
    s.hdd_bp = get("hdd_bp");
    s.hdd_beta = get("hdd_beta");
    if (smooth) s.hdd_k = get("hdd_k");
  }
  if (cool) {
    s.cdd_bp = get("cdd_bp");
    s.cdd_beta = get("cdd_beta");
    if (smooth) s.cdd_k = get("cdd_k");
  }
}

}  // namespace

bl::eemeter_daily_model eemeter_daily_model_from_json(std::string_view text, const time_zone& zone,
                                                      bl::temperature_unit unit) {
  if (unit != bl::temperature_unit::fahrenheit && unit != bl::temperature_unit::celsius)
    throw std::invalid_argument(
        "eemeter 4 daily model: the temperature unit must be fahrenheit or celsius");
  json doc;
  try {
    doc = json::parse(detail::strict_json(text));
  } catch (const json::exception& e) {
    fail("", std::string("is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail("", "document is not an object");
  bl::eemeter_daily_model m;
  m.zone = std::string(zone.name());
  m.unit = unit;
  read_settings(doc, m);
  m.disqualification = detail::read_opendsm_info(doc, zone, kind);
  const json& subs = object(member(doc, "submodels", ""), "submodels");
  if (subs.empty()) fail("submodels", "is empty");
  for (const auto& [key, value] : subs.items()) {
    const std::string path = "submodels." + key;
    bl::eemeter_daily_submodel s;
    s.split = key;
    read_split(key, path, m, s);
    object(value, path);
    read_coefficients(member(value, "coefficients", path + "."), path + ".coefficients.", s);
    const std::string tc_path = path + ".temperature_constraints";
    const json& tc = object(member(value, "temperature_constraints", path + "."), tc_path);
    s.t_min = number(member(tc, "T_min", tc_path + "."), tc_path + ".T_min");
    s.t_max = number(member(tc, "T_max", tc_path + "."), tc_path + ".T_max");
    s.t_min_seg = number(member(tc, "T_min_seg", tc_path + "."), tc_path + ".T_min_seg");
    s.t_max_seg = number(member(tc, "T_max_seg", tc_path + "."), tc_path + ".T_max_seg");
    const json& f = member(value, "f_unc", path + ".");
    s.f_unc = f.is_null() ? bl::eemeter_absent : number(f, path + ".f_unc");
    m.submodels.push_back(std::move(s));
  }
  try {
    bl::validate(m);
  } catch (const std::invalid_argument& e) {
    fail("submodels", std::string("do not make a model: ") + e.what());
  }
  return m;
}

}  // namespace energy::io
