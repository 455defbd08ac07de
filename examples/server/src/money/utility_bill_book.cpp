// SPDX-License-Identifier: Apache-2.0
#include "money/utility_bill_book.hpp"

#include <algorithm>
#include <charconv>

#include <energy/billing/bills_csv.hpp>
#include <energy/error.hpp>

#include "api/common.hpp"
#include "money/local_dates.hpp"

namespace energy::server::costs {

namespace {

/// A bill field that did not read; the item is rejected with it.
struct bad_field {
  std::string field;
  std::string reason;
};

std::optional<std::string> text_member(const nlohmann::json& item, const char* name) {
  const auto it = item.find(name);
  if (it == item.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    throw bad_field{name, std::string(name) +
                              " must be a string (decimals are sent as strings, "
                              "e.g. \"1234.56\", so no amount passes a double)"};
  }
  return it->get<std::string>();
}

/// A date (the local day's first instant) or an RFC 3339 instant.
utc_seconds instant_member(const nlohmann::json& item, const char* name,
                           aggregate::local_calendar& cal) {
  const auto text = text_member(item, name);
  if (!text) throw bad_field{name, std::string(name) + " is required"};
  if (const auto t = parse_utc_timestamp(*text)) return *t;
  if (const auto day = parse_local_date(*text)) return day_start(cal, *day);
  throw bad_field{name, std::string(name) +
                            " must be a local date YYYY-MM-DD or an RFC 3339 timestamp with an "
                            "offset"};
}

std::optional<milli> quantity_member(const nlohmann::json& item, const char* name) {
  const auto text = text_member(item, name);
  if (!text) return std::nullopt;
  const auto v = parse_milli(*text);
  if (!v || *v < 0) {
    throw bad_field{
        name, std::string(name) + " must be a non-negative decimal with at most three places"};
  }
  return v;
}

billing::utility_bill read_one(const nlohmann::json& item, aggregate::local_calendar& cal) {
  if (!item.is_object()) throw bad_field{"", "a bill must be a JSON object"};
  static constexpr std::string_view allowed[] = {"id",
                                                 "period_start",
                                                 "period_end",
                                                 "consumption_kwh",
                                                 "peak_demand_kw",
                                                 "demand_interval_minutes",
                                                 "amount",
                                                 "estimated"};
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (std::find(std::begin(allowed), std::end(allowed), it.key()) == std::end(allowed))
      throw bad_field{it.key(), "unknown field '" + it.key() + "'"};
  }
  billing::utility_bill b;
  b.id = text_member(item, "id").value_or("");
  b.period = {instant_member(item, "period_start", cal), instant_member(item, "period_end", cal)};
  if (b.period.empty()) throw bad_field{"period_end", "period_end must be after period_start"};
  const auto kwh = quantity_member(item, "consumption_kwh");
  b.consumption_stated = kwh.has_value();
  b.consumption = kwh.value_or(0);
  b.peak_demand = quantity_member(item, "peak_demand_kw");
  if (const auto it = item.find("demand_interval_minutes"); it != item.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 1440)
      throw bad_field{"demand_interval_minutes", "demand_interval_minutes must be 1 to 1440"};
    b.demand_interval_seconds = static_cast<std::int32_t>(it->get<std::int64_t>() * 60);
  }
  const auto amount = text_member(item, "amount");
  b.amount_stated = amount.has_value();
  if (amount) {
    const auto m = money::parse(*amount);
    if (!m) throw bad_field{"amount", "amount must be a decimal amount such as \"1234.56\""};
    b.amount = *m;
  }
  if (const auto it = item.find("estimated"); it != item.end() && !it->is_null()) {
    if (!it->is_boolean()) throw bad_field{"estimated", "estimated must be true or false"};
    b.estimated = it->get<bool>();
  }
  if (!b.consumption_stated && !b.amount_stated)
    throw bad_field{"amount", "a bill needs an amount or a consumption_kwh to be checked"};
  return b;
}

stored_bill from_row(const db::row& r) {
  stored_bill s;
  s.id = r.text(0);
  auto& b = s.bill;
  b.id = r.text(1);
  b.period = {from_epoch(r.integer(2)), from_epoch(r.integer(3))};
  b.consumption = r.integer(4);
  b.consumption_stated = r.integer(5) != 0;
  b.peak_demand = r.opt_integer(6);
  if (const auto d = r.opt_integer(7)) b.demand_interval_seconds = static_cast<std::int32_t>(*d);
  b.amount = money::from_micros(r.integer(8));
  b.amount_stated = r.integer(9) != 0;
  b.estimated = r.integer(10) != 0;
  b.source = r.text(11);
  s.origin = r.text(12);
  s.uploaded_at = r.integer(13);
  return s;
}

constexpr const char* bill_columns =
    "id, bill_ref, period_start, period_end, consumption_wh, consumption_stated, peak_demand_w, "
    "demand_interval_seconds, amount_micros, amount_stated, estimated, source, origin, "
    "uploaded_at";

db::value optional_value(const std::optional<std::int64_t>& v) {
  return v ? db::value{*v} : db::value{};
}

}  // namespace

bill_upload read_json_bills(const nlohmann::json& body, aggregate::local_calendar& cal) {
  api::reject_unknown_fields(body, {"bills"});
  const auto list = body.find("bills");
  if (list == body.end() || !list->is_array() || list->empty())
    throw_unprocessable("bills must be a non-empty array of bills", "/bills");
  bill_upload out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    try {
      auto b = read_one((*list)[i], cal);
      b.source = "upload: bills[" + std::to_string(i) + "]";
      out.bills.push_back(std::move(b));
    } catch (const bad_field& e) {
      out.rejections.push_back(
          {i, "/bills/" + std::to_string(i) + (e.field.empty() ? "" : "/" + e.field), e.reason});
    }
  }
  return out;
}

bill_upload read_csv_bills(std::string_view text, aggregate::local_calendar& cal,
                           bool inclusive_end) {
  billing::bills_csv_result parsed;
  try {
    parsed = billing::parse_bills_csv(
        text, "upload.csv",
        {.zone = cal.zone(),
         .end = inclusive_end ? billing::end_date::inclusive : billing::end_date::exclusive});
  } catch (const energy::error& e) {
    throw_unprocessable(e.what(), "body");
  }
  bill_upload out;
  out.bills = std::move(parsed.bills);
  for (std::size_t i = 0; i < parsed.errors.size(); ++i)
    out.rejections.push_back({i, "csv", parsed.errors[i]});
  if (parsed.errors_not_listed > 0)
    out.rejections.push_back(
        {parsed.errors.size(), "csv",
         "... and " + std::to_string(parsed.errors_not_listed) + " more rejected rows"});
  return out;
}

store_outcome store_bills(request_context& ctx, const building& b,
                          const std::vector<billing::utility_bill>& bills,
                          std::string_view origin) {
  store_outcome out;
  const auto tenant = b.tenant_id.to_string();
  const auto building_id = b.id.to_string();
  const auto now = api::now_epoch();
  ctx.db().transaction([&](db::connection& c) {
    out = {};
    const auto count = c.query(
        "SELECT COUNT(*) FROM money_utility_bills WHERE tenant_id = $1 AND building_id = $2",
        {tenant, building_id});
    if (!count.empty() &&
        count.front().integer(0) + static_cast<std::int64_t>(bills.size()) > max_bills_per_building)
      throw_unprocessable("the building would keep more than " +
                          std::to_string(max_bills_per_building) + " utility bills");
    for (const auto& bill : bills) {
      const std::string sql = std::string("SELECT ") + bill_columns +
                              " FROM money_utility_bills WHERE tenant_id = $1 AND building_id = "
                              "$2 AND bill_ref = $3 AND period_start = $4 AND period_end = $5";
      const auto found =
          c.query(sql, {tenant, building_id, bill.id, std::int64_t{to_epoch(bill.period.start)},
                        std::int64_t{to_epoch(bill.period.end)}});
      stored_bill s{.id = "", .bill = bill, .origin = std::string(origin), .uploaded_at = now};
      const db::value peak = optional_value(bill.peak_demand);
      const db::value interval = bill.demand_interval_seconds
                                     ? db::value{std::int64_t{*bill.demand_interval_seconds}}
                                     : db::value{};
      if (!found.empty()) {
        auto old = from_row(found.front());
        old.bill.source = bill.source;  // where it came from this time does not change the bill
        if (old.bill == bill) {
          ++out.unchanged;
          out.bills.push_back(std::move(old));
          continue;
        }
        s.id = old.id;
        c.exec(
            "UPDATE money_utility_bills SET consumption_wh = $1, consumption_stated = $2, "
            "peak_demand_w = $3, demand_interval_seconds = $4, amount_micros = $5, "
            "amount_stated = $6, estimated = $7, source = $8, origin = $9, uploaded_at = $10 "
            "WHERE id = $11 AND tenant_id = $12",
            {std::int64_t{bill.consumption}, std::int64_t{bill.consumption_stated ? 1 : 0}, peak,
             interval, std::int64_t{bill.amount.micros()}, std::int64_t{bill.amount_stated ? 1 : 0},
             std::int64_t{bill.estimated ? 1 : 0}, bill.source, std::string(origin),
             std::int64_t{now}, s.id, tenant});
        ++out.replaced;
      } else {
        s.id = uuid::v7().to_string();
        c.exec(
            "INSERT INTO money_utility_bills (id, tenant_id, building_id, bill_ref, "
            "period_start, period_end, consumption_wh, consumption_stated, peak_demand_w, "
            "demand_interval_seconds, amount_micros, amount_stated, estimated, source, origin, "
            "uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
            "$15, $16)",
            {s.id, tenant, building_id, bill.id, std::int64_t{to_epoch(bill.period.start)},
             std::int64_t{to_epoch(bill.period.end)}, std::int64_t{bill.consumption},
             std::int64_t{bill.consumption_stated ? 1 : 0}, peak, interval,
             std::int64_t{bill.amount.micros()}, std::int64_t{bill.amount_stated ? 1 : 0},
             std::int64_t{bill.estimated ? 1 : 0}, bill.source, std::string(origin),
             std::int64_t{now}});
        ++out.inserted;
      }
      out.bills.push_back(std::move(s));
    }
  });
  return out;
}

std::optional<bill_cursor> parse_bill_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  bill_cursor c;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + dot, c.period_start);
  if (ec != std::errc{} || ptr != text.data() + dot) return std::nullopt;
  const auto id = uuid::try_parse(text.substr(dot + 1));
  if (!id) return std::nullopt;
  c.id = id->to_string();
  return c;
}

std::string to_string(const bill_cursor& c) {
  return std::to_string(c.period_start) + "." + c.id;
}

std::vector<stored_bill> list_bills(request_context& ctx, const building& b, std::size_t limit,
                                    const std::optional<bill_cursor>& after) {
  const std::string sql =
      std::string("SELECT ") + bill_columns +
      " FROM money_utility_bills WHERE tenant_id = $1 AND building_id = $2 AND ($3 = 0 OR "
      "period_start < $4 OR (period_start = $4 AND id < $5)) ORDER BY period_start DESC, id DESC "
      "LIMIT $6";
  const auto rows =
      ctx.db().query(sql, {b.tenant_id.to_string(), b.id.to_string(), std::int64_t{after ? 1 : 0},
                           std::int64_t{after ? after->period_start : 0},
                           after ? after->id : std::string(), static_cast<std::int64_t>(limit)});
  std::vector<stored_bill> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
    out.push_back(from_row(r));
  return out;
}

nlohmann::json to_json(const stored_bill& s) {
  const auto& b = s.bill;
  return {
      {"id", s.id},
      {"bill_id", b.id},
      {"period_start", format_utc(b.period.start)},
      {"period_end", format_utc(b.period.end)},
      {"consumption_kwh",
       b.consumption_stated ? nlohmann::json(format_milli(b.consumption)) : nlohmann::json()},
      {"peak_demand_kw",
       b.peak_demand ? nlohmann::json(format_milli(*b.peak_demand)) : nlohmann::json()},
      {"demand_interval_minutes", b.demand_interval_seconds
                                      ? nlohmann::json(*b.demand_interval_seconds / 60)
                                      : nlohmann::json()},
      {"amount", b.amount_stated ? nlohmann::json(b.amount.to_exact_string()) : nlohmann::json()},
      {"estimated", b.estimated},
      {"source", b.source},
      {"origin", s.origin},
      {"uploaded_at", format_utc(from_epoch(s.uploaded_at))}};
}

nlohmann::json to_json(const bill_rejection& r) {
  return {{"index", r.index}, {"field", r.field}, {"reason", r.reason}};
}

}  // namespace energy::server::costs
