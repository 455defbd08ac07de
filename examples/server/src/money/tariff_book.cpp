// SPDX-License-Identifier: Apache-2.0
#include "money/tariff_book.hpp"

#include <algorithm>

#include <energy/error.hpp>

#include "api/common.hpp"
#include "db/sql.hpp"
#include "money/coincident_peaks.hpp"
#include "money/local_dates.hpp"

namespace energy::server::costs {

namespace {

/// Reads the URDB record of `source`, adds the given coincident-peak charges and holidays and
/// checks the result can price something.
io::urdb_tariff read_tariff(const std::string& source, const std::string& pointer,
                            const std::vector<billing::coincident_peak_charge>& peaks,
                            const holiday_list& holidays) {
  io::urdb_tariff t;
  try {
    t = io::read_urdb(source, "urdb", pointer);
  } catch (const std::exception& e) {
    // parse_error for a bad record; anything else the reader lets through (a malformed
    // json_pointer) is still the upload's fault and must not become a 500.
    throw_unprocessable(std::string("the URDB record does not read: ") + e.what(), "/urdb");
  }
  apply_coincident_peaks(t, peaks);
  apply_holidays(t, holidays);
  try {
    t.tariff.validate();
  } catch (const std::invalid_argument& e) {
    throw_unprocessable(std::string("the tariff cannot price a bill: ") + e.what(), "/urdb");
  }
  return t;
}

bool is_currency_code(const std::string& s) {
  return s.size() == 3 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

tariff_version read_upload(const nlohmann::json& body) {
  api::reject_unknown_fields(
      body, {"effective_from", "urdb", "json_pointer", "currency", "coincident_peaks", "holidays"});
  tariff_version v;
  const auto date_text = api::required_string(body, "effective_from");
  const auto day = parse_local_date(date_text);
  if (!day) {
    throw_unprocessable("effective_from must be a local date YYYY-MM-DD (the building's zone)",
                        "/effective_from");
  }
  v.effective_from = *day;
  const auto urdb = body.find("urdb");
  if (urdb == body.end() || !urdb->is_object() || urdb->empty()) {
    throw_unprocessable(
        "urdb must be the URDB record as a JSON object (a bare record, the API's {\"items\": "
        "[record]} or a REopt scenario)",
        "/urdb");
  }
  v.source = urdb->dump();
  v.json_pointer = api::opt_string(body, "json_pointer").value_or("");
  v.currency = api::opt_string(body, "currency").value_or("USD");
  if (!is_currency_code(v.currency))
    throw_unprocessable("currency must be an ISO 4217 code such as USD", "/currency");
  if (const auto peaks = body.find("coincident_peaks"); peaks != body.end() && !peaks->is_null())
    v.coincident_peaks = read_coincident_peaks(*peaks);
  if (const auto days = body.find("holidays"); days != body.end())
    v.holidays = read_holidays(*days);
  v.parsed = read_tariff(v.source, v.json_pointer, v.coincident_peaks, v.holidays);
  return v;
}

void store_version(request_context& ctx, const building& b, tariff_version& v) {
  v.id = uuid::v7().to_string();
  v.uploaded_at = api::now_epoch();
  v.uploaded_by = ctx.who().subject.to_string();
  ctx.db().transaction([&](db::connection& c) {
    const auto n = c.query(
        "SELECT COUNT(*) FROM money_tariffs WHERE tenant_id = $1 AND "
        "building_id = $2",
        {b.tenant_id.to_string(), b.id.to_string()});
    if (!n.empty() && n.front().integer(0) >= static_cast<std::int64_t>(max_versions_per_building))
      throw_unprocessable("this building already has " + std::to_string(max_versions_per_building) +
                          " tariff versions");
    c.exec(
        "INSERT INTO money_tariffs (id, tenant_id, building_id, effective_from, currency, "
        "source, json_pointer, uploaded_at, uploaded_by, coincident_peaks, holidays) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {v.id, b.tenant_id.to_string(), b.id.to_string(), format_local_date(v.effective_from),
         v.currency, v.source, v.json_pointer, std::int64_t{v.uploaded_at}, v.uploaded_by,
         to_json(v.coincident_peaks).dump(),
         // NULL: not known; otherwise the JSON array of dates as given.
         v.holidays ? db::value(holidays_to_json(v.holidays).dump()) : db::value()});
  });
}

std::vector<tariff_version> list_versions(request_context& ctx, const building& b) {
  // id is a v7 UUID: within one effective date it orders uploads oldest first.
  const auto rows = ctx.db().query(
      "SELECT id, effective_from, currency, source, json_pointer, uploaded_at, uploaded_by, "
      "coincident_peaks, holidays FROM money_tariffs WHERE tenant_id = $1 AND building_id = $2 "
      "ORDER BY effective_from, id",
      {b.tenant_id.to_string(), b.id.to_string()});
  std::vector<tariff_version> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    tariff_version v;
    v.id = r.text(0);
    const auto day = parse_local_date(r.text(1));
    if (!day) throw std::runtime_error("money_tariffs row " + v.id + " has a bad effective_from");
    v.effective_from = *day;
    v.currency = r.text(2);
    v.source = r.text(3);
    v.json_pointer = r.text(4);
    v.uploaded_at = r.integer(5);
    v.uploaded_by = r.text(6);
    // Stored uploads were read and validated when they came in; a failure here is a server bug.
    v.coincident_peaks = read_coincident_peaks(nlohmann::json::parse(r.text(7)));
    // NULL (rows stored before the column existed, or uploads without the member): not known.
    if (!r.is_null(8)) v.holidays = read_holidays(nlohmann::json::parse(r.text(8)));
    v.parsed = io::read_urdb(v.source, "urdb", v.json_pointer);
    apply_coincident_peaks(v.parsed, v.coincident_peaks);
    apply_holidays(v.parsed, v.holidays);
    out.push_back(std::move(v));
  }
  for (std::size_t i = 0; i + 1 < out.size(); ++i)
    out[i].superseded = out[i + 1].effective_from == out[i].effective_from;
  std::optional<std::chrono::local_days> next;
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    if (it->superseded) continue;
    it->effective_until = next;
    next = it->effective_from;
  }
  return out;
}

std::vector<tariff_version> effective_versions(request_context& ctx, const building& b) {
  auto all = list_versions(ctx, b);
  std::erase_if(all, [](const tariff_version& v) { return v.superseded; });
  return all;
}

const tariff_version* in_effect(const std::vector<tariff_version>& effective,
                                aggregate::local_calendar& cal, utc_seconds t) {
  const tariff_version* found = nullptr;
  for (const auto& v : effective) {
    if (day_start(cal, v.effective_from) <= t)
      found = &v;
    else
      break;
  }
  return found;
}

nlohmann::json to_json(const tariff_version& v, const building& b, bool with_source) {
  const auto& t = v.parsed.tariff;
  nlohmann::json j = {
      {"id", v.id},
      {"building_id", b.id.to_string()},
      {"effective_from", format_local_date(v.effective_from)},
      {"effective_until",
       v.effective_until ? nlohmann::json(format_local_date(*v.effective_until)) : nullptr},
      {"superseded", v.superseded},
      {"currency", v.currency},
      {"name", t.name},
      {"utility", t.utility},
      {"label", t.label},
      {"energy_periods", t.energy_periods.size()},
      {"demand_periods", t.demand_periods.size()},
      {"flat_demand_periods", t.flat_demand_periods.size()},
      {"demand_window_minutes", t.demand_window_minutes},
      {"fixed_charge", t.fixed_charge.to_exact_string()},
      {"fixed_charge_unit", t.fixed_charge_unit == billing::charge_unit::per_day ? "day" : "month"},
      {"minimum_charge", t.minimum_charge.to_exact_string()},
      {"complete", v.parsed.complete()},
      {"coincident_peaks", to_json(v.coincident_peaks)},
      {"holidays", holidays_to_json(v.holidays)},
      {"unsupported", v.parsed.unsupported},
      {"uploaded_at", format_utc(from_epoch(v.uploaded_at))},
      {"uploaded_by", v.uploaded_by}};
  if (with_source) {
    j["json_pointer"] = v.json_pointer;
    j["urdb"] = nlohmann::json::parse(v.source);
  }
  return j;
}

}  // namespace energy::server::costs
