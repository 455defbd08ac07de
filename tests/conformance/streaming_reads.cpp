// SPDX-License-Identifier: Apache-2.0
// The store contract for streamed reads (store::scan_readings, scan_building_readings,
// scan_summaries): chunks are full but the last, never empty, their concatenation is exactly
// the whole read, and a sink that returns false ends the read.
#include "conformance/fixtures.hpp"
#include "conformance/store_conformance.hpp"

#include <cstddef>
#include <stdexcept>
#include <vector>

namespace energy::conformance {
namespace {

/// What a streamed read delivered: the rows in order and each chunk's size.
struct collected {
  reading_rows rows;
  std::vector<std::size_t> sizes;
};

storage::reading_chunk_sink collect_into(collected& c, std::size_t stop_after = SIZE_MAX) {
  return [&c, stop_after](const reading_rows& chunk) {
    c.sizes.push_back(chunk.size());
    for (std::size_t i = 0; i < chunk.size(); ++i)
      c.rows.push_back(chunk.sensor_id[i], chunk.ts[i], chunk.value[i], chunk.quality[i]);
    return c.sizes.size() < stop_after;
  };
}

bool same_rows(const reading_rows& a, const reading_rows& b) {
  return a.sensor_id == b.sensor_id && a.ts == b.ts && a.value == b.value && a.quality == b.quality;
}

/// 1000 quarter-hours of each sensor of `w` (3000 rows), values distinct per row.
void write_thousand_quarters(store& s, const world& w) {
  reading_rows rows;
  for (int i = 0; i < 1000; ++i) {
    rows.push_back(w.s_low.id, t0 + i * quarter, 10'000 + i, i % 3 == 0 ? 0u : 1u);
    rows.push_back(w.s_high.id, t0 + i * quarter, 20'000 + i);
    rows.push_back(w.s_other.id, t0 + i * quarter, 30'000 + i);
  }
  REQUIRE(s.write_readings(rows) == write_result{3000, 0, 0});
}

/// Every chunk but the last holds exactly `chunk_rows`; the last 1..chunk_rows.
void check_chunk_sizes(const std::vector<std::size_t>& sizes, std::size_t total,
                       std::size_t chunk_rows) {
  std::size_t sum = 0;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    CHECK(sizes[k] >= 1);
    CHECK(sizes[k] <= chunk_rows);
    if (k + 1 < sizes.size()) CHECK(sizes[k] == chunk_rows);
    sum += sizes[k];
  }
  CHECK(sum == total);
}

}  // namespace

void streamed_readings_equal_the_whole_read(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  write_thousand_quarters(*s, w);
  const time_range r = range(t0 + 10 * quarter, t0 + 990 * quarter);
  const reading_rows whole = s->read_readings(w.s_low.id, r);
  REQUIRE(whole.size() == 980);
  const reading_rows whole_building = s->read_building_readings(w.b1.id, r);
  REQUIRE(whole_building.size() == 1960);
  for (const std::size_t chunk_rows : {std::size_t{1}, std::size_t{7}, std::size_t{980},
                                       std::size_t{1000}, std::size_t{100'000}}) {
    CAPTURE(chunk_rows);
    collected one;
    s->scan_readings(w.s_low.id, r, collect_into(one), chunk_rows);
    CHECK(same_rows(one.rows, whole));
    check_chunk_sizes(one.sizes, whole.size(), chunk_rows);
    collected all;
    s->scan_building_readings(w.b1.id, r, collect_into(all), chunk_rows);
    CHECK(same_rows(all.rows, whole_building));
    check_chunk_sizes(all.sizes, whole_building.size(), chunk_rows);
  }
  // Nothing in range: the sink is never called.
  collected none;
  s->scan_readings(w.s_low.id, range(t0 - hour, t0), collect_into(none), 10);
  s->scan_building_readings(make_id(0x20, 99), r, collect_into(none), 10);
  CHECK(none.sizes.empty());
}

void a_streamed_read_stops_when_the_sink_says_so(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  write_thousand_quarters(*s, w);
  const time_range r = range(t0, t0 + 1000 * quarter);
  collected two;
  s->scan_building_readings(w.b1.id, r, collect_into(two, 2), 300);
  CHECK(two.sizes == std::vector<std::size_t>{300, 300});
  const reading_rows whole = s->read_building_readings(w.b1.id, r);
  REQUIRE(whole.size() == 2000);
  CHECK(two.rows.ts == std::vector<epoch_seconds>(whole.ts.begin(), whole.ts.begin() + 600));
  collected one;
  s->scan_readings(w.s_other.id, r, collect_into(one, 1), 999);
  CHECK(one.sizes == std::vector<std::size_t>{999});
  // The store is usable right after an early stop.
  CHECK(s->read_readings(w.s_other.id, r).size() == 1000);
  CHECK_THROWS_AS(s->scan_readings(w.s_low.id, r, collect_into(one), 0), std::invalid_argument);
}

void streamed_summaries_equal_the_whole_read(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  std::vector<summary_row> rows;
  for (int i = 0; i < 500; ++i) {
    summary_row x;
    x.scope = summary_scope::building;
    x.subject_id = w.b1.id;
    x.type = sensor_type::electricity;
    x.res = resolution::hour;
    x.period = range(t0 + i * hour, t0 + (i + 1) * hour);
    x.local_start = std::chrono::local_seconds{std::chrono::seconds{t0 + i * hour - 4 * hour}};
    x.consumption = 1000 + i;
    x.peak_demand = 4 * (1000 + i);
    x.cost = money::from_micros(7 * i);
    x.reading_count = 4;
    rows.push_back(x);
  }
  s->backend().commit_summaries(rows, dirty_claim{});
  const summary_query q{summary_scope::building, w.b1.id, sensor_type::electricity,
                        resolution::hour, range(t0 + 3 * hour, t0 + 480 * hour)};
  const std::vector<summary_row> whole = s->read_summaries(q);
  REQUIRE(whole.size() == 477);
  for (const std::size_t chunk_rows :
       {std::size_t{1}, std::size_t{50}, std::size_t{477}, std::size_t{10'000}}) {
    CAPTURE(chunk_rows);
    std::vector<summary_row> got;
    std::vector<std::size_t> sizes;
    s->scan_summaries(
        q,
        [&](std::span<const summary_row> chunk) {
          sizes.push_back(chunk.size());
          got.insert(got.end(), chunk.begin(), chunk.end());
          return true;
        },
        chunk_rows);
    CHECK(got == whole);
    check_chunk_sizes(sizes, whole.size(), chunk_rows);
  }
  std::size_t calls = 0;
  s->scan_summaries(
      q,
      [&](std::span<const summary_row> chunk) {
        CHECK(chunk.size() == 100);
        return ++calls < 2;
      },
      100);
  CHECK(calls == 2);
}

}  // namespace energy::conformance
