// SPDX-License-Identifier: Apache-2.0
// The SQLite adapter's readings as chunks: the encoding (round trips, size, every way a blob can
// be damaged), the span rule, and what a store does with chunks of a sensor whose interval changes
// or whose stored bytes are damaged.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/error.hpp>
#include <energy/quality.hpp>
#include <energy/storage/sqlite.hpp>

#include "adapters/sqlite/reading_chunk.hpp"
#include "unit/sqlite/sqlite_test_support.hpp"

namespace {

using energy::epoch_seconds;
using energy::sqlite_detail::chunk_reading;
using energy::sqlite_detail::decode_chunk;
using energy::sqlite_detail::encode_chunk;
using energy::testing::t0;
using energy::testing::temp_dir;

std::vector<std::uint8_t> encoded(const std::vector<chunk_reading>& readings, epoch_seconds start) {
  std::string out;
  encode_chunk(readings, start, out);
  return {out.begin(), out.end()};
}

/// The reason decode_chunk gives, empty when the blob decodes.
std::string why(const std::vector<std::uint8_t>& blob, epoch_seconds start, epoch_seconds end,
                std::int64_t expected) {
  std::vector<chunk_reading> out;
  return std::string(decode_chunk(blob, start, end, expected, out));
}

}  // namespace

TEST_CASE("reading chunks round-trip any ascending readings of a span exactly",
          "[sqlite][chunks]") {
  std::mt19937_64 rng(20261204);
  for (const std::int64_t span : energy::sqlite_detail::chunk_spans) {
    for (int trial = 0; trial < 50; ++trial) {
      const epoch_seconds start = energy::sqlite_detail::span_floor(
          static_cast<epoch_seconds>(rng() % 4'000'000'000) - 2'000'000'000, span);
      std::vector<chunk_reading> readings;
      for (epoch_seconds at = static_cast<epoch_seconds>(rng() % 5); at < span;
           at += 1 + static_cast<epoch_seconds>(rng() % (span / 10 + 1))) {
        chunk_reading r{start + at, static_cast<energy::milli>(rng()), 0};
        if (rng() % 4 == 0) r.value = static_cast<energy::milli>(rng() % 2000) - 1000;
        if (rng() % 5 == 0) r.flags = static_cast<std::uint32_t>(rng());
        readings.push_back(r);
      }
      const auto blob = encoded(readings, start);
      std::vector<chunk_reading> back;
      REQUIRE(
          decode_chunk(blob, start, start + span, static_cast<std::int64_t>(readings.size()), back)
              .empty());
      CHECK(back == readings);
    }
  }
  // Empty, and the extremes of every field.
  CHECK(why(encoded({}, t0), t0, t0 + 86400, 0).empty());
  const std::vector<chunk_reading> extremes{
      {t0, INT64_MAX, UINT32_MAX}, {t0 + 1, INT64_MIN, 0}, {t0 + 86399, INT64_MAX, 1}};
  std::vector<chunk_reading> back;
  REQUIRE(decode_chunk(encoded(extremes, t0), t0, t0 + 86400, 3, back).empty());
  CHECK(back == extremes);
}

TEST_CASE("a day of 15-minute Wh readings takes about 4 bytes a reading", "[sqlite][chunks]") {
  std::vector<chunk_reading> day;
  for (int i = 0; i < 96; ++i)
    day.push_back({t0 + 900 * i, 20'000 + (i * 379) % 6'000, 0});  // 20-26 kWh a quarter-hour
  const auto blob = encoded(day, t0);
  CHECK(blob.size() <= 1 + 96 * 4);
  CHECK(blob.size() < 1002);  // one B-tree cell of a 4 KiB page, no overflow page
}

TEST_CASE("a damaged chunk is refused with its reason, whatever the damage", "[sqlite][chunks]") {
  const std::vector<chunk_reading> readings{
      {t0, 5, 0}, {t0 + 900, 7, energy::quality::estimated}, {t0 + 1800, -3, 0}};
  const auto good = encoded(readings, t0);
  REQUIRE(why(good, t0, t0 + 86400, 3).empty());

  CHECK(why({}, t0, t0 + 86400, 0) == "unknown chunk format");
  auto other = good;
  other[0] = 2;
  CHECK(why(other, t0, t0 + 86400, 3) == "unknown chunk format");
  CHECK(why(good, t0, t0 + 86400, 2) == "more readings than the row records");
  CHECK(why(good, t0, t0 + 86400, 4) == "fewer readings than the row records");
  CHECK(why(good, t0, t0 + 1800, 3) == "time outside the span");  // the last is at +1800
  CHECK(why(good, t0, t0 + 2 * 86400, 3) == "span is not within a day");
  // Every proper prefix is refused (truncated, or fewer readings than recorded).
  for (std::size_t n = 1; n < good.size(); ++n)
    CHECK_FALSE(
        why({good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)}, t0, t0 + 86400, 3)
            .empty());
  // Trailing bytes.
  auto longer = good;
  longer.push_back(0);
  CHECK_FALSE(why(longer, t0, t0 + 86400, 3).empty());
  // A repeated time (delta 0), a zero flag mask, a flag of 33 bits, an 11-byte varint.
  CHECK(why({1, 0 << 1, 0}, t0, t0 + 86400, 1) == "readings not in ascending time");
  CHECK(why({1, (1 << 1) | 1, 0, 0}, t0, t0 + 86400, 1) ==
        "quality flags not a nonzero 32-bit mask");
  CHECK(why({1, (1 << 1) | 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10}, t0, t0 + 86400, 1) ==
        "quality flags not a nonzero 32-bit mask");
  std::vector<std::uint8_t> overlong{1, 2};
  for (int i = 0; i < 10; ++i)
    overlong.push_back(0xff);
  overlong.push_back(0);
  CHECK(why(overlong, t0, t0 + 86400, 1) == "truncated reading");
}

TEST_CASE("a sensor's chunk span follows its interval and never crosses midnight UTC",
          "[sqlite][chunks]") {
  using energy::sqlite_detail::chunk_span;
  CHECK(chunk_span(3600) == 86400);
  CHECK(chunk_span(900) == 86400);
  CHECK(chunk_span(300) == 43200);
  CHECK(chunk_span(60) == 7200);
  CHECK(chunk_span(10) == 600);
  CHECK(chunk_span(1) == 60);
  CHECK(chunk_span(0) == 60);
  const auto& spans = energy::sqlite_detail::chunk_spans;
  for (std::size_t i = 0; i + 1 < std::size(spans); ++i)
    CHECK(spans[i] % spans[i + 1] == 0);  // nested or disjoint
  CHECK(energy::sqlite_detail::span_floor(-1, 86400) == -86400);
}

TEST_CASE("a sensor whose interval changes keeps every reading: shorter chunks merge into longer",
          "[sqlite][chunks]") {
  temp_dir dir;
  const auto path = dir.file("interval.db");
  auto s = energy::storage::open_sqlite_store(path);
  const auto id = energy::testing::seed(*s);
  energy::sensor x = *s->get_sensor(id);
  const auto chunks = [&] {
    SQLite::Database db(path);
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    SQLite::Statement q(db, "SELECT span_start, span_end FROM energy_reading_chunks ORDER BY 1");
    while (q.executeStep())
      out.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt64());
    return out;
  };
  const auto minutes = [&](epoch_seconds from, int n, energy::milli base) {
    energy::reading_rows rows;
    for (int i = 0; i < n; ++i)
      rows.push_back(id, from + 60 * i, base + i);
    return rows;
  };
  x.interval_seconds = 60;
  s->put_sensor(x);
  REQUIRE(s->write_readings(minutes(t0, 240, 0)).inserted == 240);  // 4 hours: two 2-hour chunks
  CHECK(chunks() == std::vector<std::pair<std::int64_t, std::int64_t>>{{t0, t0 + 7200},
                                                                       {t0 + 7200, t0 + 14400}});
  x.interval_seconds = 900;
  s->put_sensor(x);
  // A write of that day merges them into the day's chunk, keeping every reading.
  energy::reading_rows one;
  one.push_back(id, t0 + 60, 999);  // a correction
  one.push_back(id, t0 + 86400 - 900, 5);
  const auto w = s->write_readings(one);
  CHECK(w.replaced == 1);
  CHECK(w.inserted == 1);
  CHECK(chunks() == std::vector<std::pair<std::int64_t, std::int64_t>>{{t0, t0 + 86400}});
  x.interval_seconds = 60;
  s->put_sensor(x);
  // Back to 1 minute: a write inside the day chunk uses it as it is.
  CHECK(s->write_readings(minutes(t0 + 14400, 10, 0)).inserted == 10);
  CHECK(chunks() == std::vector<std::pair<std::int64_t, std::int64_t>>{{t0, t0 + 86400}});
  // The next day gets 2-hour chunks again.
  CHECK(s->write_readings(minutes(t0 + 86400, 10, 0)).inserted == 10);
  CHECK(chunks().size() == 2);
  const auto all =
      s->read_readings(id, {energy::from_epoch(t0), energy::from_epoch(t0 + 2 * 86400)});
  CHECK(all.size() == 240 + 1 + 10 + 10);
  CHECK(all.value[1] == 999);
  CHECK(std::is_sorted(all.ts.begin(), all.ts.end()));
  CHECK(s->count_readings() == 261);
}

TEST_CASE("a damaged chunk in the file fails reads and writes with the sensor and span named",
          "[sqlite][chunks]") {
  temp_dir dir;
  const auto path = dir.file("damaged.db");
  auto s = energy::storage::open_sqlite_store(path);
  const auto id = energy::testing::seed(*s);
  REQUIRE(s->write_readings(energy::testing::quarter_hours(id, t0, 8, 1)).inserted == 8);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE energy_reading_chunks SET readings = readings + 1");
  }
  const std::string where = "sensor " + id.to_string() + " at span_start " + std::to_string(t0);
  try {
    (void)s->read_readings(id, {energy::from_epoch(t0), energy::from_epoch(t0 + 86400)});
    FAIL("a damaged chunk was read");
  } catch (const energy::storage_error& e) {
    CHECK_FALSE(e.retryable());
    CHECK_THAT(std::string(e.what()),
               Catch::Matchers::Contains(where) && Catch::Matchers::Contains("fewer readings"));
  }
  CHECK_THROWS_AS(s->write_readings(energy::testing::quarter_hours(id, t0 + 7200, 1, 1)),
                  energy::storage_error);
  // Nothing was changed by the refused write; another day is unaffected.
  CHECK(s->write_readings(energy::testing::quarter_hours(id, t0 + 86400, 2, 1)).inserted == 2);
}

TEST_CASE("timestamps within two days of the int64 limits are refused before anything is written",
          "[sqlite][chunks]") {
  temp_dir dir;
  auto s = energy::storage::open_sqlite_store(dir.file("limits.db"));
  const auto id = energy::testing::seed(*s);
  for (const epoch_seconds ts : {epoch_seconds{INT64_MIN}, epoch_seconds{INT64_MAX - 86400}}) {
    energy::reading_rows rows = energy::testing::quarter_hours(id, t0, 2, 1);
    rows.push_back(id, ts, 3);
    try {
      (void)s->write_readings(rows);
      FAIL("an unstorable timestamp was written");
    } catch (const energy::storage_error& e) {
      CHECK_FALSE(e.retryable());
      CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("row 2 has timestamp"));
    }
    CHECK(s->count_readings() == 0);
  }
  // The widest storable times round-trip.
  energy::reading_rows edge;
  edge.push_back(id, -(INT64_MAX - 2 * 86400), 1);
  edge.push_back(id, INT64_MAX - 2 * 86400, 2);
  REQUIRE(s->write_readings(edge).inserted == 2);
  const auto back = s->read_readings(
      id, {energy::from_epoch(-(INT64_MAX - 2 * 86400)), energy::from_epoch(INT64_MAX - 86400)});
  CHECK(back.ts == std::vector<epoch_seconds>{-(INT64_MAX - 2 * 86400), INT64_MAX - 2 * 86400});
  CHECK(back.value == std::vector<energy::milli>{1, 2});
}
