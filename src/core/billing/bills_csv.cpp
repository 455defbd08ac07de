// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/bills_csv.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include <energy/error.hpp>
#include <energy/ingest/reason.hpp>
#include "core/enum_table.hpp"

namespace energy::billing {
namespace {

/// A bad field as shown in an error: at most 64 bytes, control characters escaped (a hostile file
/// cannot drive the terminal that prints the errors).
std::string echoed(std::string_view field) {
  constexpr std::size_t max_shown = 64;
  if (field.size() <= max_shown) return ingest::escape_controls(field);
  return ingest::escape_controls(field.substr(0, max_shown)) + "...";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// One CSV record (RFC 4180 quoting within a line: "a, b" and "" for a quote).
std::optional<std::vector<std::string>> split(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted) return std::nullopt;
  out.push_back(std::move(cur));
  return out;
}

enum column : std::size_t { c_start, c_end, c_kwh, c_peak, c_amount, c_estimated, c_id, c_count };

std::optional<column> column_of(std::string name) {
  std::replace(name.begin(), name.end(), ' ', '_');
  if (name == "period_start" || name == "start") return c_start;
  if (name == "period_end" || name == "end") return c_end;
  if (name == "kwh" || name == "consumption_kwh") return c_kwh;
  if (name == "peak_kw" || name == "demand_kw") return c_peak;
  if (name == "amount" || name == "total") return c_amount;
  if (name == "estimated" || name == "estimated_flag") return c_estimated;
  if (name == "id" || name == "bill_id") return c_id;
  return std::nullopt;
}

std::optional<utc_seconds> local_midnight(std::string_view s, const time_zone& zone, int add_days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  y = std::stoi(std::string(s.substr(0, 4)));
  m = std::stoi(std::string(s.substr(5, 2)));
  d = std::stoi(std::string(s.substr(8, 2)));
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  const auto local = std::chrono::local_days{ymd} + std::chrono::days{add_days};
  // A midnight skipped by a DST change maps to the transition instant (earliest valid time).
  return zone.first_instant(local);
}

std::optional<bool> parse_flag(std::string_view s) {
  const std::string v = lower(trim(s));
  if (v.empty() || v == "false" || v == "no" || v == "n" || v == "0" || v == "actual" || v == "a")
    return false;
  if (v == "true" || v == "yes" || v == "y" || v == "1" || v == "estimated" || v == "e")
    return true;
  return std::nullopt;
}

}  // namespace

bills_csv_result parse_bills_csv(std::string_view text, std::string_view source_name,
                                 const bills_csv_options& options) {
  bills_csv_result out;
  if (text.size() > options.max_file_bytes)
    throw parse_error(
        fmt::format("{}: {} bytes; a bills file over {} bytes is refused "
                    "(bills_csv_options::max_file_bytes)",
                    source_name, text.size(), options.max_file_bytes));
  const auto reject = [&](std::string message) {
    if (out.errors.size() < options.max_errors)
      out.errors.push_back(std::move(message));
    else
      ++out.errors_not_listed;
  };
  std::array<std::optional<std::size_t>, c_count> index{};
  static constexpr std::array<const char*, c_count> names{
      "period_start", "period_end", "kwh", "peak_kw", "amount", "estimated", "id"};
  bool have_header = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // UTF-8 BOM
    if (trim(line).empty()) continue;
    const std::string at = fmt::format("{}:{}", source_name, line_no);
    if (line.size() > options.max_line_bytes) {
      const auto why = fmt::format("{}: line of {} bytes, over the limit of {}", at, line.size(),
                                   options.max_line_bytes);
      if (!have_header) throw parse_error(why + ": not a bills header");
      reject(why + ": row skipped");
      continue;
    }
    auto fields = split(line);
    if (!have_header) {
      if (!fields) throw parse_error(at + ": header has an unclosed quote");
      for (std::size_t i = 0; i < fields->size(); ++i)
        if (auto c = column_of(lower(trim((*fields)[i])))) index[*c] = i;
      for (column c : {c_start, c_end, c_kwh, c_amount})
        if (!index[c])
          throw parse_error(
              fmt::format("{}: header lacks the required column '{}' (columns: period_start, "
                          "period_end, kwh, peak_kw, amount, estimated, id)",
                          at, names[c]));
      have_header = true;
      continue;
    }
    if (!fields) {
      reject(at + ": unclosed quote: row skipped");
      continue;
    }
    auto field = [&](column c) -> std::string_view {
      if (!index[c] || *index[c] >= fields->size()) return {};
      return trim((*fields)[*index[c]]);
    };
    std::vector<std::string> errs;
    auto when = [&](column c, bool is_end) -> std::optional<utc_seconds> {
      const auto v = field(c);
      if (auto t = parse_utc_timestamp(v)) return t;
      if (options.zone) {
        const int add = is_end && options.end == end_date::inclusive ? 1 : 0;
        if (auto t = local_midnight(v, *options.zone, add)) return t;
      }
      errs.push_back(fmt::format("{}: '{}' is not {}", names[c], echoed(v),
                                 options.zone.has_value()
                                     ? "an RFC 3339 timestamp with offset or a YYYY-MM-DD date"
                                     : "an RFC 3339 timestamp with offset (dates need a zone)"));
      return std::nullopt;
    };
    utility_bill b;
    const auto start = when(c_start, false);
    const auto end = when(c_end, true);
    if (start && end) {
      if (*end <= *start)
        errs.push_back(fmt::format("period_end {} is not after period_start {}", format_utc(*end),
                                   format_utc(*start)));
      b.period = {*start, *end};
    }
    if (auto v = parse_milli(field(c_kwh)))
      b.consumption = *v;
    else
      errs.push_back(fmt::format("kwh: not a decimal number '{}'", echoed(field(c_kwh))));
    if (const auto p = field(c_peak); !p.empty()) {
      if (auto v = parse_milli(p))
        b.peak_demand = *v;
      else
        errs.push_back(fmt::format("peak_kw: not a decimal number '{}'", echoed(p)));
    }
    std::string_view amount = field(c_amount);
    if (amount.starts_with('$')) amount.remove_prefix(1);
    if (auto v = money::parse(amount))
      b.amount = *v;
    else
      errs.push_back(fmt::format("amount: not a decimal amount '{}'", echoed(field(c_amount))));
    if (auto f = parse_flag(field(c_estimated)))
      b.estimated = *f;
    else
      errs.push_back(
          fmt::format("estimated: '{}' is not a yes/no flag", echoed(field(c_estimated))));
    if (!errs.empty()) {
      for (auto& e : errs)
        reject(at + ": " + e);
      continue;
    }
    b.id = field(c_id).empty() ? at : std::string(field(c_id));
    b.source = at;
    out.bills.push_back(std::move(b));
  }
  if (!have_header) throw parse_error(fmt::format("{}: empty file: no header row", source_name));
  return out;
}

bills_csv_result read_bills_csv(const std::filesystem::path& file,
                                const bills_csv_options& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw parse_error(fmt::format("{}: cannot open file", file.string()));
  // Checked before reading: a huge file is refused without holding it in memory.
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(file, ec); !ec && size > options.max_file_bytes)
    throw parse_error(
        fmt::format("{}: {} bytes; a bills file over {} bytes is refused "
                    "(bills_csv_options::max_file_bytes)",
                    file.string(), size, options.max_file_bytes));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_bills_csv(ss.str(), file.string(), options);
}

namespace {
constexpr auto end_date_names = energy::detail::make_enum_table<end_date>(
    "end_date", {{end_date::exclusive, "exclusive"}, {end_date::inclusive, "inclusive"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(end_date) noexcept {
  return end_date_names;
}
std::string_view to_string(end_date v) noexcept {
  return end_date_names.name(v);
}

}  // namespace energy::billing

template struct energy::detail::enum_names<energy::billing::end_date>;
