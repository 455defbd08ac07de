// SPDX-License-Identifier: Apache-2.0
// The CSV tables of a report.
#include <fmt/format.h>

#include <stdexcept>

#include <energy/report/format.hpp>
#include <energy/report/render.hpp>
#include "core/enum_table.hpp"

namespace energy::report {
namespace {

std::string field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string optional_number(const std::optional<double>& v, int decimals) {
  return v ? format_number(*v, decimals) : std::string{};
}

void row(std::string& out, std::initializer_list<std::string> cells) {
  bool first = true;
  for (const auto& c : cells) {
    if (!first) out += ',';
    out += field(c);
    first = false;
  }
  out += '\n';
}

}  // namespace

namespace {
constexpr auto csv_table_names = energy::detail::make_enum_table<csv_table>(
    "csv_table", {{csv_table::daily, "daily"},
                  {csv_table::monthly, "monthly"},
                  {csv_table::anomalies, "anomalies"},
                  {csv_table::recommendations, "recommendations"},
                  {csv_table::bills, "bills"},
                  {csv_table::comparison, "comparison"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(csv_table) noexcept {
  return csv_table_names;
}
std::string_view to_string(csv_table t) noexcept {
  return csv_table_names.name(t);
}

std::string to_csv(const report& r, csv_table table) {
  std::string out;
  switch (table) {
    case csv_table::daily:
      row(out, {"date", "start_utc", "end_utc", "consumption_kwh", "peak_demand_kw", "coverage",
                "expected_kwh", "lower_kwh", "upper_kwh"});
      for (const auto& d : r.daily)
        row(out, {format_date(d.day), format_utc(d.range.start), format_utc(d.range.end),
                  format_kwh(d.consumption), format_kw(d.peak_demand), format_number(d.coverage, 4),
                  optional_number(d.expected_kwh, 3), optional_number(d.lower_kwh, 3),
                  optional_number(d.upper_kwh, 3)});
      break;
    case csv_table::monthly:
      row(out, {"month", "consumption_kwh", "peak_demand_kw", "has_data"});
      for (const auto& m : r.monthly)
        row(out,
            {fmt::format("{:04}-{:02}", static_cast<int>(m.month.year()),
                         static_cast<unsigned>(m.month.month())),
             format_kwh(m.consumption), format_kw(m.peak_demand), m.has_data ? "true" : "false"});
      break;
    case csv_table::anomalies:
      row(out, {"kind", "severity", "start_utc", "end_utc", "score", "expected", "actual",
                "explanation"});
      for (const auto& a : r.anomalies)
        row(out,
            {std::string(anomaly::to_string(a.kind)), std::string(anomaly::to_string(a.severity)),
             format_utc(a.range.start), format_utc(a.range.end), format_number(a.score, 2),
             format_milli(a.expected), format_milli(a.actual), a.explanation});
      break;
    case csv_table::recommendations: {
      row(out, {"rank", "kind", "title", "saving_kwh", "saving", "saving_low", "saving_high",
                "currency", "per", "confidence", "explanation"});
      int rank = 0;
      for (const auto& rec : r.recommendations) {
        const auto money_or_empty = [&](money m) { return rec.priced ? format_money(m) : ""; };
        row(out, {std::to_string(++rank), std::string(recommend::to_string(rec.kind)), rec.title,
                  format_kwh(rec.saving_kwh), money_or_empty(rec.saving),
                  money_or_empty(rec.saving_low), money_or_empty(rec.saving_high), r.currency,
                  format_saving_period(rec.per_year, rec.coverage_days),
                  std::string(recommend::to_string(rec.confidence)), rec.explanation});
      }
      break;
    }
    case csv_table::bills:
      row(out, {"start_utc", "end_utc", "tariff", "kind", "period", "tier", "quantity", "rate",
                "amount", "currency", "basis"});
      for (const auto& p : r.bills)
        for (const auto& l : p.bill.lines)
          row(out, {format_utc(p.bill.period.start), format_utc(p.bill.period.end), p.tariff_name,
                    std::string(billing::to_string(l.kind)), std::to_string(l.period),
                    std::to_string(l.tier), format_milli(l.quantity), l.rate.to_exact_string(),
                    format_money(l.amount), p.currency, l.basis});
      break;
    case csv_table::comparison:
      row(out, {"rank", "building_id", "name", "square_footage", "consumption_kwh", "coverage",
                "kwh_per_ft2", "eui_kwh_per_ft2_year", "change_percent", "note"});
      for (const auto& c : r.comparison)
        row(out, {c.rank > 0 ? std::to_string(c.rank) : std::string{}, c.building_id.to_string(),
                  c.name, c.square_footage ? std::to_string(*c.square_footage) : std::string{},
                  format_kwh(c.consumption), format_number(c.coverage, 4),
                  optional_number(c.kwh_per_ft2, 3), optional_number(c.eui_kwh_per_ft2_year, 2),
                  optional_number(c.change_percent, 1), c.note});
      break;
  }
  return out;
}

}  // namespace energy::report

template struct energy::detail::enum_names<energy::report::csv_table>;
