// SPDX-License-Identifier: Apache-2.0
// Benchmarks of energy::postgres against a server given by ENERGY_BENCH_POSTGRES_URI (or the test
// fixture's, via ENERGY_TEST_SERVERS). Without one it prints why and exits 0.
//
//  ingest_vs_bare_copy: per repetition, the same rows are written (1) by a bare COPY straight into
//    the readings table and (2) through store::write_readings (COPY into staging + set-based
//    upsert + dirty marks + commit), each into an emptied table. Counters: rows/s of both and
//    `ratio` = adapter rows/s ÷ bare COPY rows/s (target >= 0.70).
//  hourly_aggregation_job/sensor_scope:{1,0}: 50 buildings x 1,000 sensors x one hour of 15-minute
//    data written, then
//    aggregate::refresh_summaries timed (the seed's hourly job: target < 1 s). Reference in the
//    same run: one bare server-side GROUP BY summing the same hour per sensor (`ratio` = job /
//    reference).
//  daily_summaries_year: one building's 365 daily summaries read with read_summaries from a warm
//    server (50 buildings stored); counters p50_ms / p99_ms over all reads, and the same for a
//    bare prepared SELECT of the same rows (bare_p50_ms / bare_p99_ms), interleaved.
#include <benchmark/benchmark.h>

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/postgres.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace energy;
using namespace energy::storage;
using clock_type = std::chrono::steady_clock;

namespace {

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

std::optional<std::string> server_uri() {
  if (const char* u = std::getenv("ENERGY_BENCH_POSTGRES_URI")) return std::string(u);
  if (const char* dir = std::getenv("ENERGY_TEST_SERVERS")) {
    std::ifstream in(std::string(dir) + "/postgres/postgres.uri");
    std::string line;
    if (in && std::getline(in, line) && !line.empty()) return line;
  }
  return std::nullopt;
}

std::string bench_schema(const char* what) {
  std::string s = std::string("bench_") + what + "_";
  for (char c : uuid::v7().to_string())
    if (c != '-') s += c;
  return s;
}

struct building_fixture {
  uuid tenant_id = uuid::v7();
  uuid building_id = uuid::v7();
  std::vector<uuid> sensors;
};

building_fixture make_building(store& s, std::size_t sensors, bool with_tenant = true,
                               uuid tenant_id = {}) {
  building_fixture f;
  if (!with_tenant) f.tenant_id = tenant_id;
  if (with_tenant) s.put_tenant(tenant{f.tenant_id, "bench", {}});
  building b;
  b.id = f.building_id;
  b.tenant_id = f.tenant_id;
  b.name = "bench";
  b.time_zone = "America/New_York";
  s.put_building(b);
  for (std::size_t i = 0; i < sensors; ++i) {
    sensor se;
    se.id = uuid::v7();
    se.building_id = f.building_id;
    s.put_sensor(se);
    f.sensors.push_back(se.id);
  }
  return f;
}

// "YYYY-MM-DD HH:MM:SS+00" without iostreams: the bare COPY's client-side formatting cost.
std::string timestamptz_text(epoch_seconds t) {
  const auto dp = std::chrono::floor<std::chrono::days>(from_epoch(t));
  const std::chrono::year_month_day ymd{dp};
  const std::chrono::hh_mm_ss hms{from_epoch(t) - dp};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d+00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

void ingest_vs_bare_copy(benchmark::State& state) {
  const auto uri = server_uri();
  if (!uri) {
    state.SkipWithError("no PostgreSQL server: set ENERGY_BENCH_POSTGRES_URI");
    return;
  }
  postgres_options o;
  o.schema = bench_schema("ingest");
  auto s = open_postgres_store(*uri, o);
  const std::size_t n_sensors = smoke() ? 5 : 500;
  const std::size_t n_steps = smoke() ? 4 : 96;  // 15-minute intervals: one day
  auto f = make_building(*s, n_sensors);
  reading_rows rows;
  const epoch_seconds t0 = 1'719'792'000;  // 2024-07-01T00:00Z
  for (const auto& id : f.sensors)
    for (std::size_t k = 0; k < n_steps; ++k)
      rows.push_back(id, t0 + static_cast<epoch_seconds>(k) * 900, static_cast<milli>(1000 + k), 0);
  (void)s->write_readings(rows);  // creates the partitions; the bare COPY needs them too

  pqxx::connection c{*uri};
  const std::string table = c.quote_name(o.schema) + ".readings";
  auto truncate = [&] {
    pqxx::work w{c};
    w.exec0("TRUNCATE " + table + ", " + c.quote_name(o.schema) + ".dirty_days");
    w.commit();
  };
  double copy_s = 0, adapter_s = 0;
  for (auto _ : state) {
    truncate();
    auto a = clock_type::now();
    {
      pqxx::work w{c};
      pqxx::stream_to copy{w, table,
                           std::vector<std::string>{"sensor_id", "ts", "value", "quality"}};
      for (std::size_t i = 0; i < rows.size(); ++i)
        copy << std::make_tuple(rows.sensor_id[i].to_string(), timestamptz_text(rows.ts[i]),
                                rows.value[i], static_cast<std::int32_t>(rows.quality[i]));
      copy.complete();
      w.commit();
    }
    auto b = clock_type::now();
    truncate();
    auto c0 = clock_type::now();
    const auto r = s->write_readings(rows);
    auto d = clock_type::now();
    benchmark::DoNotOptimize(r);
    copy_s += std::chrono::duration<double>(b - a).count();
    adapter_s += std::chrono::duration<double>(d - c0).count();
    state.SetIterationTime(std::chrono::duration<double>(d - c0).count());
  }
  const double total = static_cast<double>(rows.size()) * static_cast<double>(state.iterations());
  state.counters["rows"] = static_cast<double>(rows.size());
  state.counters["copy_rows_per_s"] = total / copy_s;
  state.counters["adapter_rows_per_s"] = total / adapter_s;
  state.counters["ratio"] = copy_s / adapter_s;
}
BENCHMARK(ingest_vs_bare_copy)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(smoke() ? 1 : 10);

void daily_summaries_year(benchmark::State& state) {
  const auto uri = server_uri();
  if (!uri) {
    state.SkipWithError("no PostgreSQL server: set ENERGY_BENCH_POSTGRES_URI");
    return;
  }
  postgres_options o;
  o.schema = bench_schema("summaries");
  auto s = open_postgres_store(*uri, o);
  const std::size_t n_buildings = smoke() ? 2 : 50;
  std::vector<uuid> buildings;
  const auto tenant_fixture = make_building(*s, 0);
  buildings.push_back(tenant_fixture.building_id);
  for (std::size_t i = 1; i < n_buildings; ++i)
    buildings.push_back(make_building(*s, 0, false, tenant_fixture.tenant_id).building_id);
  const epoch_seconds day0 = 1'704'085'200;  // 2024-01-01T00:00-05:00
  for (const auto& b : buildings) {
    std::vector<summary_row> year;
    for (int d = 0; d < 365; ++d) {
      summary_row r;
      r.scope = summary_scope::building;
      r.subject_id = b;
      r.res = resolution::day;
      r.period = {from_epoch(day0 + d * 86'400), from_epoch(day0 + (d + 1) * 86'400)};
      r.local_start = std::chrono::local_seconds{std::chrono::seconds{1'704'067'200 + d * 86'400}};
      r.consumption = 1'234'567 + d;
      r.reading_count = 96;
      year.push_back(r);
    }
    s->backend().commit_summaries(year, dirty_claim{});
  }
  const summary_query q{summary_scope::building,
                        buildings.front(),
                        sensor_type::electricity,
                        resolution::day,
                        {from_epoch(day0), from_epoch(day0 + 365 * 86'400)}};
  // Reference in the same run: the same rows fetched by a bare prepared statement on a plain
  // connection, without the adapter (pool, conversions into summary_row).
  pqxx::connection ref{*uri};
  ref.prepare(
      "ref",
      "SELECT * FROM " + ref.quote_name(o.schema) +
          ".summaries WHERE scope = 'building' AND subject_id = $1 AND sensor_type = 'electricity' "
          "AND resolution = 'day' AND period_start >= to_timestamp($2) AND period_start < "
          "to_timestamp($3) "
          "ORDER BY period_start");
  auto bare = [&] {
    pqxx::read_transaction t{ref};
    return t.exec_prepared("ref", buildings.front().to_string(), day0, day0 + 365 * 86'400).size();
  };
  for (int i = 0; i < 20; ++i) {  // warm both
    benchmark::DoNotOptimize(s->read_summaries(q));
    benchmark::DoNotOptimize(bare());
  }
  std::vector<double> ms, ref_ms;
  for (auto _ : state) {
    auto a = clock_type::now();
    auto rows = s->read_summaries(q);
    auto b = clock_type::now();
    const auto n = bare();
    auto c = clock_type::now();
    if (rows.size() != 365 || n != 365) state.SkipWithError("expected 365 daily rows");
    ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    ref_ms.push_back(std::chrono::duration<double, std::milli>(c - b).count());
  }
  auto pct = [](std::vector<double>& v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0
                     : v[std::min(v.size() - 1,
                                  static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  };
  state.counters["p50_ms"] = pct(ms, 0.50);
  state.counters["p99_ms"] = pct(ms, 0.99);
  state.counters["bare_p50_ms"] = pct(ref_ms, 0.50);
  state.counters["bare_p99_ms"] = pct(ref_ms, 0.99);
  state.counters["p99_ratio"] = state.counters["p99_ms"] / state.counters["bare_p99_ms"];
}
BENCHMARK(daily_summaries_year)->Unit(benchmark::kMicrosecond)->Iterations(smoke() ? 5 : 2000);

void hourly_aggregation_job(benchmark::State& state) {
  const auto uri = server_uri();
  if (!uri) {
    state.SkipWithError("no PostgreSQL server: set ENERGY_BENCH_POSTGRES_URI");
    return;
  }
  const std::size_t n_buildings = smoke() ? 2 : 50;
  const std::size_t n_sensors = smoke() ? 10 : 1000;
  pqxx::connection ref{*uri};
  const epoch_seconds hour0 = 1'730'419'200;  // 2024-11-01T00:00:00Z
  std::vector<double> job_s, ref_s;
  std::size_t rows_written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    postgres_options o;
    o.schema = bench_schema("hourly");
    auto s = open_postgres_store(*uri, o);
    s->set_summary_settings({.sensor_scope = state.range(0) == 1});
    const auto first = make_building(*s, n_sensors);
    std::vector<building_fixture> fixtures{first};
    for (std::size_t b = 1; b < n_buildings; ++b)
      fixtures.push_back(make_building(*s, n_sensors, false, first.tenant_id));
    reading_rows rows;
    for (const auto& f : fixtures)
      for (const auto& id : f.sensors)
        for (int q = 0; q < 4; ++q)
          rows.push_back(id, hour0 + q * 900, 1'000 + q * 17);
    (void)s->write_readings(rows);
    state.ResumeTiming();

    auto a = clock_type::now();
    const auto report = aggregate::refresh_summaries(*s);
    auto b = clock_type::now();
    {
      pqxx::read_transaction t{ref};
      const auto r = t.exec("SELECT sensor_id, sum(value) FROM " + ref.quote_name(o.schema) +
                            ".readings WHERE ts >= to_timestamp(" + std::to_string(hour0) +
                            ") AND ts < to_timestamp(" + std::to_string(hour0 + 3600) +
                            ") GROUP BY sensor_id");
      if (r.size() != n_buildings * n_sensors)
        state.SkipWithError("reference saw the wrong number of sensors");
    }
    auto c = clock_type::now();
    if (report.marks_claimed != n_buildings * n_sensors)
      state.SkipWithError("job claimed the wrong number of marks");
    rows_written = report.buckets();
    job_s.push_back(std::chrono::duration<double>(b - a).count());
    ref_s.push_back(std::chrono::duration<double>(c - b).count());
    state.SetIterationTime(job_s.back());
  }
  auto mean = [](const std::vector<double>& v) {
    double t = 0;
    for (double x : v)
      t += x;
    return v.empty() ? 0.0 : t / static_cast<double>(v.size());
  };
  state.counters["job_s"] = mean(job_s);
  state.counters["bare_groupby_s"] = mean(ref_s);
  state.counters["ratio"] = mean(job_s) / mean(ref_s);
  state.counters["readings"] = static_cast<double>(n_buildings * n_sensors * 4);
  state.counters["summary_rows"] = static_cast<double>(rows_written);
}
// Argument: 0 = per-building summaries (the default options: the seed's daily_summaries job),
// 1 = per-sensor summaries too (refresh_options::sensor_scope = true).
BENCHMARK(hourly_aggregation_job)
    ->ArgName("sensor_scope")
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(smoke() ? 1 : 3);

}  // namespace

int main(int argc, char** argv) {
  if (!server_uri()) {
    std::puts(
        "energy_postgres_bench: skipped, no PostgreSQL server (set "
        "ENERGY_BENCH_POSTGRES_URI=postgresql://...)");
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
