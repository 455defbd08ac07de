// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/buildings/{building_id}/energy: the seed's energy series from the stored summaries,
// in local-time buckets of the building's zone (23/25-hour days visible), exact decimals beside
// the seed's numbers, peak demand, cost, coverage, and whether aggregation is behind.
#include <algorithm>
#include <charconv>
#include <memory>
#include <string_view>
#include <type_traits>

#include <energy/aggregate/calendar.hpp>
#include <energy/storage/open.hpp>
#include <energy/storage/store.hpp>

#include "api/common.hpp"
#include "http/json_text.hpp"
#include "http/enum_json.hpp"
#include "api/routes.hpp"
#include "app/config.hpp"
#include "http/log.hpp"
#include "http/problems.hpp"
#include "money/energy_pricing.hpp"

namespace energy::server::api {

namespace {

constexpr std::size_t max_buckets = 10'000;

/// A date (YYYY-MM-DD, a local calendar day of the building) or an RFC 3339 instant.
struct bound {
  utc_seconds instant;
  bool is_date = false;
};

bound parse_bound(std::string_view text, const char* name, aggregate::local_calendar& cal,
                  bool end) {
  if (const auto t = parse_utc_timestamp(text)) return {*t, false};
  int y = 0;
  unsigned m = 0, d = 0;
  const auto* p = text.data();
  const auto* e = text.data() + text.size();
  auto r1 = std::from_chars(p, e, y);
  bool ok = r1.ec == std::errc{} && r1.ptr != e && *r1.ptr == '-' && text.size() == 10;
  if (ok) {
    auto r2 = std::from_chars(r1.ptr + 1, e, m);
    ok = r2.ec == std::errc{} && r2.ptr != e && *r2.ptr == '-';
    if (ok) {
      auto r3 = std::from_chars(r2.ptr + 1, e, d);
      ok = r3.ec == std::errc{} && r3.ptr == e;
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ok || !ymd.ok() || y < 1971 || y > 2200) {
    throw_bad_request(std::string(name) +
                          " must be a date (2024-07-01, the building's local day) or an RFC 3339 "
                          "timestamp with an offset",
                      name);
  }
  // Noon is never skipped or repeated by a DST change, so it finds the day unambiguously.
  const auto noon = cal.zone().first_instant(std::chrono::local_days{ymd} + std::chrono::hours(12));
  const auto day = cal.day_of(noon);
  // A date as end_date includes that whole local day.
  return {end ? day.period.end : day.period.start, true};
}

/// Dirty marks in the period, from this worker's retention port (opened once per thread). The
/// port counts every building's marks, so `true` may come from another building: it errs on the
/// side of "may be stale", never the other way.
std::optional<std::int64_t> pending_hours(request_context& ctx, time_range period) {
  thread_local std::unique_ptr<storage::retention_port> port;
  thread_local std::string port_uri;
  const auto* cfg = ctx.app().config;
  if (cfg == nullptr || cfg->db_uri.starts_with("memory:")) return std::nullopt;
  try {
    if (!port || port_uri != cfg->db_uri) {
      port = storage::open_retention_uri(cfg->db_uri);
      port_uri = cfg->db_uri;
    }
    const auto hour = [](utc_seconds t, bool up) {
      auto e = to_epoch(t);
      auto floor = e - ((e % 3600) + 3600) % 3600;
      return from_epoch(up && floor != e ? floor + 3600 : floor);
    };
    return port->pending_dirty_hours({hour(period.start, false), hour(period.end, true)});
  } catch (const std::exception& e) {
    port.reset();
    if (ctx.app().log != nullptr)
      ctx.app().log->warning("stale_check_failed", {{"error", e.what()}});
    return std::nullopt;
  }
}

// One bucket of the answer's "readings" list, appended to the list's text. A year of hourly
// buckets as nlohmann objects (a std::map of 17 members each) spent most of this route's CPU in
// allocating, copying, freeing and dumping them (perf, docs/benchmarks.md, issue #13); written
// directly they cost a fraction. Values still go through nlohmann's dump, so numbers and string
// escaping are exactly the library's. Keys are the literals passed below (no escaping needed).
class bucket_writer {
 public:
  bucket_writer(std::string& list, bool first) : out_(list) {
    if (!first) out_ += ',';
    out_ += '{';
  }
  bucket_writer(const bucket_writer&) = delete;
  bucket_writer& operator=(const bucket_writer&) = delete;
  ~bucket_writer() { out_ += '}'; }

  template <class T>
  void add(std::string_view key, const T& value) {
    member(key);
    if constexpr (std::is_same_v<T, std::int64_t>) {
      char digits[24];
      const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
      out_.append(digits, end);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      add_string(value);
    } else {
      dump(nlohmann::json(value));
    }
  }

 private:
  void member(std::string_view key) {
    if (!empty_) out_ += ',';
    empty_ = false;
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  // Timestamps, exact decimals and labels are plain ASCII: quoted as they are. Anything else
  // goes through nlohmann's escaping.
  void add_string(std::string_view text) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
      return c >= 0x20 && c != '"' && c != '\\' && static_cast<unsigned char>(c) < 0x80;
    });
    if (!plain) return dump(nlohmann::json(text));
    out_ += '"';
    out_ += text;
    out_ += '"';
  }
  void dump(const nlohmann::json& value) { out_ += json_text(value); }

  std::string& out_;
  bool empty_ = true;
};

// The answer: `body` (whose "readings" member is null) dumped, with the readings list's text in
// place of that null.
response json_with_readings(const nlohmann::json& body, const std::string& readings) {
  auto r = response::json(200, body);
  static constexpr std::string_view placeholder = "\"readings\":null";
  // Top-level keys are unique and string values are escaped, so this is the member itself.
  const auto at = r.body.find(placeholder);
  if (at == std::string::npos) throw std::logic_error("energy answer without its readings member");
  r.body.replace(at + placeholder.size() - 4, 4, readings);
  return r;
}

}  // namespace

void add_energy_routes(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/energy",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = owned_building(ctx, r.path_params.at("building_id"));
            aggregate::local_calendar cal(b.time_zone);
            const auto start_text = r.query_param("start_date");
            const auto end_text = r.query_param("end_date");
            if (!start_text || start_text->empty())
              throw_bad_request("start_date is required", "start_date");
            if (!end_text || end_text->empty())
              throw_bad_request("end_date is required", "end_date");
            resolution res = resolution::day;
            if (const auto text = r.query_param("resolution"); text && !text->empty()) {
              try {
                res = parse<resolution>(*text);
              } catch (const parse_error& e) {
                throw_bad_request(e.what(), "resolution");
              }
            }
            sensor_type type = sensor_type::electricity;
            if (const auto text = r.query_param("sensor_type"); text && !text->empty()) {
              try {
                type = parse<sensor_type>(*text);
              } catch (const parse_error& e) {
                throw_bad_request(e.what(), "sensor_type");
              }
              if (type == sensor_type::temperature)
                throw_bad_request("temperature is not summed; choose an energy type",
                                  "sensor_type");
            }
            const auto start = parse_bound(*start_text, "start_date", cal, false);
            const auto end = parse_bound(*end_text, "end_date", cal, true);
            if (!(start.instant < end.instant))
              throw_unprocessable("end_date must be after start_date", "end_date");

            // Whole buckets: from the bucket containing the start to the one containing end - 1 s.
            std::vector<aggregate::bucket> buckets;
            auto t = cal.bucket_of(res, start.instant).period.start;
            while (t < end.instant) {
              const auto bk = cal.bucket_of(res, t);
              buckets.push_back(bk);
              if (buckets.size() > max_buckets) {
                throw_unprocessable(
                    "the range has more than " + std::to_string(max_buckets) +
                        " buckets at this resolution; shorten it or use a coarser one",
                    "end_date");
              }
              t = bk.period.end;
            }
            const time_range period{buckets.front().period.start, buckets.back().period.end};
            const auto rows =
                ctx.store().read_summaries({summary_scope::building, b.id, type, res, period});

            std::vector<sensor> sensors;
            for (auto& s : ctx.store().list_sensors(b.id))
              if (s.type == type && s.is_active) sensors.push_back(std::move(s));
            // Tariff versions reprice electricity hour by hour; else the summaries' estimate
            // stands.
            const auto tariff_costs = type == sensor_type::electricity
                                          ? costs::tariff_bucket_costs(ctx, b, cal, buckets)
                                          : std::nullopt;
            const auto summary_basis = costs::summary_cost_basis(b, type);
            std::string period_basis;
            const std::string unit(canonical_unit(type));
            const bool kwh = unit == "kWh";

            std::string list = "[";
            milli total = 0;
            milli peak = 0;
            money cost;
            std::int64_t readings = 0;
            std::int64_t expected_total = 0;
            std::size_t next_row = 0;
            for (std::size_t index = 0; index < buckets.size(); ++index) {
              const auto& bk = buckets[index];
              const summary_row* row = nullptr;
              while (next_row < rows.size() && rows[next_row].period.start < bk.period.start)
                ++next_row;
              if (next_row < rows.size() && rows[next_row].period.start == bk.period.start)
                row = &rows[next_row];
              std::int64_t expected = 0;
              for (const auto& s : sensors) {
                const auto from = std::max(bk.period.start, s.created_at);
                if (from < bk.period.end)
                  expected += (bk.period.end - from).count() / s.interval_seconds;
              }
              const milli consumption = row ? row->consumption : 0;
              const milli demand = row ? row->peak_demand : 0;
              const money bucket_cost =
                  tariff_costs ? (*tariff_costs)[index].cost : (row ? row->cost : money{});
              const std::string& bucket_basis =
                  tariff_costs ? (*tariff_costs)[index].basis : summary_basis;
              period_basis = period_basis.empty() || period_basis == bucket_basis
                                 ? bucket_basis
                                 : std::string("mixed");
              const std::int64_t count = row ? row->reading_count : 0;
              total += consumption;
              peak = std::max(peak, demand);
              cost += bucket_cost;
              readings += count;
              expected_total += expected;
              // Members in nlohmann's (sorted) key order: the answer is byte for byte what a
              // json object per bucket dumped to.
              bucket_writer item(list, index == 0);
              item.add("consumption", from_milli(consumption));
              item.add("consumption_exact", format_milli(consumption));
              if (kwh) {
                item.add("consumption_kwh", from_milli(consumption));
                item.add("consumption_kwh_exact", format_milli(consumption));
              }
              item.add("cost", bucket_cost.to_exact_string());
              item.add("cost_basis", bucket_basis);
              item.add("coverage", expected > 0 ? nlohmann::json(static_cast<double>(count) /
                                                                 static_cast<double>(expected))
                                                : nlohmann::json());
              item.add("end", format_utc(bk.period.end));
              item.add("expected_readings", expected);
              item.add("hours", static_cast<double>(bk.period.length().count()) / 3600.0);
              item.add("peak_kw", from_milli(demand));
              item.add("peak_kw_exact", format_milli(demand));
              item.add("quality", count == 0 ? (expected == 0 ? "no_sensors" : "missing")
                                             : (count >= expected ? "complete" : "partial"));
              item.add("reading_count", count);
              item.add("start", format_utc(bk.period.start));
              item.add("timestamp", format_local(bk.period.start, cal.zone()));
            }
            const auto pending = pending_hours(ctx, period);
            nlohmann::json body = {
                {"building_id", b.id.to_string()},
                {"time_zone", b.time_zone},
                {"resolution", to_string(res)},
                {"sensor_type", to_string(type)},
                {"unit", unit},
                {"period",
                 {{"start", format_utc(period.start)},
                  {"end", format_utc(period.end)},
                  {"start_local", format_local(period.start, cal.zone())},
                  {"end_local", format_local(period.end, cal.zone())}}},
                {"readings", nullptr},
                {"totals",
                 {{"consumption", from_milli(total)},
                  {"consumption_exact", format_milli(total)},
                  {"peak_kw", from_milli(peak)},
                  {"peak_kw_exact", format_milli(peak)},
                  {"cost", cost.to_exact_string()},
                  {"reading_count", readings},
                  {"expected_readings", expected_total}}},
                {"cost_basis", period_basis},
                {"cost_note", costs::cost_note(period_basis)},
                {"stale", pending ? nlohmann::json(*pending > 0) : nlohmann::json()},
                {"pending_aggregation_hours",
                 pending ? nlohmann::json(*pending) : nlohmann::json()}};
            list += ']';
            if (kwh) {
              body["totals"]["consumption_kwh"] = from_milli(total);
              body["totals"]["consumption_kwh_exact"] = format_milli(total);
            }
            return json_with_readings(body, list);
          },
      .operation = {
          {"operationId", "getBuildingEnergy"},
          {"tags", {"energy"}},
          {"summary", "Energy per local hour, day or month"},
          {"description",
           "Buckets are cut in the building's IANA time zone: a local day is 23, 24 or 25 hours "
           "(`hours`), each bucket gives its UTC start and end. start_date/end_date as dates "
           "are local calendar days and both are included; as RFC 3339 timestamps the range is "
           "[start, end), widened to whole buckets. Values come from the stored summaries: "
           "`stale` is true while readings in the period wait for the hourly aggregation "
           "(database-wide check, so it may also be true because of another building); null "
           "when unknown. `*_exact` fields are exact decimal strings; money is a decimal string. "
           "`cost_basis` says what priced each bucket: `tariff` (the energy charge of the "
           "building's tariff version in effect each local hour: time-of-use period, first "
           "tier; demand and fixed charges are in /bills), `flat_rate` (consumption times "
           "flat_rate_per_kwh), `mixed`, or `none` (nothing prices it; cost 0 means unknown)."},
          {"parameters",
           nlohmann::json::array(
               {query_param("start_date", "first local day (YYYY-MM-DD) or an RFC 3339 instant",
                            {{"type", "string"}}, true),
                query_param("end_date",
                            "last local day, included, or an RFC 3339 instant, excluded",
                            {{"type", "string"}}, true),
                query_param("resolution", "bucket size (default day)",
                            {{"type", "string"}, {"enum", enum_names_json<resolution>()}}),
                query_param(
                    "sensor_type", "which sensors to sum (default electricity)",
                    {{"type", "string"}, {"enum", {"electricity", "gas", "water", "thermal"}}})})},
          {"responses",
           {{"200", json_response("the series", ref("EnergySeries"))},
            {"400", problem_response("a parameter is missing or malformed")},
            {"404", problem_response("no such building for this tenant")},
            {"422", problem_response("end before start, or too many buckets")}}}}});
}

}  // namespace energy::server::api
