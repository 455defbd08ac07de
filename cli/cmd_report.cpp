// SPDX-License-Identifier: Apache-2.0
// report: an efficiency, forecast or comparison report of a building (or its tenant's buildings)
// as JSON, a CSV table or PDF.
#include "commands.hpp"
#include "stored_tariff.hpp"

#include <energy/io/urdb.hpp>
#include <energy/report/pdf.hpp>
#include <energy/report/render.hpp>
#include <energy/report/report.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace energy::cli {
namespace {

std::chrono::local_days parse_date(std::string_view option, const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char dash1 = 0, dash2 = 0;
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d%c%2u%c%2u", &y, &dash1, &m, &dash2, &d) != 5 || dash1 != '-' ||
      dash2 != '-')
    throw usage_error(fmt::format("--{}: '{}' is not a date YYYY-MM-DD", option, text));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) throw usage_error(fmt::format("--{}: '{}' is not a calendar date", option, text));
  return std::chrono::local_days{ymd};
}

uuid parse_id(std::string_view option, const std::string& text) {
  const auto id = uuid::try_parse(text);
  if (!id) throw usage_error(fmt::format("--{}: '{}' is not a UUID", option, text));
  return *id;
}

/// `FILE[@YYYY-MM-DD],...`: URDB tariffs and the local dates they take effect (none: always),
/// each with the --holidays given (URDB records do not carry them).
std::vector<report::tariff_assignment> read_tariffs(
    const std::string& spec,
    const std::optional<std::vector<std::chrono::year_month_day>>& holidays) {
  std::vector<report::tariff_assignment> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const auto comma = std::min(spec.find(',', pos), spec.size());
    const auto item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) throw usage_error("--tariff: empty entry in '" + spec + "'");
    const auto at = item.rfind('@');
    const auto path = at == std::string::npos ? item : item.substr(0, at);
    report::tariff_assignment t;
    t.effective_from = at == std::string::npos ? std::chrono::local_days{}  // 1970-01-01: always
                                               : parse_date("tariff", item.substr(at + 1));
    auto urdb = io::read_urdb_file(path);
    for (const auto& u : urdb.unsupported)
      fmt::print(stderr, "energy: {}: not priced: {}\n", path, u);
    t.tariff = std::move(urdb.tariff);
    if (holidays) t.tariff.holidays = holidays;
    t.currency = "USD";  // URDB holds US utilities' tariffs, in US dollars
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

int cmd_report(const args& a, storage::store& db) {
  report::report_request q;
  q.type = enum_option<report::report_type>(a, "type", "efficiency");
  q.period = enum_option<report::period_length>(a, "period", "month");
  if (auto b = a.get("building")) q.building_id = parse_id("building", *b);
  if (auto t = a.get("tenant")) q.tenant_id = parse_id("tenant", *t);
  if (!a.get("building") && !(q.type == report::report_type::comparison && q.tenant_id))
    throw usage_error(q.type == report::report_type::comparison
                          ? "--building or --tenant is required"
                          : "--building is required");
  if (auto e = a.get("end")) q.end = parse_date("end", *e);
  if (auto n = a.get("now")) {
    const auto t = parse_utc_timestamp(*n);
    if (!t) throw usage_error("--now: '" + *n + "' is not a timestamp with an offset");
    q.now = *t;
  } else {
    q.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  const auto holidays = holidays_option(a);
  if (holidays && !a.get("tariff")) throw usage_error("--holidays needs --tariff");
  if (auto t = a.get("tariff")) q.tariffs = read_tariffs(*t, holidays);
  q.currency = a.get_or("currency", "");
  const auto format = a.get_or("format", "json");
  if (format != "json" && format != "csv" && format != "pdf")
    throw usage_error("--format: '" + format + "' (accepted: json, csv, pdf)");
  const auto out_path = a.get_or("out", "-");
  if (format == "pdf" && out_path == "-") throw usage_error("--format pdf needs --out FILE");

  report::report r;
  try {
    r = report::build_report(db, q);
  } catch (const report::subject_not_found& e) {
    throw usage_error(e.what());
  }
  std::string bytes;
  if (format == "json") {
    bytes = report::to_json(r) + "\n";
  } else if (format == "csv") {
    const auto fallback = q.type == report::report_type::comparison ? "comparison" : "daily";
    bytes = report::to_csv(r, enum_option<report::csv_table>(a, "table", fallback));
  } else {
    bytes = report::to_pdf(r);
  }
  if (out_path == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  } else {
    std::FILE* f = std::fopen(out_path.c_str(), "wb");
    if (f == nullptr)
      throw std::runtime_error(fmt::format("cannot write {}: {}", out_path, std::strerror(errno)));
    const bool written =
        std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && std::fflush(f) == 0;
    const int err = errno;
    if (std::fclose(f) != 0 || !written)
      throw std::runtime_error(
          fmt::format("cannot write {}: {}", out_path, std::strerror(written ? errno : err)));
  }
  for (const auto& n : r.notes)
    fmt::print(stderr, "note: {}\n", n);
  return 0;
}

}  // namespace energy::cli
