// SPDX-License-Identifier: Apache-2.0
#include <energy/io/urdb.hpp>

#include <energy/error.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace energy::io {
namespace {

using json = nlohmann::json;
using billing::charge_unit;
using billing::month_hour_schedule;
using billing::rate_period;
using billing::rate_tier;

/// Descriptive URDB fields: read, listed as informational, never priced.
constexpr std::array<std::string_view, 32> informational_fields{"label",
                                                                "name",
                                                                "utility",
                                                                "eiaid",
                                                                "sector",
                                                                "description",
                                                                "source",
                                                                "sourceparent",
                                                                "uri",
                                                                "startdate",
                                                                "enddate",
                                                                "approved",
                                                                "revisions",
                                                                "supersedes",
                                                                "superseded_by",
                                                                "country",
                                                                "phasewiring",
                                                                "voltagecategory",
                                                                "voltageminimum",
                                                                "voltagemaximum",
                                                                "peakkwcapacitymin",
                                                                "peakkwcapacitymax",
                                                                "peakkwcapacityhistory",
                                                                "peakkwhusagemin",
                                                                "peakkwhusagemax",
                                                                "peakkwhusagehistory",
                                                                "energycomments",
                                                                "demandcomments",
                                                                "basicinformationcomments",
                                                                "servicetype",
                                                                "is_default",
                                                                "latest_update"};

class reader {
 public:
  explicit reader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const std::string& path, const std::string& why) const {
    throw parse_error(fmt::format("{}: {}: {}", source_, path, why));
  }

  money read_money(const json& v, const std::string& path) const {
    if (v.is_number()) {
      if (auto m = money::from_double(v.get<double>())) return *m;
    } else if (v.is_string()) {
      if (auto m = money::parse(v.get<std::string>())) return *m;
    }
    fail(path, "expected a number (money)");
  }

  milli read_quantity(const json& v, const std::string& path) const {
    if (v.is_number()) {
      if (auto q = to_milli(v.get<double>())) return *q;
    } else if (v.is_string()) {
      if (auto q = parse_milli(v.get<std::string>())) return *q;
    }
    fail(path, "expected a number (quantity)");
  }

  /**
   * A tier `max` (kWh or kW). URDB writes "no limit" as a huge number (1e14, 1e38, 9.99e+99):
   * any max at or above `unlimited_tier_max` is read as unbounded (nullopt) and its path recorded
   * in `sentinels`. NaN, infinities, negative values and text that is not a number are refused.
   */
  std::optional<milli> read_tier_max(const json& v, const std::string& path,
                                     std::vector<std::string>& sentinels) const {
    double d = 0;
    if (v.is_number()) {
      d = v.get<double>();
    } else if (v.is_string()) {
      const auto text = v.get<std::string>();
      if (auto q = parse_milli(text)) {
        d = static_cast<double>(*q) / 1000.0;
      } else {
        const char* b = text.data();
        const char* e = b + text.size();
        const auto [end, ec] = std::from_chars(b, e, d);
        if (ec != std::errc{} || end != e) fail(path, "expected a number (quantity)");
      }
    } else {
      fail(path, "expected a number (quantity)");
    }
    if (!std::isfinite(d)) fail(path, fmt::format("{} is not a finite number", d));
    if (d < 0) fail(path, fmt::format("{} is negative", d));
    if (d >= unlimited_tier_max) {
      sentinels.push_back(fmt::format("{} = {:g}: at or above {:g}, read as no limit", path, d,
                                      unlimited_tier_max));
      return std::nullopt;
    }
    if (v.is_string()) {
      if (auto q = parse_milli(v.get<std::string>())) return *q;  // exact decimal text
    }
    if (auto q = to_milli(d)) return *q;
    fail(path, "expected a number (quantity)");
  }

  std::int64_t read_int(const json& v, const std::string& path, std::int64_t lo,
                        std::int64_t hi) const {
    if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (i < lo || i > hi) fail(path, fmt::format("{} is outside {}..{}", i, lo, hi));
      return i;
    }
    if (!v.is_number_float()) fail(path, "expected an integer");
    const double d = v.get<double>();  // URDB exports sometimes write 15.0 for 15
    if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)))
      fail(path, fmt::format("{} is outside {}..{}", d, lo, hi));
    if (std::floor(d) != d) fail(path, fmt::format("{} is not an integer", d));
    return static_cast<std::int64_t>(d);
  }

  /// `energyratestructure` / `demandratestructure` / `flatdemandstructure`.
  std::vector<rate_period> read_structure(const json& v, const std::string& name,
                                          const char* quantity_unit,
                                          std::vector<std::string>& unsupported,
                                          std::vector<std::string>& sentinels) const {
    if (!v.is_array()) fail(name, "expected an array of periods");
    std::vector<rate_period> out;
    for (std::size_t p = 0; p < v.size(); ++p) {
      const auto ppath = fmt::format("{}[{}]", name, p);
      const json& period = v[p];
      if (!period.is_array() || period.empty()) fail(ppath, "expected a non-empty array of tiers");
      rate_period rp;
      for (std::size_t k = 0; k < period.size(); ++k) {
        const auto tpath = fmt::format("{}[{}]", ppath, k);
        const json& tier = period[k];
        if (!tier.is_object()) fail(tpath, "expected a tier object");
        rate_tier rt;
        bool has_rate = false;
        for (const auto& [key, value] : tier.items()) {
          const auto fpath = tpath + "." + key;
          if (value.is_null()) continue;
          if (key == "rate") {
            rt.rate = read_money(value, fpath);
            has_rate = true;
          } else if (key == "adj") {
            rt.adj = read_money(value, fpath);
          } else if (key == "max") {
            rt.max = read_tier_max(value, fpath, sentinels);
          } else if (key == "unit") {
            if (!value.is_string()) fail(fpath, "expected a string");
            if (value.get<std::string>() != quantity_unit)
              unsupported.push_back(fmt::format(
                  "{} = '{}': only '{}' tiers are modelled; max treated as {} per billing period",
                  fpath, value.get<std::string>(), quantity_unit, quantity_unit));
          } else if (key == "sell") {
            unsupported.push_back(fpath + ": sell (export) rates are not modelled");
          } else {
            unsupported.push_back(fpath + ": unknown tier field");
          }
        }
        if (!has_rate && !rt.adj.micros()) fail(tpath, "tier has neither rate nor adj");
        rp.tiers.push_back(rt);
      }
      // A "no limit" max before the last tier makes the tiers after it unreachable: they can never
      // price anything, so they are dropped and said so.
      for (std::size_t k = 0; k + 1 < rp.tiers.size(); ++k)
        if (!rp.tiers[k].max && period[k].contains("max") && !period[k].at("max").is_null()) {
          sentinels.push_back(
              fmt::format("{}[{}..{}]: unreachable after the no-limit max of tier {}, not priced",
                          ppath, k + 1, rp.tiers.size() - 1, k));
          rp.tiers.resize(k + 1);
          break;
        }
      // The last tier prices everything beyond the previous max: an explicit max there only bounds
      // the schedule's intent, so keep it but make sure earlier tiers increase.
      for (std::size_t k = 0; k + 1 < rp.tiers.size(); ++k)
        if (!rp.tiers[k].max)
          fail(fmt::format("{}[{}].max", ppath, k), "missing: only the last tier may be unbounded");
      for (std::size_t k = 1; k < rp.tiers.size(); ++k)
        if (rp.tiers[k].max && *rp.tiers[k].max <= *rp.tiers[k - 1].max)
          fail(fmt::format("{}[{}].max", ppath, k), "tier maxima must increase");
      if (!rp.tiers.empty() && rp.tiers[0].max && *rp.tiers[0].max <= 0)
        fail(ppath + "[0].max", "must be positive");
      out.push_back(std::move(rp));
    }
    return out;
  }

  month_hour_schedule read_schedule(const json& v, const std::string& name,
                                    std::size_t periods) const {
    month_hour_schedule s{};
    if (!v.is_array() || v.size() != 12) fail(name, "expected 12 months of 24 hours");
    for (std::size_t m = 0; m < 12; ++m) {
      if (!v[m].is_array() || v[m].size() != 24)
        fail(fmt::format("{}[{}]", name, m), "expected 24 hours");
      for (std::size_t h = 0; h < 24; ++h) {
        const auto path = fmt::format("{}[{}][{}]", name, m, h);
        const auto i = read_int(v[m][h], path, 0, 255);
        if (static_cast<std::size_t>(i) >= std::max<std::size_t>(periods, 1))
          fail(path, fmt::format("period {} does not exist ({} periods)", i, periods));
        s[m][h] = static_cast<std::uint8_t>(i);
      }
    }
    return s;
  }

  /// `<prefix>ratestructure` with `<prefix>weekdayschedule` / `<prefix>weekendschedule`; a
  /// schedule may be omitted only when there is a single period, and needs its structure.
  void read_tou(const json& rec, const std::string& prefix, const char* unit,
                std::vector<rate_period>& periods, month_hour_schedule& weekday,
                month_hour_schedule& weekend, std::vector<std::string>& unsupported,
                std::vector<std::string>& sentinels) const {
    const auto present = [&](const std::string& key) {
      return rec.contains(key) && !rec.at(key).is_null();
    };
    const std::string structure = prefix + "ratestructure";
    const std::string schedules[2] = {prefix + "weekdayschedule", prefix + "weekendschedule"};
    if (!present(structure)) {
      for (const auto& key : schedules)
        if (present(key)) fail(structure, "missing, but " + key + " is present");
      return;
    }
    periods = read_structure(rec.at(structure), structure, unit, unsupported, sentinels);
    month_hour_schedule* targets[2] = {&weekday, &weekend};
    for (std::size_t i = 0; i < 2; ++i) {
      if (present(schedules[i]))
        *targets[i] = read_schedule(rec.at(schedules[i]), schedules[i], periods.size());
      else if (periods.size() > 1)
        fail(schedules[i], "missing, but " + structure + " has several periods");
    }
  }

  charge_unit read_unit(const json& v, const std::string& name,
                        std::vector<std::string>& unsupported, bool& usable) const {
    usable = true;
    if (!v.is_string()) fail(name, "expected a string such as \"$/month\"");
    const auto u = v.get<std::string>();
    if (u == "$/month") return charge_unit::per_month;
    if (u == "$/day") return charge_unit::per_day;
    usable = false;
    unsupported.push_back(
        fmt::format("{} = '{}': only $/month and $/day are modelled; charge not applied", name, u));
    return charge_unit::per_month;
  }

  urdb_tariff read(const json& rec) const {
    if (!rec.is_object()) fail("(record)", "expected a URDB record object");
    urdb_tariff out;
    auto& t = out.tariff;
    auto has = [&](const char* key) { return rec.contains(key) && !rec.at(key).is_null(); };
    auto str = [&](const char* key) {
      return has(key) && rec.at(key).is_string() ? rec.at(key).get<std::string>() : std::string{};
    };
    t.name = str("name");
    t.utility = str("utility");
    t.label = str("label");

    static constexpr std::array<std::string_view, 25> priced{"energyratestructure",
                                                             "energyweekdayschedule",
                                                             "energyweekendschedule",
                                                             "demandratestructure",
                                                             "demandweekdayschedule",
                                                             "demandweekendschedule",
                                                             "flatdemandstructure",
                                                             "flatdemandmonths",
                                                             "fixedchargefirstmeter",
                                                             "fixedchargeunits",
                                                             "fixedmonthlycharge",
                                                             "mincharge",
                                                             "minchargeunits",
                                                             "demandwindow",
                                                             "demandrateunit",
                                                             "flatdemandunit",
                                                             "fixedchargeeaaddl",
                                                             "demandratchetpercentage",
                                                             "energyattrs",
                                                             "demandattrs",
                                                             "usenetmetering",
                                                             "lookbackpercent",
                                                             "lookbackmonths",
                                                             "lookbackrange",
                                                             "dgrules"};
    for (const auto& [key, value] : rec.items()) {
      if (std::find(priced.begin(), priced.end(), key) != priced.end()) continue;
      if (std::find(informational_fields.begin(), informational_fields.end(), key) !=
          informational_fields.end()) {
        out.informational.push_back(key);
        continue;
      }
      if (value.is_null()) {
        out.informational.push_back(key + " (null)");
        continue;
      }
      if (key.rfind("coincident", 0) == 0)
        out.unsupported.push_back(
            key +
            ": coincident-peak demand is not applied from URDB: the record gives the $/kW but "
            "not the utility's system-peak hours; add them as a tariff::coincident_peaks charge");
      else
        out.unsupported.push_back(key + ": not modelled");
    }

    // Energy and TOU demand: a rate structure with its weekday/weekend schedules.
    read_tou(rec, "energy", "kWh", t.energy_periods, t.energy_weekday, t.energy_weekend,
             out.unsupported, out.informational);
    read_tou(rec, "demand", "kW", t.demand_periods, t.demand_weekday, t.demand_weekend,
             out.unsupported, out.informational);
    // Flat demand.
    if (has("flatdemandstructure")) {
      t.flat_demand_periods = read_structure(rec.at("flatdemandstructure"), "flatdemandstructure",
                                             "kW", out.unsupported, out.informational);
      if (has("flatdemandmonths")) {
        const json& m = rec.at("flatdemandmonths");
        if (!m.is_array() || m.size() != 12) fail("flatdemandmonths", "expected 12 integers");
        for (std::size_t i = 0; i < 12; ++i) {
          const auto path = fmt::format("flatdemandmonths[{}]", i);
          const auto v = read_int(m[i], path, 0, 255);
          if (static_cast<std::size_t>(v) >= t.flat_demand_periods.size())
            fail(path, fmt::format("period {} does not exist ({} flat demand periods)", v,
                                   t.flat_demand_periods.size()));
          t.flat_demand_months[i] = static_cast<std::uint8_t>(v);
        }
      } else if (t.flat_demand_periods.size() > 1) {
        fail("flatdemandmonths", "missing, but flatdemandstructure has several periods");
      }
    }
    for (const char* unit_key : {"demandrateunit", "flatdemandunit"}) {
      if (!has(unit_key)) continue;
      const json& u = rec.at(unit_key);
      if (!u.is_string()) fail(unit_key, "expected a string");
      if (u.get<std::string>() != "kW")
        out.unsupported.push_back(
            fmt::format("{} = '{}': only kW demand is modelled; demand priced as kW", unit_key,
                        u.get<std::string>()));
    }
    if (has("demandwindow"))
      t.demand_window_minutes =
          static_cast<std::int32_t>(read_int(rec.at("demandwindow"), "demandwindow", 1, 1440));
    if (1440 % t.demand_window_minutes != 0)
      fail("demandwindow", "must divide a day (e.g. 15, 30, 60)");

    // Fixed charge: fixedchargefirstmeter (+ fixedchargeunits) is the current field,
    // fixedmonthlycharge the old one.
    bool unit_ok = true;
    charge_unit fixed_unit = charge_unit::per_month;
    if (has("fixedchargeunits"))
      fixed_unit =
          read_unit(rec.at("fixedchargeunits"), "fixedchargeunits", out.unsupported, unit_ok);
    if (has("fixedchargefirstmeter")) {
      const money first = read_money(rec.at("fixedchargefirstmeter"), "fixedchargefirstmeter");
      if (unit_ok) {
        t.fixed_charge = first;
        t.fixed_charge_unit = fixed_unit;
      }
      if (has("fixedmonthlycharge")) {
        const money old = read_money(rec.at("fixedmonthlycharge"), "fixedmonthlycharge");
        if (old != first || fixed_unit != charge_unit::per_month)
          out.unsupported.push_back(
              fmt::format("fixedmonthlycharge = {}: differs from fixedchargefirstmeter; "
                          "fixedchargefirstmeter applied",
                          old.to_exact_string()));
      }
    } else if (has("fixedmonthlycharge")) {
      t.fixed_charge = read_money(rec.at("fixedmonthlycharge"), "fixedmonthlycharge");
      t.fixed_charge_unit = charge_unit::per_month;
    }
    if (has("fixedchargeeaaddl") &&
        read_money(rec.at("fixedchargeeaaddl"), "fixedchargeeaaddl") != money{})
      out.unsupported.push_back(
          "fixedchargeeaaddl: charges for additional meters are not modelled");

    if (has("mincharge")) {
      bool min_ok = true;
      charge_unit unit = charge_unit::per_month;
      if (has("minchargeunits"))
        unit = read_unit(rec.at("minchargeunits"), "minchargeunits", out.unsupported, min_ok);
      if (min_ok) {
        t.minimum_charge = read_money(rec.at("mincharge"), "mincharge");
        t.minimum_charge_unit = unit;
      }
    }

    // Present but only harmless when empty/zero.
    if (has("demandratchetpercentage")) {
      const json& r = rec.at("demandratchetpercentage");
      if (!r.is_array()) fail("demandratchetpercentage", "expected an array of 12 numbers");
      const bool any = std::any_of(r.begin(), r.end(), [](const json& x) {
        return x.is_number() && x.get<double>() != 0.0;
      });
      if (any)
        out.unsupported.push_back("demandratchetpercentage: demand ratchets are not modelled");
      else
        out.informational.push_back("demandratchetpercentage (all zero)");
    }
    for (const char* key : {"lookbackpercent", "lookbackmonths", "lookbackrange"}) {
      if (!has(key)) continue;
      const json& v = rec.at(key);
      const bool zero = (v.is_number() && v.get<double>() == 0.0) ||
                        (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) {
                           return !x.is_boolean() || !x.get<bool>();
                         }));
      if (zero)
        out.informational.push_back(std::string(key) + " (zero)");
      else
        out.unsupported.push_back(std::string(key) +
                                  ": demand look-back (ratchet) is not modelled");
    }
    for (const char* key : {"energyattrs", "demandattrs"}) {
      if (!has(key)) continue;
      const json& v = rec.at(key);
      if (v.is_array() && v.empty()) continue;
      std::string names;
      if (v.is_array())
        for (const auto& a : v)
          if (a.is_object())
            for (const auto& [k, val] : a.items()) {
              names += names.empty() ? "" : "; ";
              names += k + "=" + (val.is_string() ? val.get<std::string>() : val.dump());
            }
      out.unsupported.push_back(
          fmt::format("{}: free-text price attributes are not applied ({})", key, names));
    }
    // Distributed-generation rules: only net metering (exports netted at the retail energy price,
    // which is what negative intervals get here) is modelled. Net billing and buy-all-sell-all
    // credit exports at a separate sell rate: a site that exports would be billed wrong.
    if (has("dgrules")) {
      const json& v = rec.at("dgrules");
      if (!v.is_string()) fail("dgrules", "expected a string such as \"Net Metering\"");
      const auto rule = v.get<std::string>();
      if (rule == "Net Metering")
        out.informational.push_back("dgrules (Net Metering)");
      else
        out.unsupported.push_back(fmt::format(
            "dgrules = '{}': exports are credited at a sell rate, not netted at the retail price; "
            "not modelled (negative intervals are netted at the energy price)",
            rule));
    }
    if (has("usenetmetering")) {
      const json& v = rec.at("usenetmetering");
      if (v.is_boolean() && v.get<bool>())
        out.informational.push_back(
            "usenetmetering (true: negative intervals are netted at the energy price; sell rates "
            "not modelled)");
      else
        out.informational.push_back("usenetmetering");
    }

    // The bill result names what the tariff cannot price (bill::unapplied).
    t.unapplied = out.unsupported;
    try {
      t.validate();
    } catch (const std::invalid_argument& e) {
      fail("(record)", e.what());
    }
    return out;
  }

 private:
  std::string source_;
};

const json& select(const json& doc, std::string_view pointer, const reader& r) {
  if (!pointer.empty()) {
    try {
      return doc.at(json::json_pointer(std::string(pointer)));
    } catch (const json::exception& e) {
      r.fail(std::string(pointer),
             fmt::format("no URDB record at this JSON pointer ({})", e.what()));
    }
  }
  if (doc.is_object() && doc.contains("ElectricTariff")) {
    const json& et = doc.at("ElectricTariff");
    if (et.is_object() && et.contains("urdb_response") && !et.at("urdb_response").is_null())
      return et.at("urdb_response");
    // A REopt scenario that names its tariff (urdb_label, urdb_rate_name, blended rates) without
    // the record: reading the scenario itself as a record would find no charges at all.
    std::string keys;
    if (et.is_object())
      for (const auto& [k, unused] : et.items())
        keys += (keys.empty() ? "" : ", ") + k;
    r.fail("ElectricTariff",
           fmt::format("no urdb_response record in this REopt scenario (it has: {}); fetch the "
                       "URDB record it names and read that, or give a JSON pointer to a record",
                       keys.empty() ? "nothing" : keys));
  }
  if (doc.is_object() && doc.contains("items")) {
    const json& items = doc.at("items");
    if (!items.is_array() || items.size() != 1)
      r.fail("items", fmt::format("expected exactly one URDB record, found {}; select one with a "
                                  "JSON pointer such as /items/0",
                                  items.is_array() ? items.size() : 0));
    return items[0];
  }
  return doc;
}

}  // namespace

urdb_tariff read_urdb(std::string_view json_text, std::string_view source,
                      std::string_view json_pointer) {
  const reader r(source);
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400
    throw parse_error(fmt::format("{}: invalid JSON: {}", source, e.what()));
  }
  try {
    return r.read(select(doc, json_pointer, r));
  } catch (const json::exception& e) {  // no vendor exception crosses the public API
    throw parse_error(fmt::format("{}: {}", source, e.what()));
  }
}

urdb_tariff read_urdb_file(const std::filesystem::path& path, std::string_view json_pointer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw parse_error(fmt::format("{}: cannot open file", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw parse_error(fmt::format("{}: read error", path.string()));
  return read_urdb(ss.str(), path.string(), json_pointer);
}

}  // namespace energy::io
