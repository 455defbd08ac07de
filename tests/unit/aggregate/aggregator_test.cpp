// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/aggregator.hpp>

#include <catch2/catch.hpp>
#include <date/tz.h>

#include "fixtures.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

using namespace energy;
using namespace energy::aggregate;
using energy::test::at;
using energy::test::portfolio;

namespace {

const summary_row* find_row(const std::vector<summary_row>& rows, summary_scope scope,
                            const uuid& id, utc_seconds start) {
  for (const auto& r : rows)
    if (r.scope == scope && r.subject_id == id && r.period.start == start) return &r;
  return nullptr;
}

std::vector<summary_row> of(const std::vector<summary_row>& rows, summary_scope scope,
                            const uuid& id, sensor_type type = sensor_type::electricity) {
  std::vector<summary_row> out;
  for (const auto& r : rows)
    if (r.scope == scope && r.subject_id == id && r.type == type) out.push_back(r);
  return out;
}

milli total(const std::vector<summary_row>& rows) {
  return std::accumulate(rows.begin(), rows.end(), milli{0},
                         [](milli a, const summary_row& r) { return a + r.consumption; });
}

/// Independent reference: date::zoned_time per reading, keyed by wall-clock labels.
struct reference {
  // (subject, local hour label, offset) -> energy, count ; (subject, local date) ; (subject, y/m)
  std::map<std::tuple<uuid, std::int64_t, std::int64_t>, std::pair<milli, std::int64_t>> hours;
  std::map<std::pair<uuid, std::int64_t>, std::pair<milli, std::int64_t>> days;
  std::map<std::pair<uuid, std::int64_t>, std::pair<milli, std::int64_t>> months;

  void add(const uuid& subject, const time_zone& zone, epoch_seconds ts, milli v) {
    const auto zt = date::make_zoned(date::locate_zone(zone.name()), from_epoch(ts));
    const std::chrono::local_seconds local{zt.get_local_time().time_since_epoch()};
    const auto offset = zt.get_info().offset.count();
    const auto hour = std::chrono::floor<std::chrono::hours>(local).time_since_epoch().count();
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd{day};
    const std::int64_t month =
        static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month()));
    auto bump = [v](auto& cell) {
      cell.first += v;
      ++cell.second;
    };
    bump(hours[{subject, hour, offset}]);
    bump(days[{subject, day.time_since_epoch().count()}]);
    bump(months[{subject, month}]);
  }
};

/// Checks aggregator output against the reference for one subject scope.
void check_against_reference(const aggregation_result& r, const reference& ref) {
  std::size_t hours = 0, days = 0, months = 0;
  for (const summary_row& h : r.hourly) {
    const auto offset =
        (h.local_start.time_since_epoch() - h.period.start.time_since_epoch()).count();
    const auto label =
        std::chrono::floor<std::chrono::hours>(h.local_start).time_since_epoch().count();
    const auto it = ref.hours.find({h.subject_id, label, offset});
    REQUIRE(it != ref.hours.end());
    CHECK(it->second.first == h.consumption);
    CHECK(it->second.second == h.reading_count);
    ++hours;
  }
  for (const summary_row& d : r.daily) {
    const auto it = ref.days.find(
        {d.subject_id,
         std::chrono::floor<std::chrono::days>(d.local_start).time_since_epoch().count()});
    REQUIRE(it != ref.days.end());
    CHECK(it->second.first == d.consumption);
    CHECK(it->second.second == d.reading_count);
    ++days;
  }
  for (const summary_row& m : r.monthly) {
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(m.local_start)};
    const std::int64_t month =
        static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month()));
    const auto it = ref.months.find({m.subject_id, month});
    REQUIRE(it != ref.months.end());
    CHECK(it->second.first == m.consumption);
    ++months;
  }
  CHECK(hours == ref.hours.size());
  CHECK(days == ref.days.size());
  CHECK(months == ref.months.size());
}

/// Each row's sensor as its position in the portfolio's sensors (the column path's input).
std::vector<std::uint32_t> positions_of(const portfolio& p, const reading_rows& rows) {
  std::vector<std::uint32_t> position(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    position[i] = static_cast<std::uint32_t>(
        std::find_if(p.sensors.begin(), p.sensors.end(),
                     [&](const sensor& s) { return s.id == rows.sensor_id[i]; }) -
        p.sensors.begin());
  return position;
}

/// Five buildings in five zones (half-hour offsets, 30-minute DST, southern hemisphere), mixed
/// intervals.
portfolio mixed_portfolio() {
  portfolio p;
  for (const char* zone : {"America/New_York", "Europe/London", "Asia/Kolkata",
                           "Australia/Lord_Howe", "Australia/Adelaide"}) {
    auto& b = p.add_building(zone, money::parse("0.13553"));
    const building copy = b;
    p.add_sensor(copy, sensor_type::electricity, 900);
    p.add_sensor(copy, sensor_type::electricity, 300);
    p.add_sensor(copy, sensor_type::electricity, 3600);
    p.add_sensor(copy, sensor_type::gas, 3600);
    p.add_sensor(copy, sensor_type::temperature, 900);
  }
  return p;
}

}  // namespace

TEST_CASE("New York's spring-forward day sums 23 hourly buckets into the day and the month",
          "[aggregate][dst]") {
  portfolio p;
  const building b = p.add_building("America/New_York");
  const sensor s = p.add_sensor(b, sensor_type::electricity, 900);
  reading_rows rows;
  // Every quarter-hour of March 2024 local time, value = 1 Wh .. 4 Wh cycling.
  for (epoch_seconds t = to_epoch(at("2024-03-01T05:00:00Z"));
       t < to_epoch(at("2024-04-01T04:00:00Z")); t += 900)
    rows.push_back(s.id, t, 1 + (t / 900) % 4);
  aggregator agg(p.buildings, p.sensors);
  agg.add(rows);
  const auto r = agg.finish();
  const auto day_hours = [&](const char* day_start, const char* day_end) {
    std::size_t n = 0;
    for (const auto& h : of(r.hourly, summary_scope::building, b.id))
      if (h.period.start >= at(day_start) && h.period.start < at(day_end)) ++n;
    return n;
  };
  CHECK(day_hours("2024-03-10T05:00:00Z", "2024-03-11T04:00:00Z") == 23);
  CHECK(day_hours("2024-03-11T04:00:00Z", "2024-03-12T04:00:00Z") == 24);
  const auto days = of(r.daily, summary_scope::building, b.id);
  REQUIRE(days.size() == 31);
  CHECK(days[9].period.length() == std::chrono::hours{23});
  CHECK(days[9].reading_count == 23 * 4);
  const auto months = of(r.monthly, summary_scope::building, b.id);
  REQUIRE(months.size() == 1);
  const milli raw = std::accumulate(rows.value.begin(), rows.value.end(), milli{0});
  CHECK(months[0].consumption == raw);
  CHECK(total(days) == raw);
  CHECK(total(of(r.hourly, summary_scope::building, b.id)) == raw);
  CHECK(months[0].reading_count == static_cast<std::int64_t>(rows.size()));
}

TEST_CASE("the repeated fall-back hour is two buckets with their own readings",
          "[aggregate][dst]") {
  portfolio p;
  const building b = p.add_building("America/New_York");
  const sensor s = p.add_sensor(b, sensor_type::electricity, 900);
  reading_rows rows;
  rows.push_back(s.id, to_epoch(at("2024-11-03T05:15:00Z")), 100);  // 01:15 EDT
  rows.push_back(s.id, to_epoch(at("2024-11-03T06:15:00Z")), 7);    // 01:15 EST
  aggregator agg(p.buildings, p.sensors);
  agg.add(rows);
  const auto r = agg.finish();
  const auto hours = of(r.hourly, summary_scope::sensor, s.id);
  REQUIRE(hours.size() == 2);
  CHECK(hours[0].consumption == 100);
  CHECK(hours[1].consumption == 7);
  CHECK(hours[0].local_start == hours[1].local_start);
  CHECK(hours[0].period.start != hours[1].period.start);
  const auto days = of(r.daily, summary_scope::sensor, s.id);
  REQUIRE(days.size() == 1);
  CHECK(days[0].consumption == 107);
  CHECK(days[0].period.length() == std::chrono::hours{25});
}

TEST_CASE("a reading counts whole in the local hour containing its start",
          "[aggregate][boundary]") {
  // An hourly meter on UTC hours in Kolkata: 10:00Z..11:00Z is 15:30..16:30 IST and lands in 15:00.
  portfolio p;
  const building b = p.add_building("Asia/Kolkata");
  const sensor s = p.add_sensor(b, sensor_type::electricity, 3600);
  aggregator agg(p.buildings, p.sensors);
  agg.add(s.id, to_epoch(at("2024-05-01T10:00:00Z")), 1000);
  const auto hours = agg.hourly();
  REQUIRE(hours.size() == 2);  // sensor and building scope
  for (const auto& h : hours) {
    CHECK(h.period.start == at("2024-05-01T09:30:00Z"));
    CHECK(h.consumption == 1000);
  }
}

TEST_CASE("peak demand is the highest 15-minute average rate from any interval length",
          "[aggregate][peak]") {
  portfolio p;
  const building b = p.add_building("America/Chicago");
  const sensor five = p.add_sensor(b, sensor_type::electricity, 300);
  const sensor quarter = p.add_sensor(b, sensor_type::electricity, 900);
  const sensor hourly = p.add_sensor(b, sensor_type::electricity, 3600);
  const epoch_seconds h = to_epoch(at("2024-07-01T17:00:00Z"));
  aggregator agg(p.buildings, p.sensors);
  // 5-minute: quarter 0 = 10+20+30 Wh = 60 Wh -> 240 W; quarter 2 = 50+50+50 = 150 Wh -> 600 W.
  for (int i = 0; i < 3; ++i)
    agg.add(five.id, h + 300 * i, 10 * (i + 1));
  for (int i = 0; i < 3; ++i)
    agg.add(five.id, h + 1800 + 300 * i, 50);
  // 15-minute: 100 Wh in quarter 1 -> 400 W, 25 Wh in quarter 3 -> 100 W.
  agg.add(quarter.id, h + 900, 100);
  agg.add(quarter.id, h + 2700, 25);
  // hourly: 1200 Wh -> 1200 W average in every quarter.
  agg.add(hourly.id, h, 1200);
  const auto r = agg.finish();
  CHECK(find_row(r.hourly, summary_scope::sensor, five.id, from_epoch(h))->peak_demand == 600);
  CHECK(find_row(r.hourly, summary_scope::sensor, quarter.id, from_epoch(h))->peak_demand == 400);
  CHECK(find_row(r.hourly, summary_scope::sensor, hourly.id, from_epoch(h))->peak_demand == 1200);
  // Building: quarters 240+0+1200, 0+400+1200, 600+0+1200, 0+100+1200 -> 1800 W, not 600+400+1200 =
  // 2200.
  const auto* bh = find_row(r.hourly, summary_scope::building, b.id, from_epoch(h));
  REQUIRE(bh);
  CHECK(bh->peak_demand == 1800);
  CHECK(bh->consumption == 60 + 150 + 125 + 1200);
  // A two-hour interval: 3 Wh over 7200 s is 1.5 W, rounded half away from zero to 2 W; the 128-bit
  // product keeps the largest accepted value (9e15 milli) exact.
  test::portfolio q;
  const building qb = q.add_building("UTC");
  const sensor two_hours = q.add_sensor(qb, sensor_type::electricity, 7200);
  aggregator coarse(q.buildings, q.sensors);
  coarse.add(two_hours.id, h, 3);
  coarse.add(two_hours.id, h + 7200, 9'000'000'000'000'000);
  const auto rc = coarse.finish();
  CHECK(find_row(rc.hourly, summary_scope::sensor, two_hours.id, from_epoch(h))->peak_demand == 2);
  CHECK(
      find_row(rc.hourly, summary_scope::sensor, two_hours.id, from_epoch(h + 7200))->peak_demand ==
      4'500'000'000'000'000);
  // Days and months take the highest hour.
  agg.add(quarter.id, h + 7200, 1000);  // 4000 W two hours later
  const auto r2 = agg.finish();
  CHECK(of(r2.daily, summary_scope::sensor, quarter.id)[0].peak_demand == 4000);
  CHECK(of(r2.daily, summary_scope::building, b.id)[0].peak_demand == 4000);  // max(1800, 4000)
}

TEST_CASE("building scope adds sensors of one type and leaves temperature out",
          "[aggregate][scope]") {
  portfolio p;
  const building b = p.add_building("Europe/London");
  const sensor e1 = p.add_sensor(b, sensor_type::electricity, 900);
  const sensor e2 = p.add_sensor(b, sensor_type::electricity, 900);
  const sensor gas = p.add_sensor(b, sensor_type::gas, 900);
  const sensor temp = p.add_sensor(b, sensor_type::temperature, 900);
  const epoch_seconds t = to_epoch(at("2024-01-15T10:00:00Z"));
  aggregator agg(p.buildings, p.sensors);
  agg.add(e1.id, t, 500);
  agg.add(e2.id, t, 250);
  agg.add(gas.id, t, 40);
  agg.add(temp.id, t, 21'500);
  CHECK(agg.added() == 3);
  CHECK(agg.skipped() == 1);
  const auto r = agg.finish();
  const auto elec = of(r.daily, summary_scope::building, b.id, sensor_type::electricity);
  const auto g = of(r.daily, summary_scope::building, b.id, sensor_type::gas);
  REQUIRE(elec.size() == 1);
  REQUIRE(g.size() == 1);
  CHECK(elec[0].consumption == 750);
  CHECK(g[0].consumption == 40);
  CHECK(of(r.hourly, summary_scope::sensor, temp.id, sensor_type::temperature).empty());
  CHECK(of(r.hourly, summary_scope::building, b.id, sensor_type::temperature).empty());
}

TEST_CASE("flat-rate cost prices each hour exactly and days sum the hours", "[aggregate][cost]") {
  portfolio p;
  const building b = p.add_building("America/New_York", money::parse("0.13553"));
  const sensor s = p.add_sensor(b, sensor_type::electricity, 3600);
  const sensor gas = p.add_sensor(b, sensor_type::gas, 3600);
  aggregator agg(p.buildings, p.sensors);
  agg.add(s.id, to_epoch(at("2024-07-01T12:00:00Z")), 1'234'567);  // 1234.567 kWh
  agg.add(s.id, to_epoch(at("2024-07-01T13:00:00Z")), 1);          // 1 Wh
  agg.add(gas.id, to_epoch(at("2024-07-01T13:00:00Z")), 5000);
  const auto r = agg.finish();
  const auto hours = of(r.hourly, summary_scope::sensor, s.id);
  REQUIRE(hours.size() == 2);
  CHECK(hours[0].cost.micros() == 167'320'866);  // 0.13553 × 1234.567 = 167.32086551 $
  CHECK(hours[1].cost.micros() == 136);          // 0.00013553 $ -> 136 µ$
  CHECK(of(r.daily, summary_scope::building, b.id)[0].cost.micros() == 167'321'002);
  CHECK(of(r.daily, summary_scope::building, b.id, sensor_type::gas)[0].cost.micros() == 0);

  struct night_double final : cost_model {  // a custom hook sees each hour bucket
    money cost(const building&, sensor_type, time_range hour, milli q) const override {
      const auto h = (to_epoch(hour.start) / 3600) % 24;
      return money::from_micros(q * (h < 13 ? 2 : 1));
    }
    std::string identity() const override { return "night_double"; }
  } custom;
  aggregator agg2(p.buildings, p.sensors, {true, true, &custom});
  agg2.add(s.id, to_epoch(at("2024-07-01T12:00:00Z")), 10);
  agg2.add(s.id, to_epoch(at("2024-07-01T13:00:00Z")), 10);
  CHECK(of(agg2.finish().daily, summary_scope::sensor, s.id)[0].cost.micros() == 30);
}

TEST_CASE("rows of a sensor that was not given are a caller error naming row and sensor",
          "[aggregate]") {
  portfolio p;
  const building b = p.add_building("UTC");
  p.add_sensor(b, sensor_type::electricity, 900);
  aggregator agg(p.buildings, p.sensors);
  reading_rows rows;
  rows.push_back(p.sensors[0].id, 0, 1);
  const uuid stranger = uuid::v7();
  rows.push_back(stranger, 0, 1);
  CHECK_THROWS_WITH(agg.add(rows),
                    Catch::Contains("row 1") && Catch::Contains(stranger.to_string()));
  sensor orphan;
  orphan.id = uuid::v7();
  orphan.building_id = uuid::v7();
  const std::vector<sensor> orphans{orphan};
  CHECK_THROWS_AS(aggregator(p.buildings, orphans), std::invalid_argument);
}

TEST_CASE("totals match an independent per-reading reference in every zone",
          "[aggregate][property]") {
  const auto seed = GENERATE(1u, 2u, 3u);
  CAPTURE(seed);
  const portfolio p = mixed_portfolio();
  // Two months around the northern autumn DST changes and the southern spring ones.
  const reading_rows rows =
      test::generate(p.sensors, at("2024-09-25T00:00:00Z"), at("2024-11-08T00:00:00Z"), seed);
  aggregator agg(p.buildings, p.sensors, {true, false, nullptr});
  agg.add(rows);
  const auto result = agg.finish();

  reference ref;
  std::map<uuid, const sensor*> by_id;
  for (const auto& s : p.sensors)
    by_id[s.id] = &s;
  std::map<uuid, const building*> bld;
  for (const auto& b : p.buildings)
    bld[b.id] = &b;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const sensor& s = *by_id[rows.sensor_id[i]];
    if (s.type == sensor_type::temperature) continue;
    ref.add(s.id, find_zone(bld[s.building_id]->time_zone), rows.ts[i], rows.value[i]);
  }
  check_against_reference(result, ref);
}

TEST_CASE("sum of hours equals the day and sum of days equals the month, exactly",
          "[aggregate][property]") {
  const auto seed = GENERATE(7u, 8u);
  const portfolio p = mixed_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-03-01T00:00:00Z"), at("2024-05-03T00:00:00Z"), seed,
                     9'000'000'000);  // 9 GWh per reading: sums far beyond double precision
  aggregator agg(p.buildings, p.sensors);
  agg.add(rows);
  const auto r = agg.finish();
  for (const auto& d : r.daily) {
    milli sum = 0;
    std::int64_t n = 0;
    money cost;
    milli peak = 0;
    for (const auto& h : r.hourly)
      if (h.scope == d.scope && h.subject_id == d.subject_id && h.type == d.type &&
          d.period.contains(h.period.start)) {
        sum += h.consumption;
        n += h.reading_count;
        cost += h.cost;
        peak = std::max(peak, h.peak_demand);
      }
    REQUIRE(sum == d.consumption);
    REQUIRE(n == d.reading_count);
    REQUIRE(cost == d.cost);
    REQUIRE(peak == d.peak_demand);
  }
  for (const auto& m : r.monthly) {
    milli sum = 0;
    for (const auto& d : r.daily)
      if (d.scope == m.scope && d.subject_id == m.subject_id && d.type == m.type &&
          m.period.contains(d.period.start))
        sum += d.consumption;
    REQUIRE(sum == m.consumption);
  }
  milli raw = 0;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (std::none_of(p.sensors.begin(), p.sensors.end(), [&](const sensor& s) {
          return s.id == rows.sensor_id[i] && s.type == sensor_type::temperature;
        }))
      raw += rows.value[i];
  milli months = 0;
  for (const auto& m : r.monthly)
    if (m.scope == summary_scope::building) months += m.consumption;
  CHECK(months == raw);
}

TEST_CASE("shuffled input and any chunking give the same summaries", "[aggregate][property]") {
  const auto seed = GENERATE(11u, 12u, 13u);
  CAPTURE(seed);
  const portfolio p = mixed_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-01T00:00:00Z"), at("2024-10-12T00:00:00Z"), seed);
  aggregator in_order(p.buildings, p.sensors);
  in_order.add(rows);
  const auto expected = in_order.finish();

  std::vector<std::size_t> idx(rows.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(idx.begin(), idx.end(), rng);
  const reading_rows shuffled = test::subset(rows, idx);

  aggregator one_pass(p.buildings, p.sensors);
  one_pass.add(shuffled);
  const auto got = one_pass.finish();
  CHECK(got.hourly == expected.hourly);
  CHECK(got.daily == expected.daily);
  CHECK(got.monthly == expected.monthly);

  aggregator chunked(p.buildings, p.sensors);
  std::uniform_int_distribution<std::size_t> cut(1, 5000);
  for (std::size_t i = 0; i < idx.size();) {
    const std::size_t n = std::min(cut(rng), idx.size() - i);
    chunked.add(test::subset(shuffled, [&] {
      std::vector<std::size_t> part(n);
      std::iota(part.begin(), part.end(), i);
      return part;
    }()));
    i += n;
  }
  const auto got2 = chunked.finish();
  CHECK(got2.hourly == expected.hourly);
  CHECK(got2.daily == expected.daily);
  CHECK(got2.monthly == expected.monthly);
}

TEST_CASE("rows given by sensor position aggregate exactly like rows given by id",
          "[aggregate][property]") {
  const portfolio p = mixed_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-01T00:00:00Z"), at("2024-10-12T00:00:00Z"), 21);
  aggregator by_id(p.buildings, p.sensors);
  by_id.add(rows);
  const std::vector<std::uint32_t> position = positions_of(p, rows);
  aggregator by_position(p.buildings, p.sensors);
  by_position.add(position, rows.ts, rows.value);
  const auto expected = by_id.finish();
  const auto got = by_position.finish();
  CHECK(got.hourly == expected.hourly);
  CHECK(got.daily == expected.daily);
  CHECK(got.monthly == expected.monthly);
  CHECK(by_position.added() == by_id.added());
  CHECK(by_position.skipped() == by_id.skipped());
}

TEST_CASE("a sensor position out of range is a caller error naming the row", "[aggregate]") {
  const portfolio p = mixed_portfolio();
  aggregator agg(p.buildings, p.sensors);
  const std::vector<std::uint32_t> position{0, static_cast<std::uint32_t>(p.sensors.size())};
  const std::vector<epoch_seconds> ts{1'727'740'800, 1'727'740'800};
  const std::vector<milli> value{1000, 1000};
  CHECK_THROWS_WITH(agg.add(position, ts, value),
                    Catch::Contains("row 1") && Catch::Contains("sensor position 25"));
  CHECK(agg.added() == 1);  // the row before it landed
  const std::vector<milli> short_value{1000};
  CHECK_THROWS_WITH(agg.add(position, ts, short_value), Catch::Contains("lengths differ"));
}

TEST_CASE("a group's sensors revisit slot rows another sensor stepped past, each row in its slot",
          "[aggregate]") {
  portfolio p;
  const building b = p.add_building("Europe/London");
  p.add_sensor(b, sensor_type::electricity, 900);  // s0, position 0
  p.add_sensor(b, sensor_type::electricity, 900);  // s1, position 1: the same group
  const epoch_seconds t = to_epoch(at("2024-10-01T12:00:00Z"));
  // s0 walks four quarter-hours; s1 then comes back to the second and third, behind the
  // group's cursor, a correction of s0's second lands over its first value, and s1 ends at the
  // first.
  const std::vector<std::uint32_t> position{0, 0, 0, 0, 1, 1, 0, 1};
  const std::vector<epoch_seconds> ts{t,       t + 900,  t + 1800, t + 2700,
                                      t + 900, t + 1800, t + 900,  t};
  const std::vector<milli> value{1000, 2000, 3000, 4000, 10'000, 20'000, 5000, 30'000};
  aggregator columns(p.buildings, p.sensors);
  columns.add(position, ts, value);
  // The same rows one call each: no writer state carries from one row to the next.
  aggregator one_by_one(p.buildings, p.sensors);
  for (std::size_t i = 0; i < position.size(); ++i)
    one_by_one.add(p.sensors[position[i]].id, ts[i], value[i]);
  const auto got = columns.finish();
  const auto expected = one_by_one.finish();
  CHECK(got.hourly == expected.hourly);
  CHECK(got.daily == expected.daily);
  CHECK(columns.superseded() == 1);
  const auto hour = of(got.hourly, summary_scope::building, b.id);
  REQUIRE(hour.size() == 1);
  CHECK(hour[0].consumption == 1000 + 5000 + 3000 + 4000 + 10'000 + 20'000 + 30'000);
  CHECK(hour[0].reading_count == 7);
  // Peak: the first quarter-hour, s0 1 Wh + s1 30 Wh in 15 minutes = 124 W.
  CHECK(hour[0].peak_demand == 124'000);
}

TEST_CASE("no row after an out-of-range sensor position lands, even one for the same slot row",
          "[aggregate]") {
  portfolio p;
  const building b = p.add_building("America/New_York");
  for (int i = 0; i < 3; ++i)
    p.add_sensor(b, sensor_type::electricity, 900);  // one sensor group: one slot row per ts
  p.add_sensor(b, sensor_type::temperature, 900);    // not summed: skipped
  aggregator agg(p.buildings, p.sensors);
  const epoch_seconds t = to_epoch(at("2024-10-01T12:00:00Z"));
  // Row 3 goes to the slot row that rows 0 and 1 wrote, and row 5 is a skipped sensor: neither
  // may land or count once row 2 has stopped the call.
  const std::vector<std::uint32_t> position{0, 1, 99, 0, 2, 3};
  const std::vector<epoch_seconds> ts(position.size(), t);
  const std::vector<milli> value{1000, 2000, 5, 7000, 3000, 20};
  CHECK_THROWS_WITH(agg.add(position, ts, value),
                    Catch::Contains("row 2") && Catch::Contains("sensor position 99"));
  CHECK(agg.added() == 2);
  CHECK(agg.skipped() == 0);
  CHECK(agg.superseded() == 0);
  const auto before = of(agg.finish().hourly, summary_scope::building, b.id);
  REQUIRE(before.size() == 1);
  CHECK(before[0].consumption == 3000);
  // The next call starts afresh.
  agg.add(std::vector<std::uint32_t>{2, 3}, std::vector<epoch_seconds>{t, t},
          std::vector<milli>{3000, 20});
  CHECK(agg.added() == 3);
  CHECK(agg.skipped() == 1);
  const auto after = of(agg.finish().hourly, summary_scope::building, b.id);
  REQUIRE(after.size() == 1);
  CHECK(after[0].consumption == 6000);
}

TEST_CASE("aggregators fed disjoint parts and merged equal one fed everything",
          "[aggregate][property]") {
  const auto seed = GENERATE(31u, 32u);
  CAPTURE(seed);
  const portfolio p = mixed_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-20T00:00:00Z"), at("2024-11-08T00:00:00Z"), seed);
  aggregator whole(p.buildings, p.sensors);
  whole.add(rows);
  const auto expected = whole.finish();

  // Random parts (not contiguous: a bucket's readings land in several parts).
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(0, 2);
  std::array<std::vector<std::size_t>, 3> idx;
  for (std::size_t i = 0; i < rows.size(); ++i)
    idx[static_cast<std::size_t>(pick(rng))].push_back(i);
  std::vector<aggregator> parts;
  for (const auto& part : idx) {
    parts.emplace_back(p.buildings, p.sensors);
    parts.back().add(test::subset(rows, part));
  }
  parts[0].merge(parts[1]);
  parts[0].merge(parts[2]);
  const auto got = parts[0].finish();
  CHECK(got.hourly == expected.hourly);
  CHECK(got.daily == expected.daily);
  CHECK(got.monthly == expected.monthly);
  CHECK(parts[0].added() == whole.added());
  CHECK(parts[0].skipped() == whole.skipped());
}

TEST_CASE("merging aggregators built from different metadata is refused", "[aggregate]") {
  const portfolio p = mixed_portfolio();
  aggregator a(p.buildings, p.sensors);
  portfolio fewer = p;
  fewer.sensors.pop_back();
  aggregator b(fewer.buildings, fewer.sensors);
  CHECK_THROWS_WITH(a.merge(b), Catch::Contains("different buildings, sensors or options"));
  aggregator c(p.buildings, p.sensors, {.sensor_scope = false});
  CHECK_THROWS_AS(a.merge(c), std::invalid_argument);
  CHECK_THROWS_AS(a.merge(a), std::invalid_argument);
}

TEST_CASE("aggregator memory grows with buckets and distinct readings, not with re-sent rows",
          "[aggregate][memory]") {
  portfolio p;
  const building b = p.add_building("America/New_York");
  for (int i = 0; i < 50; ++i)
    p.add_sensor(b, sensor_type::electricity, 60);
  const reading_rows rows =
      test::generate(p.sensors, at("2024-06-01T00:00:00Z"), at("2024-06-03T00:00:00Z"), 5);
  aggregator agg(p.buildings, p.sensors, {false, true, nullptr});
  agg.add(rows);
  const auto once = agg.finish();
  const std::size_t after_once = agg.memory_bytes();
  for (int repeat = 0; repeat < 9; ++repeat)
    agg.add(rows);  // the same rows re-sent 9 times: same slots, same buckets
  CHECK(agg.bucket_count() == 48);
  CHECK(agg.memory_bytes() == after_once);
  CHECK(agg.added() == 10 * static_cast<std::int64_t>(rows.size()));
  CHECK(agg.superseded() == 9 * static_cast<std::int64_t>(rows.size()));
  CHECK(agg.finish().daily == once.daily);
  // The grid holds 4 bytes per cell; with a group of 2 sensors in 8 lanes and the arena's
  // doubling blocks, under 10 bytes per distinct reading (half the 20-byte columns).
  CHECK(agg.memory_bytes() < rows.size() * 10);
}

namespace {

/// A raw feed made from distinct `truth` rows: stale values sent earlier (later corrected) and
/// exact re-sends, interleaved at random, with each (sensor, ts) ending on its true value.
reading_rows raw_feed(const reading_rows& truth, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<milli> wrong(0, 9'000);
  // (order key, row): a row's versions get increasing order keys so the true one is last.
  struct version {
    double order;
    std::size_t row;
    milli value;
  };
  std::vector<version> versions;
  std::uniform_real_distribution<double> when(0.0, 1.0);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    std::vector<double> times{when(rng)};
    const int extra = percent(rng) < 30 ? 1 + percent(rng) % 3 : 0;  // 30 % of rows repeat
    for (int k = 0; k < extra; ++k)
      times.push_back(when(rng));
    std::sort(times.begin(), times.end());
    for (std::size_t k = 0; k < times.size(); ++k) {
      const bool last = k + 1 == times.size();
      // Earlier versions: half corrections (another value), half exact re-sends.
      const milli v = last || percent(rng) < 50 ? truth.value[i] : wrong(rng);
      versions.push_back({times[k], i, v});
    }
  }
  std::sort(versions.begin(), versions.end(),
            [](const version& a, const version& b) { return a.order < b.order; });
  reading_rows raw;
  for (const version& v : versions)
    raw.push_back(truth.sensor_id[v.row], truth.ts[v.row], v.value);
  return raw;
}

/// Last write wins, the slow obvious way: a map from (sensor, ts) to the last value.
reading_rows deduplicate(const reading_rows& raw) {
  std::map<std::pair<uuid, epoch_seconds>, milli> last;
  for (std::size_t i = 0; i < raw.size(); ++i)
    last[{raw.sensor_id[i], raw.ts[i]}] = raw.value[i];
  reading_rows out;
  for (const auto& [key, value] : last)
    out.push_back(key.first, key.second, value);
  return out;
}

/// `rows` in `k` consecutive parts, each added to an aggregator of its own.
std::vector<aggregator> consecutive_parts(const portfolio& p, const reading_rows& rows,
                                          std::size_t k, aggregator_options options = {}) {
  std::vector<aggregator> parts;
  for (std::size_t w = 0; w < k; ++w) {
    std::vector<std::size_t> part;
    for (std::size_t i = rows.size() * w / k; i < rows.size() * (w + 1) / k; ++i)
      part.push_back(i);
    parts.emplace_back(p.buildings, p.sensors, options);
    parts.back().add(test::subset(rows, part));
  }
  return parts;
}

/// `rows` ordered by ts, the rows of one ts in their given order (time-major, as exports come).
reading_rows time_major(const reading_rows& rows) {
  std::vector<std::size_t> idx(rows.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return rows.ts[a] < rows.ts[b]; });
  return test::subset(rows, idx);
}

void check_same(const aggregation_result& got, const aggregation_result& expected) {
  CHECK(got.hourly == expected.hourly);
  CHECK(got.daily == expected.daily);
  CHECK(got.monthly == expected.monthly);
}

}  // namespace

TEST_CASE("raw rows with re-sent and corrected duplicates aggregate like their last writes",
          "[aggregate][property][dedup]") {
  const auto seed = GENERATE(41u, 42u, 43u);
  CAPTURE(seed);
  portfolio p = mixed_portfolio();
  // Daily register reads (folded reading by reading) and a meter off its interval grid.
  const building first = p.buildings.front();
  p.add_sensor(first, sensor_type::electricity, 86'400);
  const building second = p.buildings[2];  // Kolkata
  const sensor off = p.add_sensor(second, sensor_type::electricity, 900);
  reading_rows truth =
      test::generate(p.sensors, at("2024-10-20T00:00:00Z"), at("2024-11-08T00:00:00Z"), seed);
  for (std::size_t i = 0; i < truth.size(); ++i)
    if (truth.sensor_id[i] == off.id && i % 3 == 0) truth.ts[i] += 7;  // :00:07, :15:07 ...
  const reading_rows raw = raw_feed(truth, seed);
  const reading_rows distinct = deduplicate(raw);
  REQUIRE(raw.size() > distinct.size());
  REQUIRE(distinct.size() == truth.size());

  aggregator reference(p.buildings, p.sensors);
  reference.add(distinct);
  const auto expected = reference.finish();
  CHECK(reference.superseded() == 0);

  SECTION("in one call") {
    aggregator agg(p.buildings, p.sensors);
    agg.add(raw);
    check_same(agg.finish(), expected);
    // Temperature rows are skipped, duplicates or not; every other repeat is superseded.
    CHECK(agg.added() + agg.skipped() == static_cast<std::int64_t>(raw.size()));
    CHECK(agg.added() - agg.superseded() == reference.added());
    CHECK(agg.superseded() > 0);
  }
  SECTION("in random chunks, one value at a time too") {
    aggregator agg(p.buildings, p.sensors);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> cut(1, 3000);
    for (std::size_t i = 0; i < raw.size();) {
      const std::size_t n = std::min(cut(rng), raw.size() - i);
      if (n < 10) {
        for (std::size_t k = i; k < i + n; ++k)
          agg.add(raw.sensor_id[k], raw.ts[k], raw.value[k]);
      } else {
        std::vector<std::size_t> part(n);
        std::iota(part.begin(), part.end(), i);
        agg.add(test::subset(raw, part));
      }
      i += n;
    }
    check_same(agg.finish(), expected);
  }
  SECTION("by sensor position") {
    aggregator agg(p.buildings, p.sensors);
    agg.add(positions_of(p, raw), raw.ts, raw.value);
    check_same(agg.finish(), expected);
  }
  SECTION("in consecutive parts merged in order") {
    std::vector<aggregator> parts = consecutive_parts(p, raw, 3);
    parts[0].merge(parts[1]);
    parts[0].merge(parts[2]);
    check_same(parts[0].finish(), expected);
    CHECK(parts[0].added() - parts[0].superseded() == reference.added());
  }
  SECTION("in consecutive parts whose grids are moved into the first (merge of an rvalue)") {
    std::vector<aggregator> parts;
    const std::size_t k = 3;
    for (std::size_t w = 0; w < k; ++w) {
      std::vector<std::size_t> part;
      for (std::size_t i = raw.size() * w / k; i < raw.size() * (w + 1) / k; ++i)
        part.push_back(i);
      parts.emplace_back(p.buildings, p.sensors);
      parts.back().add(positions_of(p, test::subset(raw, part)), test::subset(raw, part).ts,
                       test::subset(raw, part).value);
    }
    parts[0].merge(std::move(parts[1]));
    parts[0].merge(std::move(parts[2]));
    check_same(parts[0].finish(), expected);
    CHECK(parts[0].added() - parts[0].superseded() == reference.added());
    // A part whose grid was taken is empty but still usable.
    CHECK(parts[1].added() == 0);
    CHECK(parts[1].finish().hourly.empty());
  }
  SECTION("one sensor's series at a time (sensor-major order), batch order kept per sensor") {
    std::vector<std::size_t> idx(raw.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    const auto position = positions_of(p, raw);
    std::stable_sort(idx.begin(), idx.end(),
                     [&](std::size_t a, std::size_t b) { return position[a] < position[b]; });
    aggregator agg(p.buildings, p.sensors);
    agg.add(test::subset(raw, idx));
    check_same(agg.finish(), expected);
  }
  SECTION("one sensor's series at a time in time order, by sensor position") {
    // Each series walks its tiles slot row by slot row, across tile ends, and the group's next
    // sensor starts over at the range's start.
    std::vector<std::size_t> idx(raw.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    const auto position = positions_of(p, raw);
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(position[a], raw.ts[a]) < std::tie(position[b], raw.ts[b]);
    });
    const reading_rows ordered = test::subset(raw, idx);
    aggregator agg(p.buildings, p.sensors);
    agg.add(positions_of(p, ordered), ordered.ts, ordered.value);
    check_same(agg.finish(), expected);
    CHECK(agg.added() - agg.superseded() == reference.added());
  }
  SECTION("hourly summaries read between adds do not change the result") {
    aggregator agg(p.buildings, p.sensors);
    const std::size_t half = raw.size() / 2;
    std::vector<std::size_t> a(half), b(raw.size() - half);
    std::iota(a.begin(), a.end(), std::size_t{0});
    std::iota(b.begin(), b.end(), half);
    agg.add(test::subset(raw, a));
    (void)agg.hourly();
    agg.add(test::subset(raw, b));
    check_same(agg.finish(), expected);
  }
}

TEST_CASE(
    "a later row for the same sensor and timestamp replaces the earlier one's energy, "
    "count and peak",
    "[aggregate][dedup]") {
  portfolio p;
  const building b = p.add_building("America/New_York");
  const sensor s = p.add_sensor(b, sensor_type::electricity, 900);
  aggregator agg(p.buildings, p.sensors);
  const epoch_seconds t = to_epoch(at("2024-03-10T06:15:00Z"));
  agg.add(s.id, t, 900'000);      // a spike, corrected below
  agg.add(s.id, t + 900, 1'000);  // the next quarter
  agg.add(s.id, t, 2'000);        // the correction
  agg.add(s.id, t + 7, 500);      // off the 15-minute grid: a reading of its own
  agg.add(s.id, t + 7, 400);      // ...corrected
  const auto hours = agg.hourly();
  const auto* row = find_row(hours, summary_scope::building, b.id, at("2024-03-10T06:00:00Z"));
  REQUIRE(row != nullptr);
  CHECK(row->consumption == 2'000 + 1'000 + 400);
  CHECK(row->reading_count == 3);
  CHECK(row->peak_demand == (2'000 + 400) * 4);
  CHECK(agg.superseded() == 2);
}

TEST_CASE("the fold on two threads gives the one-thread result", "[aggregate][property][threads]") {
  // Enough tiles (8 buildings × 16 one-minute sensors × 7 days: about 2,500) for the second
  // fold thread to start; sensor scope too, so both fold paths run on both threads.
  portfolio p;
  for (const char* zone :
       {"America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe",
        "America/Chicago", "Europe/Berlin", "Australia/Adelaide", "UTC"}) {
    const building b = p.add_building(zone, money::parse("0.21"));
    for (int s = 0; s < 16; ++s)
      p.add_sensor(b, s % 5 == 0 ? sensor_type::gas : sensor_type::electricity, 60);
  }
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-24T00:00:00Z"), at("2024-10-31T00:00:00Z"), 7);
  aggregator one(p.buildings, p.sensors, {.sensor_scope = true, .building_scope = true});
  aggregator two(p.buildings, p.sensors,
                 {.sensor_scope = true, .building_scope = true, .threads = 2});
  one.add(rows);
  two.add(rows);
  check_same(two.finish(), one.finish());
  CHECK(two.bucket_count() == one.bucket_count());
}

TEST_CASE("reserve is a hint: the result and the per-call path do not depend on it",
          "[aggregate][property]") {
  // About 2,500 tiles, more than one 2 MiB block holds: the hint comes after the first rows, so
  // the arena switches to 2 MiB blocks while a small block is partly filled.
  portfolio p;
  p.add_metered_buildings({"America/New_York", "Europe/London", "Asia/Kolkata", "UTC"}, 32, 60);
  const reading_rows rows = time_major(
      test::generate(p.sensors, at("2024-10-24T00:00:00Z"), at("2024-10-31T00:00:00Z"), 9));
  const std::vector<std::uint32_t> positions = positions_of(p, rows);
  aggregator plain(p.buildings, p.sensors);
  plain.add(positions, rows.ts, rows.value);
  aggregator hinted(p.buildings, p.sensors);
  const std::size_t first = 5'000;
  hinted.add(std::span(positions).first(first), std::span(rows.ts).first(first),
             std::span(rows.value).first(first));
  hinted.reserve(rows.size() - first);
  for (std::size_t from = first; from < rows.size(); from += 8'192) {
    const std::size_t k = std::min<std::size_t>(8'192, rows.size() - from);
    hinted.add(std::span(positions).subspan(from, k), std::span(rows.ts).subspan(from, k),
               std::span(rows.value).subspan(from, k));
  }
  check_same(hinted.finish(), plain.finish());
  CHECK(hinted.added() == plain.added());
}

TEST_CASE("2 MiB blocks reused from an earlier aggregation start empty", "[aggregate][property]") {
  // The process keeps released 2 MiB tile blocks for the next aggregation; their old cells must
  // not show through. The first aggregation fills the blocks with every reading; the second,
  // given the same hint, takes those blocks and gets only every third reading (each with another
  // value): its totals must be those of its own readings, counted directly.
  portfolio p;
  p.add_metered_buildings({"America/Chicago", "Australia/Lord_Howe"}, 40, 60);
  const reading_rows rows = time_major(
      test::generate(p.sensors, at("2024-03-28T00:00:00Z"), at("2024-04-04T00:00:00Z"), 5));
  const std::vector<std::uint32_t> positions = positions_of(p, rows);
  {
    aggregator first(p.buildings, p.sensors);
    first.reserve(rows.size());
    first.add(positions, rows.ts, rows.value);
    CHECK(first.finish().daily.size() > 0);
  }  // its blocks go back to the process's cache here
  std::vector<std::uint32_t> some_positions;
  std::vector<epoch_seconds> some_ts;
  std::vector<milli> some_values;
  milli total = 0;
  for (std::size_t i = 0; i < rows.size(); i += 3) {
    some_positions.push_back(positions[i]);
    some_ts.push_back(rows.ts[i]);
    some_values.push_back(rows.value[i] + 7);
    total += rows.value[i] + 7;
  }
  aggregator second(p.buildings, p.sensors);
  second.reserve(rows.size());
  second.add(some_positions, some_ts, some_values);
  const auto result = second.finish();
  milli daily_total = 0;
  std::int64_t counted = 0;
  for (const summary_row& d : result.daily) {
    if (d.scope != summary_scope::building) continue;
    daily_total += d.consumption;
    counted += d.reading_count;
  }
  CHECK(daily_total == total);
  CHECK(counted == static_cast<std::int64_t>(some_values.size()));
  CHECK(second.added() == static_cast<std::int64_t>(some_values.size()));
}

namespace {

/// Building-scope peaks the slow obvious way: 4 × the building's (and type's) sum of each UTC
/// quarter-hour, the maximum over the quarter-hours of an hour summary's period.
struct peak_reference {
  std::map<std::tuple<uuid, sensor_type, epoch_seconds>, milli> quarter_sum;

  peak_reference(const portfolio& p, const reading_rows& distinct) {
    std::map<uuid, const sensor*> by_id;
    for (const auto& s : p.sensors)
      by_id[s.id] = &s;
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      const sensor& s = *by_id[distinct.sensor_id[i]];
      const epoch_seconds q = distinct.ts[i] - ((distinct.ts[i] % 900) + 900) % 900;
      quarter_sum[{s.building_id, s.type, q}] += distinct.value[i];
    }
  }
  [[nodiscard]] milli peak(const summary_row& r) const {
    milli best = std::numeric_limits<milli>::min();
    for (epoch_seconds q = to_epoch(r.period.start); q < to_epoch(r.period.end); q += 900)
      if (const auto it = quarter_sum.find({r.subject_id, r.type, q}); it != quarter_sum.end())
        best = std::max(best, it->second * 4);
    return best;
  }
};

/// Checks building-scope summaries of `got` (energy, counts, and peaks when `peaks`) against
/// references built from the distinct readings, one reference per sensor type.
void check_building_scope(const portfolio& p, const reading_rows& distinct,
                          const aggregation_result& got, bool peaks) {
  std::map<uuid, const sensor*> by_id;
  for (const auto& s : p.sensors)
    by_id[s.id] = &s;
  std::map<uuid, const building*> bld;
  for (const auto& b : p.buildings)
    bld[b.id] = &b;
  for (const sensor_type type : {sensor_type::electricity, sensor_type::gas}) {
    CAPTURE(to_string(type));
    reference ref;
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      const sensor& s = *by_id[distinct.sensor_id[i]];
      if (s.type != type) continue;
      ref.add(s.building_id, find_zone(bld[s.building_id]->time_zone), distinct.ts[i],
              distinct.value[i]);
    }
    aggregation_result of_type;
    for (const auto* part : {&got.hourly, &got.daily, &got.monthly})
      for (const summary_row& r : *part) {
        REQUIRE(r.scope == summary_scope::building);
        if (r.type != type) continue;
        (part == &got.hourly  ? of_type.hourly
         : part == &got.daily ? of_type.daily
                              : of_type.monthly)
            .push_back(r);
      }
    check_against_reference(of_type, ref);
  }
  if (!peaks) return;
  const peak_reference peak(p, distinct);
  for (const summary_row& r : got.hourly) {
    CAPTURE(r.subject_id.to_string(), to_epoch(r.period.start));
    CHECK(r.peak_demand == peak.peak(r));
  }
}

}  // namespace

TEST_CASE(
    "building scope alone (the quarter-hour fold) matches independent references, peaks, values "
    "beyond a cell's range and re-sends included",
    "[aggregate][property][dedup]") {
  const auto seed = GENERATE(5u, 6u);
  CAPTURE(seed);
  portfolio p;
  for (const char* zone : {"America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                           "Australia/Adelaide", "Europe/London"}) {
    const building b = p.add_building(zone);
    for (int s = 0; s < 10; ++s)  // two sensor groups of one type and interval
      p.add_sensor(b, sensor_type::electricity, 900);
    p.add_sensor(b, sensor_type::electricity, 300);
    p.add_sensor(b, sensor_type::electricity, 300);
    for (int s = 0; s < 3; ++s)
      p.add_sensor(b, sensor_type::gas, 900);
  }
  reading_rows truth =
      test::generate(p.sensors, at("2024-10-20T00:00:00Z"), at("2024-11-08T00:00:00Z"), seed);
  // Cells hold |v| < 2^30 milli-units; larger values (a utility-scale meter's 3 GWh interval,
  // and negative ones) are kept apart and must sum exactly with the rest.
  const milli huge = milli{3} << 30;
  for (std::size_t i = 0; i < truth.size(); i += 997)
    truth.value[i] = (i % 2 == 0 ? huge : -huge) + static_cast<milli>(i);
  reading_rows raw;
  // Stale versions first, some beyond a cell's range, replaced by the feed's later rows.
  for (std::size_t i = 0; i < truth.size(); i += 101)
    raw.push_back(truth.sensor_id[i], truth.ts[i], i % 2 == 0 ? 5 * huge : 17);
  const reading_rows feed = raw_feed(truth, seed);
  for (std::size_t i = 0; i < feed.size(); ++i)
    raw.push_back(feed.sensor_id[i], feed.ts[i], feed.value[i]);
  const reading_rows distinct = deduplicate(raw);
  REQUIRE(distinct.size() == truth.size());
  const aggregator_options building_only{.sensor_scope = false, .building_scope = true};

  aggregator reference_path(p.buildings, p.sensors, building_only);
  reference_path.add(distinct);
  const auto expected = reference_path.finish();
  check_building_scope(p, distinct, expected, true);

  SECTION("raw rows in one call") {
    aggregator agg(p.buildings, p.sensors, building_only);
    agg.add(raw);
    check_same(agg.finish(), expected);
    CHECK(agg.added() - agg.superseded() == static_cast<std::int64_t>(distinct.size()));
  }
  SECTION("time-major, by sensor position") {
    const reading_rows ordered = time_major(raw);
    aggregator agg(p.buildings, p.sensors, building_only);
    agg.add(positions_of(p, ordered), ordered.ts, ordered.value);
    check_same(agg.finish(), expected);
  }
  SECTION("by sensor position, wide values in a few blocks only") {
    // Wide values here and there among narrow ones (once, the position path checked widths a
    // 4096-row block at a time: rows 4095 and 3 × 4096 + 17 sat at and inside block edges).
    reading_rows ordered = time_major(distinct);
    REQUIRE(ordered.size() > 5 * 4096);
    for (std::size_t i = 0; i < ordered.size(); ++i)
      ordered.value[i] = static_cast<milli>(i % 1000);
    for (const std::size_t i : {std::size_t{4095}, std::size_t{3 * 4096 + 17}, ordered.size() - 1})
      ordered.value[i] = i % 2 == 0 ? huge : -huge;
    aggregator by_id(p.buildings, p.sensors, building_only);
    by_id.add(ordered);
    aggregator by_position(p.buildings, p.sensors, building_only);
    by_position.add(positions_of(p, ordered), ordered.ts, ordered.value);
    check_same(by_position.finish(), by_id.finish());
    check_building_scope(p, ordered, by_position.finish(), true);
  }
  SECTION("in parts merged in order, copied and moved") {
    std::vector<aggregator> parts = consecutive_parts(p, raw, 4, building_only);
    parts[0].merge(parts[1]);
    parts[0].merge(std::move(parts[2]));
    parts[0].merge(parts[3]);
    check_same(parts[0].finish(), expected);
    CHECK(parts[0].added() - parts[0].superseded() == static_cast<std::int64_t>(distinct.size()));
    check_same(parts[0].finish(), expected);
  }
  SECTION("a part whose tiles were moved out goes on from where it stopped, in tiles of its own") {
    // Time-major rows: each group's next row is the slot row after its last one, which now
    // belongs to the aggregator that took the tiles.
    const reading_rows ordered = time_major(distinct);
    const epoch_seconds mid = to_epoch(at("2024-10-25T00:15:00Z"));  // mid-tile for 15 minutes
    std::vector<std::size_t> early, late;
    for (std::size_t i = 0; i < ordered.size(); ++i)
      (ordered.ts[i] < mid ? early : late).push_back(i);
    aggregator part(p.buildings, p.sensors, building_only);
    part.add(test::subset(ordered, early));
    aggregator taker(p.buildings, p.sensors, building_only);
    taker.merge(std::move(part));
    const auto taken = taker.finish();
    part.add(test::subset(ordered, late));
    aggregator fresh(p.buildings, p.sensors, building_only);
    fresh.add(test::subset(ordered, late));
    check_same(part.finish(), fresh.finish());
    check_same(taker.finish(), taken);
  }
  SECTION("on two fold threads") {
    aggregator agg(p.buildings, p.sensors,
                   {.sensor_scope = false, .building_scope = true, .threads = 2});
    agg.add(raw);
    check_same(agg.finish(), expected);
  }
}

TEST_CASE("building scope in a zone's local mean time, whose hours start off the quarter-hour",
          "[aggregate][property]") {
  // New York kept local mean time (UTC-4:56:02) until noon on 1883-11-18: its hour buckets then
  // start at :03:58 UTC, so a quarter-hour's readings can fall into two buckets.
  portfolio p;
  const building b = p.add_building("America/New_York");
  for (int s = 0; s < 9; ++s)
    p.add_sensor(b, sensor_type::electricity, 900);
  for (int s = 0; s < 2; ++s)  // minute readings fall on both sides of a bucket's start
    p.add_sensor(b, sensor_type::electricity, 60);
  const reading_rows rows =
      test::generate(p.sensors, at("1883-11-15T00:00:00Z"), at("1883-11-22T00:00:00Z"), 9);
  aggregator agg(p.buildings, p.sensors, {.sensor_scope = false, .building_scope = true});
  agg.add(rows);
  check_building_scope(p, rows, agg.finish(), false);
}

TEST_CASE("roll_up takes hour rows in any order and of several subjects, and refuses coarser ones",
          "[aggregate][property]") {
  portfolio p;
  const building b = p.add_building("Australia/Lord_Howe");  // 30-minute DST shift on 2024-10-06
  for (int s = 0; s < 3; ++s)
    p.add_sensor(b, s == 2 ? sensor_type::gas : sensor_type::electricity, 900);
  const reading_rows rows =
      test::generate(p.sensors, at("2024-09-28T00:00:00Z"), at("2024-10-12T00:00:00Z"), 11);
  aggregator agg(p.buildings, p.sensors, {.sensor_scope = true, .building_scope = true});
  agg.add(rows);
  const auto expected = agg.finish();
  local_calendar calendar(find_zone(b.time_zone));
  std::vector<summary_row> hours = expected.hourly;
  std::mt19937_64 rng(3);
  std::shuffle(hours.begin(), hours.end(), rng);
  REQUIRE_FALSE(std::is_sorted(hours.begin(), hours.end(), summary_key_less));
  CHECK(roll_up(hours, resolution::day, calendar) == expected.daily);
  CHECK(roll_up(expected.hourly, resolution::day, calendar) == expected.daily);
  std::vector<summary_row> days = expected.daily;
  std::reverse(days.begin(), days.end());
  CHECK(roll_up(days, resolution::month, calendar) == expected.monthly);
  CHECK_THROWS_AS(roll_up(expected.daily, resolution::day, calendar), std::invalid_argument);
}

namespace {

/// Buildings in zones with whole-, half- and 45-minute offsets and DST changes, every sensor
/// reporting each quarter-hour: dense time-major columns of them go to time rows.
portfolio quarter_hour_portfolio(int sensors_per_building) {
  portfolio p;
  for (const char* zone : {"America/New_York", "Europe/London", "Asia/Kolkata",
                           "Australia/Lord_Howe", "Asia/Kathmandu"}) {
    const building b = p.add_building(zone, money::parse("0.13553"));
    for (int i = 0; i < sensors_per_building; ++i)
      p.add_sensor(b, sensor_type::electricity, 900);
  }
  return p;
}

}  // namespace

TEST_CASE("dense time-major columns go to time rows and aggregate like every other path",
          "[aggregate][property][dedup]") {
  const auto seed = GENERATE(51u, 52u);
  CAPTURE(seed);
  portfolio p = quarter_hour_portfolio(12);
  const reading_rows truth =
      test::generate(p.sensors, at("2024-10-20T00:00:00Z"), at("2024-11-08T00:00:00Z"), seed);
  const reading_rows raw = time_major(raw_feed(truth, seed));
  const reading_rows distinct = deduplicate(raw);
  REQUIRE(distinct.size() == truth.size());
  const auto position = positions_of(p, raw);
  const auto half = raw.size() / 2 + 7;  // not on a timestamp's first row
  const auto part = [&](std::size_t from, std::size_t to) {
    std::vector<std::size_t> idx(to - from);
    std::iota(idx.begin(), idx.end(), from);
    return test::subset(raw, idx);
  };
  // Building summaries only (Python's default): what the time rows' own fold covers.
  const aggregator_options building_only{.sensor_scope = false, .building_scope = true};
  const auto by_columns = [&](aggregator& agg, const reading_rows& rows) {
    agg.add(positions_of(p, rows), rows.ts, rows.value);
  };
  const auto expected_with = [&](const aggregator_options& o) {
    aggregator reference(p.buildings, p.sensors, o);
    reference.add(distinct);
    CHECK(reference.layout() == aggregator::grid_layout::tiles);
    return reference.finish();
  };
  const aggregation_result expected = expected_with(building_only);

  SECTION("in one call") {
    aggregator agg(p.buildings, p.sensors, building_only);
    agg.add(position, raw.ts, raw.value);
    CHECK(agg.layout() == aggregator::grid_layout::time_rows);
    check_same(agg.finish(), expected);
    CHECK(agg.layout() == aggregator::grid_layout::time_rows);  // folded where they stand
    CHECK(agg.added() == static_cast<std::int64_t>(raw.size()));
    CHECK(agg.added() - agg.superseded() == static_cast<std::int64_t>(distinct.size()));
  }
  SECTION("in two calls, summaries read in between") {
    aggregator agg(p.buildings, p.sensors, building_only);
    by_columns(agg, part(0, half));
    (void)agg.hourly();
    by_columns(agg, part(half, raw.size()));
    CHECK(agg.layout() == aggregator::grid_layout::time_rows);
    check_same(agg.finish(), expected);
  }
  SECTION("in halves merged in order, copied and moved") {
    aggregator first(p.buildings, p.sensors, building_only),
        second(p.buildings, p.sensors, building_only);
    by_columns(first, part(0, half));
    by_columns(second, part(half, raw.size()));
    aggregator copy_target(p.buildings, p.sensors, building_only);
    by_columns(copy_target, part(0, half));
    copy_target.merge(second);
    CHECK(copy_target.layout() == aggregator::grid_layout::time_rows);
    check_same(copy_target.finish(), expected);
    first.merge(std::move(second));
    CHECK(first.layout() == aggregator::grid_layout::time_rows);
    check_same(first.finish(), expected);
    CHECK(first.added() - first.superseded() == static_cast<std::int64_t>(distinct.size()));
    CHECK(second.finish().hourly.empty());
  }
  SECTION("then rows of another kind move them into tiles") {
    aggregator agg(p.buildings, p.sensors, building_only);
    by_columns(agg, part(0, half));
    agg.add(part(half, raw.size()));  // rows by id: the general grid
    CHECK(agg.layout() == aggregator::grid_layout::tiles);
    check_same(agg.finish(), expected);
    aggregator merged(p.buildings, p.sensors, building_only);
    by_columns(merged, part(0, half));
    aggregator tiled(p.buildings, p.sensors, building_only);
    tiled.add(part(half, raw.size()));
    merged.merge(tiled);  // a time-row grid merging a tile grid
    check_same(merged.finish(), expected);
  }
  SECTION("on two fold threads") {
    const aggregator_options o{.sensor_scope = false, .building_scope = true, .threads = 2};
    aggregator agg(p.buildings, p.sensors, o);
    agg.add(position, raw.ts, raw.value);
    CHECK(agg.layout() == aggregator::grid_layout::time_rows);
    check_same(agg.finish(), expected);
  }
  SECTION("with per-sensor summaries, which only the tiles fold, they are not used") {
    const aggregator_options o{.sensor_scope = true, .building_scope = true};
    aggregator agg(p.buildings, p.sensors, o);
    agg.add(position, raw.ts, raw.value);
    CHECK(agg.layout() == aggregator::grid_layout::tiles);
    check_same(agg.finish(), expected_with(o));
  }
  SECTION("with a wide value and readings off the interval grid") {
    reading_rows odd = raw;
    odd.value[odd.size() / 3] = milli{1} << 40;  // beyond a cell: the wide map
    for (std::size_t i = 5; i < odd.size(); i += 997)
      odd.ts[i] += 7;  // :00:07 and the like: off-grid
    aggregator reference(p.buildings, p.sensors, building_only);
    reference.add(odd);
    aggregator agg(p.buildings, p.sensors, building_only);
    agg.add(positions_of(p, odd), odd.ts, odd.value);
    CHECK(agg.layout() == aggregator::grid_layout::time_rows);
    check_same(agg.finish(), reference.finish());
    CHECK(agg.superseded() == reference.superseded());
  }
  SECTION("an unknown position stops the call there") {
    std::vector<std::uint32_t> bad = position;
    bad[half] = static_cast<std::uint32_t>(p.sensors.size());
    aggregator agg(p.buildings, p.sensors, building_only);
    CHECK_THROWS_WITH(agg.add(bad, raw.ts, raw.value),
                      Catch::Contains("row " + std::to_string(half)));
    aggregator before(p.buildings, p.sensors, building_only);
    before.add(part(0, half));
    CHECK(agg.added() == before.added());
    check_same(agg.finish(), before.finish());
  }
}

TEST_CASE("time-major columns of a few sensors among many stay in tiles", "[aggregate]") {
  portfolio p = quarter_hour_portfolio(40);
  const aggregator_options building_only{.sensor_scope = false, .building_scope = true};
  std::vector<sensor> reporting{p.sensors[0], p.sensors[41], p.sensors[90]};
  const reading_rows rows = time_major(
      test::generate(reporting, at("2024-10-01T00:00:00Z"), at("2024-12-01T00:00:00Z"), 3));
  aggregator agg(p.buildings, p.sensors, building_only);
  agg.add(positions_of(p, rows), rows.ts, rows.value);
  CHECK(agg.layout() == aggregator::grid_layout::tiles);
  aggregator by_id(p.buildings, p.sensors, building_only);
  by_id.add(rows);
  check_same(agg.finish(), by_id.finish());
}

TEST_CASE("a dense call that thins out moves to tiles at the memory bound, exactly",
          "[aggregate]") {
  // A day of every sensor passes the density sample; two months of one sensor follow. Time
  // rows would hold a window of every sensor's cells for each 32 of its readings, so the call
  // moves to tiles where the cells would exceed 4 per row put (plus two windows).
  portfolio p = quarter_hour_portfolio(12);
  const aggregator_options building_only{.sensor_scope = false, .building_scope = true};
  reading_rows rows = time_major(
      test::generate(p.sensors, at("2024-10-01T00:00:00Z"), at("2024-10-02T00:00:00Z"), 4));
  const reading_rows tail = test::generate(
      std::vector<sensor>{p.sensors[5]}, at("2024-10-02T00:00:00Z"), at("2024-12-01T00:00:00Z"), 5);
  for (std::size_t i = 0; i < tail.size(); ++i)
    rows.push_back(tail.sensor_id[i], tail.ts[i], tail.value[i]);
  aggregator agg(p.buildings, p.sensors, building_only);
  agg.add(positions_of(p, rows), rows.ts, rows.value);
  CHECK(agg.layout() == aggregator::grid_layout::tiles);
  aggregator by_id(p.buildings, p.sensors, building_only);
  by_id.add(rows);
  check_same(agg.finish(), by_id.finish());
  CHECK(agg.added() == by_id.added());
}
