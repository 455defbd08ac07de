// SPDX-License-Identifier: Apache-2.0
// The store contract for summaries that stay right when what they depend on changes: metadata
// (zone, flat rate, sensor type, kind, unit, interval, building), summary settings, and an explicit
// rebuild. Each check compares what `refresh_summaries` leaves in the store with a from-scratch
// aggregation of the stored readings under the current metadata.
#include "conformance/fixtures.hpp"
#include "conformance/store_conformance.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <vector>

#include <energy/aggregate/aggregator.hpp>
#include <energy/aggregate/refresh.hpp>
#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/storage/tariffs.hpp>

namespace energy::conformance {
namespace {

using storage::all_time;
using storage::summary_settings;

constexpr epoch_seconds day = 86400;

/// Three days of quarter-hour readings (two local months in New York and Kolkata: 2024-06-29
/// to 2024-07-02 UTC), values varying so that buckets differ.
reading_rows three_days_of(const sensor& s, milli base) {
  reading_rows rows;
  for (epoch_seconds t = t0 - 2 * day, i = 0; t < t0 + day; t += quarter, ++i)
    rows.push_back(s.id, t, base + (i * 37) % 500, 0);
  return rows;
}

void write_three_days(store& s, const world& w) {
  s.write_readings(three_days_of(w.s_low, 100));
  s.write_readings(three_days_of(w.s_high, 2000));
  s.write_readings(three_days_of(w.s_other, 30));
}

constexpr std::array all_types{sensor_type::electricity, sensor_type::gas, sensor_type::water,
                               sensor_type::thermal, sensor_type::temperature};
constexpr std::array all_resolutions{resolution::hour, resolution::day, resolution::month};

/// Every summary the store holds for building `b` and for the sensors `ids`, in key order.
std::vector<summary_row> stored(store& s, const uuid& b, const std::vector<uuid>& ids) {
  std::vector<summary_row> out;
  auto read = [&](summary_scope scope, const uuid& subject) {
    for (const sensor_type type : all_types)
      for (const resolution res : all_resolutions)
        for (summary_row& r : s.read_summaries({scope, subject, type, res, all_time()}))
          out.push_back(std::move(r));
  };
  read(summary_scope::building, b);
  for (const uuid& id : ids)
    read(summary_scope::sensor, id);
  std::sort(out.begin(), out.end(), aggregate::summary_key_less);
  return out;
}

/// What aggregating the building's stored readings from scratch, with the store's current
/// metadata and settings, gives — the summaries a correct store holds after a refresh.
std::vector<summary_row> from_scratch(
    store& s, const uuid& b, const aggregate::cost_model& costs = aggregate::flat_rate_cost{}) {
  const building home = s.get_building(b).value();
  const std::vector<sensor> sensors = s.list_sensors(b);
  aggregate::aggregator agg({&home, 1}, sensors,
                            {s.get_summary_settings().sensor_scope, true, &costs});
  agg.add(s.read_building_readings(b, all_time()));
  aggregate::aggregation_result r = agg.finish();
  std::vector<summary_row> out = std::move(r.hourly);
  out.insert(out.end(), r.daily.begin(), r.daily.end());
  out.insert(out.end(), r.monthly.begin(), r.monthly.end());
  std::sort(out.begin(), out.end(), aggregate::summary_key_less);
  return out;
}

std::vector<uuid> sensor_ids(const world& w) {
  return {w.s_low.id, w.s_high.id, w.s_other.id};
}

/// The store's summaries of both buildings equal a from-scratch aggregation.
void require_up_to_date(store& s, const world& w,
                        const aggregate::cost_model& costs = aggregate::flat_rate_cost{}) {
  const auto ids = sensor_ids(w);
  std::vector<summary_row> expected = from_scratch(s, w.b1.id, costs);
  for (summary_row& r : from_scratch(s, w.b2.id, costs))
    expected.push_back(std::move(r));
  std::sort(expected.begin(), expected.end(), aggregate::summary_key_less);
  std::vector<summary_row> actual = stored(s, w.b1.id, ids);
  for (summary_row& r : stored(s, w.b2.id, {}))
    actual.push_back(std::move(r));
  std::sort(actual.begin(), actual.end(), aggregate::summary_key_less);
  REQUIRE(!expected.empty());
  CHECK(actual.size() == expected.size());
  CHECK(actual == expected);
}

/// A world with three days of readings, per-sensor summaries on, aggregated and up to date.
void aggregated_world(store& s, const world& w) {
  s.set_summary_settings({.sensor_scope = true});
  write_three_days(s, w);
  (void)aggregate::refresh_summaries(s);
  REQUIRE(all_marks(s).empty());
  require_up_to_date(s, w);
}

}  // namespace

void a_zone_change_invalidates_the_buildings_summaries(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  aggregated_world(*s, w);
  // New York days start at 04:00Z; Kolkata (+05:30) days at 18:30Z and its hours at half past:
  // no old bucket has a key a new one would overwrite.
  w.b1.time_zone = "Asia/Kolkata";
  s->put_building(w.b1);
  CHECK_FALSE(all_marks(*s).empty());
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
}

void a_flat_rate_change_reprices_the_buildings_summaries(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  aggregated_world(*s, w);
  w.b1.flat_rate_per_kwh = money::from_micros(310000);
  s->put_building(w.b1);
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
  w.b1.flat_rate_per_kwh.reset();  // no rate: no cost, not the old one
  s->put_building(w.b1);
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
}

void a_sensor_change_invalidates_the_sums_it_joined(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  aggregated_world(*s, w);
  // Type: s_high's energy leaves the building's electricity sums and makes gas ones.
  w.s_high.type = sensor_type::gas;
  w.s_high.unit = "m3";
  s->put_sensor(w.s_high);
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
  // Interval: the same energy spread over longer intervals changes hours and demand.
  w.s_low.interval_seconds = 3600;
  s->put_sensor(w.s_low);
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
  // Kind: a sampled state is not aggregated at all; its sums disappear. (Only temperatures are
  // sampled states: a gas sensor of that kind is refused by put_sensor's metadata check.)
  w.s_high.type = sensor_type::temperature;
  w.s_high.unit = "degC";
  w.s_high.kind = reading_kind::instantaneous_value;
  s->put_sensor(w.s_high);
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
  // Building: s_low moves to b2 (another zone); both buildings' sums change.
  w.s_low.building_id = w.b2.id;
  s->put_sensor(w.s_low);
  (void)aggregate::refresh_summaries(*s);
  require_up_to_date(*s, w);
}

void metadata_changes_that_summaries_ignore_mark_nothing(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  aggregated_world(*s, w);
  s->put_building(w.b1);  // re-sent as is
  w.b1.name = "Renamed";
  w.b1.address = "elsewhere";
  w.b1.square_footage = 1;
  s->put_building(w.b1);
  s->put_sensor(w.s_low);
  w.s_low.location = "roof";
  w.s_low.max_value = 5.0;
  w.s_low.is_active = false;
  s->put_sensor(w.s_low);
  CHECK(all_marks(*s).empty());
  s->set_summary_settings(s->get_summary_settings());  // unchanged settings
  CHECK(all_marks(*s).empty());
  require_up_to_date(*s, w);
}

void summary_settings_are_stored_and_a_change_invalidates_every_building(
    const store_factory& factory) {
  auto s = factory();
  world w{*s};
  CHECK(s->get_summary_settings() == summary_settings{});
  CHECK(s->get_summary_settings().cost_model == "flat_rate");
  CHECK_THROWS_AS(s->set_summary_settings({.cost_model = ""}), std::invalid_argument);
  CHECK(s->get_summary_settings() == summary_settings{});

  aggregated_world(*s, w);  // sensor_scope on
  CHECK(s->get_summary_settings() == summary_settings{.sensor_scope = true});
  // Per-call options that disagree with the store are refused, not half-applied.
  CHECK_THROWS_AS(aggregate::refresh_summaries(*s, {.sensor_scope = false}), std::invalid_argument);
  struct other_cost final : aggregate::cost_model {
    money cost(const building&, sensor_type, time_range, milli) const override { return {}; }
    std::string identity() const override { return "free"; }
  } no_cost;
  CHECK_THROWS_AS(aggregate::refresh_summaries(*s, {.costs = &no_cost}), std::invalid_argument);

  // Switching per-sensor summaries off removes them; switching the cost model reprices all.
  s->set_summary_settings({.sensor_scope = false, .cost_model = "free"});
  CHECK(s->get_summary_settings() == summary_settings{.sensor_scope = false, .cost_model = "free"});
  std::set<uuid> marked;
  for (const dirty_hour& m : all_marks(*s))
    marked.insert(m.sensor_id);
  CHECK(marked == std::set<uuid>{w.s_low.id, w.s_high.id, w.s_other.id});
  (void)aggregate::refresh_summaries(*s, {.costs = &no_cost});
  const auto ids = sensor_ids(w);
  CHECK(stored(*s, w.b1.id, ids) == from_scratch(*s, w.b1.id, no_cost));
  CHECK(stored(*s, w.b2.id, ids) == from_scratch(*s, w.b2.id, no_cost));
}

void a_rebuild_recomputes_a_buildings_range(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  aggregated_world(*s, w);
  const auto ids = sensor_ids(w);
  const std::vector<summary_row> good = stored(*s, w.b1.id, ids);

  // Summaries written by someone else: a wrong hour, and a day of a calendar the building does
  // not use, both inside the range; a wrong hour outside it.
  summary_row wrong = good.front();
  REQUIRE(wrong.res == resolution::hour);
  wrong.period = range(t0, t0 + hour);
  wrong.consumption = 999'999;
  summary_row foreign_day = wrong;
  foreign_day.res = resolution::day;
  foreign_day.period = range(t0 - day + 7 * hour, t0 + 7 * hour);
  summary_row outside = wrong;
  outside.period = range(t0 + 10 * day, t0 + 10 * day + hour);
  s->backend().commit_summaries(std::vector<summary_row>{wrong, foreign_day, outside},
                                dirty_claim{});

  CHECK_THROWS_AS(s->invalidate_summaries(make_id(0x20, 77), all_time()), std::invalid_argument);
  (void)aggregate::rebuild_summaries(*s, w.b1.id, range(t0 - day, t0 + hour));
  std::vector<summary_row> expected = good;
  expected.push_back(outside);  // not in the range, left alone
  std::sort(expected.begin(), expected.end(), aggregate::summary_key_less);
  CHECK(stored(*s, w.b1.id, ids) == expected);

  // A range without readings changes nothing.
  s->invalidate_summaries(w.b1.id, range(t0 + 20 * day, t0 + 21 * day));
  CHECK(all_marks(*s).empty());
  CHECK(stored(*s, w.b1.id, ids) == expected);
}

namespace {

/// The cost model of the store's tariff versions. The checks store a price in micro-dollars per
/// kWh as the "document" (the store never parses it; energy::io reads real URDB documents).
billing::dated_tariff_cost model_of(store& s, const world& w) {
  billing::dated_tariff_cost model;
  for (const building* b : {&w.b1, &w.b2})
    for (const auto& v : storage::tariffs_of(s)->list_tariff_versions(b->id))
      model.add_version(b->id, v.effective,
                        billing::flat_energy_tariff(money::from_micros(std::stoll(v.urdb_json))));
  return model;
}

storage::tariff_version price_from(const uuid& b, std::chrono::year_month_day effective,
                                   std::int64_t micros_per_kwh) {
  storage::tariff_version v;
  v.building_id = b;
  v.effective = effective;
  v.recorded_at = from_epoch(t0);
  v.source = "price.json";
  v.urdb_json = std::to_string(micros_per_kwh);
  return v;
}

/// Refreshes with the store's current versions; the summaries then equal a from-scratch
/// aggregation priced by the same versions.
void refresh_and_check(store& s, const world& w) {
  const auto model = model_of(s, w);
  aggregate::refresh_options options;
  options.costs = &model;
  (void)aggregate::refresh_summaries(s, options);
  REQUIRE(all_marks(s).empty());
  require_up_to_date(s, w, model);
}

/// Every mark is a sensor of b1 in [start, end), and there is at least one.
void check_marks_within(store& s, const world& w, epoch_seconds start, epoch_seconds end) {
  const auto marks = all_marks(s);
  CHECK_FALSE(marks.empty());
  for (const auto& m : marks) {
    CHECK((m.sensor_id == w.s_low.id || m.sensor_id == w.s_high.id));
    CHECK(m.hour >= start);
    CHECK(m.hour < end);
  }
}

}  // namespace

void tariff_versions_are_appended_and_listed(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  auto* port = storage::tariffs_of(*s);
  REQUIRE(port != nullptr);
  using std::chrono::day;
  using std::chrono::July;
  using std::chrono::June;
  const std::chrono::year_month_day june{std::chrono::year{2024}, June, day{1}};
  const std::chrono::year_month_day july{std::chrono::year{2024}, July, day{1}};

  CHECK_THROWS_AS(port->add_tariff_version(price_from(make_id(0x20, 77), june, 100000)),
                  std::invalid_argument);
  auto empty = price_from(w.b1.id, june, 1);
  empty.urdb_json.clear();
  CHECK_THROWS_AS(port->add_tariff_version(empty), std::invalid_argument);
  CHECK(port->list_tariff_versions(w.b1.id).empty());

  auto bad_holiday = price_from(w.b1.id, june, 1);
  bad_holiday.holidays = {{std::chrono::year{2024}, std::chrono::July, day{4}},
                          {std::chrono::year{2023}, std::chrono::February, day{29}}};
  CHECK_THROWS_WITH(port->add_tariff_version(bad_holiday),
                    Catch::Contains("holidays[1] is not a calendar date"));
  CHECK(port->list_tariff_versions(w.b1.id).empty());

  // Holidays round-trip in the order given; not known (nullopt) and none ({}) stay distinct.
  auto first = price_from(w.b1.id, july, 100000);
  first.json_pointer = "/items/0";
  first.holidays = {{std::chrono::year{2024}, std::chrono::December, day{25}},
                    {std::chrono::year{2024}, std::chrono::July, day{4}}};
  CHECK(port->add_tariff_version(first) == 1);
  auto none = price_from(w.b1.id, june, 90000);
  none.holidays.emplace();
  CHECK(port->add_tariff_version(none) == 2);
  CHECK(port->add_tariff_version(price_from(w.b1.id, july, 120000)) == 3);
  CHECK(port->add_tariff_version(price_from(w.b2.id, july, 50000)) == 1);

  const auto listed = port->list_tariff_versions(w.b1.id);
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].effective == june);
  CHECK(listed[0].revision == 2);
  CHECK(listed[1].revision == 1);
  CHECK(listed[2].revision == 3);
  auto expected_first = first;
  expected_first.revision = 1;
  CHECK(listed[1] == expected_first);  // every field round-trips
  REQUIRE(listed[0].holidays.has_value());
  CHECK(listed[0].holidays->empty());
  CHECK_FALSE(listed[2].holidays.has_value());

  // In effect: nothing before June; June's version in June; July's latest revision from July on.
  CHECK(storage::version_in_effect(listed, std::chrono::year{2024} / 5 / 31) == nullptr);
  CHECK(storage::version_in_effect(listed, std::chrono::year{2024} / 6 / 30)->revision == 2);
  CHECK(storage::version_in_effect(listed, std::chrono::year{2024} / 7 / 1)->revision == 3);
  CHECK(storage::version_in_effect(listed, std::chrono::year{2030} / 1 / 1)->revision == 3);
  CHECK(port->list_tariff_versions(w.b2.id).size() == 1);
}

void a_tariff_version_reprices_exactly_the_days_it_covers(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  auto* port = storage::tariffs_of(*s);
  REQUIRE(port != nullptr);
  s->set_summary_settings(
      {.sensor_scope = true, .cost_model = billing::dated_tariff_cost::identity_text});
  write_three_days(*s, w);
  refresh_and_check(*s, w);

  // b1 is in New York (UTC-4 in summer): 2024-07-01 starts at t0 + 4 h. The readings run from
  // t0 - 2 days to t0 + 1 day, so June 29 and 30 keep their (flat-rate) prices.
  const std::chrono::year_month_day july{std::chrono::year{2024}, std::chrono::July,
                                         std::chrono::day{1}};
  port->add_tariff_version(price_from(w.b1.id, july, 250000));
  check_marks_within(*s, w, t0 + 4 * hour, t0 + day);
  refresh_and_check(*s, w);

  // An earlier version prices only the days up to the next version. June 30's buckets go, and
  // with them June's month bucket, so every June hour is recomputed (into the same sums): July's
  // stay.
  const std::chrono::year_month_day june30{std::chrono::year{2024}, std::chrono::June,
                                           std::chrono::day{30}};
  port->add_tariff_version(price_from(w.b1.id, june30, 180000));
  check_marks_within(*s, w, t0 - 2 * day, t0 + 4 * hour);
  refresh_and_check(*s, w);

  // A later upload for the same date supersedes it from that date on.
  port->add_tariff_version(price_from(w.b1.id, july, 300000));
  check_marks_within(*s, w, t0 + 4 * hour, t0 + day);
  refresh_and_check(*s, w);

  // The July hours are now priced at $0.30/kWh (a direct check, besides the model comparison).
  const auto july_hours =
      s->read_summaries({summary_scope::building, w.b1.id, sensor_type::electricity,
                         resolution::hour, range(t0 + 4 * hour, t0 + day)});
  REQUIRE_FALSE(july_hours.empty());
  for (const auto& r : july_hours)
    CHECK(r.cost.micros() == (r.consumption * 300000 + 500) / 1000);
}

}  // namespace energy::conformance
