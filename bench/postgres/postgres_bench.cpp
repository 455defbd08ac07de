// SPDX-License-Identifier: Apache-2.0
// Benchmarks of energy::postgres against a server given by ENERGY_BENCH_POSTGRES_URI (or the test
// fixture's, via ENERGY_TEST_SERVERS). Without one it prints why and exits 0.
//
//  ingest_vs_bare_copy: per repetition, the same rows are written (1) by a bare binary COPY
//    straight into the readings table (the adapter's encoder, nothing else) and (2) through
//    store::write_readings (binary COPY, dirty marks, commit), each into an emptied table.
//    Counters: rows/s of both and `ratio` = adapter rows/s ÷ bare COPY rows/s (target >= 0.70).
//  hourly_aggregation_job/sensor_scope:{1,0}: 50 buildings x 1,000 sensors x one hour of 15-minute
//    data written, then
//    aggregate::refresh_summaries timed (the seed's hourly job: target < 1 s). Reference in the
//    same run: one bare server-side GROUP BY summing the same hour per sensor (`ratio` = job /
//    reference).
//  refresh_vs_bare_copy: 20 buildings x 50 sensors (4 zones) of 15-minute energy,
//    ENERGY_BENCH_READINGS readings (default 10^6) written once; per repetition every building is
//    invalidated over all time (untimed) and aggregate::refresh_summaries recomputes everything
//    (timed), against the reference in the same run: a bare `COPY (SELECT ... ORDER BY sensor_id,
//    ts) TO STDOUT` of the same rows through libpq, every row received. Wall time (the server does
//    most of the work); `ratio` = refresh ÷ bare ordered COPY (target <= 2, issue #10).
//  daily_summaries_year: one building's 365 daily summaries read with read_summaries from a warm
//    server (50 buildings stored); counters p50_ms / p99_ms over all reads, and the same for a
//    bare prepared SELECT of the same rows (bare_p50_ms / bare_p99_ms), interleaved.
#include <benchmark/benchmark.h>

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/postgres.hpp>

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include "adapters/postgres/binary_copy.hpp"  // the reference COPY sends the adapter's bytes

#include <algorithm>
#include <array>
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
      // The same binary COPY the adapter sends, bare: no staging, savepoint or dirty marks.
      pqxx::work w{c};
      postgres_detail::copy_readings_binary(w, table, rows, postgres_detail::copy_ts::timestamptz);
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

/// Every reading in key order through libpq's COPY TO STDOUT: the cheapest ordered full read the
/// server offers a client. Returns the rows received.
std::int64_t bare_ordered_copy(const std::string& uri, const std::string& table) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    PQfinish(c);
    throw std::runtime_error("bare_ordered_copy: cannot connect");
  }
  const std::string sql = "COPY (SELECT sensor_id, ts, value, quality FROM " + table +
                          " ORDER BY sensor_id, ts) TO STDOUT";
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_OUT) {
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error("bare_ordered_copy: COPY did not start");
  }
  PQclear(r);
  std::int64_t rows = 0;
  char* line = nullptr;
  int n = 0;
  while ((n = PQgetCopyData(c, &line, 0)) > 0) {
    ++rows;
    PQfreemem(line);
  }
  while ((r = PQgetResult(c)) != nullptr)
    PQclear(r);
  PQfinish(c);
  return rows;
}

void refresh_vs_bare_copy(benchmark::State& state) {
  const auto uri = server_uri();
  if (!uri) {
    state.SkipWithError("no PostgreSQL server: set ENERGY_BENCH_POSTGRES_URI");
    return;
  }
  std::int64_t readings = smoke() ? 2 * 3 * 200 : 1'000'000;
  if (const char* v = std::getenv("ENERGY_BENCH_READINGS"); v && !smoke()) readings = std::stoll(v);
  const int n_buildings = smoke() ? 2 : 20, per_building = smoke() ? 3 : 50;
  const auto intervals = std::max<std::int64_t>(1, readings / (n_buildings * per_building));
  postgres_options o;
  o.schema = bench_schema("refresh");
  auto s = open_postgres_store(*uri, o);
  const std::array<const char*, 4> zones{"America/New_York", "Europe/Berlin", "Asia/Kolkata",
                                         "UTC"};
  const tenant t{uuid::v7(), "bench", {}};
  s->put_tenant(t);
  std::vector<uuid> buildings, sensors;
  for (int b = 0; b < n_buildings; ++b) {
    building x;
    x.id = uuid::v7();
    x.tenant_id = t.id;
    x.name = "building " + std::to_string(b);
    x.time_zone = zones[static_cast<std::size_t>(b) % zones.size()];
    x.flat_rate_per_kwh = money::from_micros(135'530);
    s->put_building(x);
    buildings.push_back(x.id);
    for (int k = 0; k < per_building; ++k) {
      sensor y;
      y.id = uuid::v7();
      y.building_id = x.id;
      y.interval_seconds = 900;
      s->put_sensor(y);
      sensors.push_back(y.id);
    }
  }
  const epoch_seconds t0 = 1'704'067'200;  // 2024-01-01T00:00:00Z
  reading_rows batch;
  for (std::int64_t i = 0; i < intervals; ++i) {
    for (std::size_t k = 0; k < sensors.size(); ++k)
      batch.push_back(sensors[k], t0 + i * 900,
                      static_cast<milli>(1000 + (i * 7 + static_cast<std::int64_t>(k) * 13) % 900));
    if (batch.size() >= 250'000 || i + 1 == intervals) {
      (void)s->write_readings(batch);
      batch.clear();
    }
  }
  (void)aggregate::refresh_summaries(*s);
  pqxx::connection c{*uri};
  const std::string table = c.quote_name(o.schema) + ".readings";
  {  // analysed and warm, as a long-running server's tables are
    pqxx::nontransaction w{c};
    w.exec0("ANALYZE " + table);
  }
  (void)bare_ordered_copy(*uri, table);
  const auto total = intervals * n_buildings * per_building;
  std::vector<double> copy_s, refresh_s;
  std::size_t read_back = 0;
  for (auto _ : state) {
    auto a = clock_type::now();
    const auto copied = bare_ordered_copy(*uri, table);
    auto b = clock_type::now();
    if (copied != total) state.SkipWithError("the bare COPY saw the wrong number of rows");
    for (const auto& id : buildings)
      s->invalidate_summaries(id, all_time());
    auto c0 = clock_type::now();
    read_back = aggregate::refresh_summaries(*s).readings_read;
    auto d = clock_type::now();
    if (static_cast<std::int64_t>(read_back) < total)
      state.SkipWithError("the refresh read fewer rows than are stored");
    copy_s.push_back(std::chrono::duration<double>(b - a).count());
    refresh_s.push_back(std::chrono::duration<double>(d - c0).count());
    state.SetIterationTime(refresh_s.back());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  state.counters["readings"] = static_cast<double>(total);
  state.counters["refresh_read"] = static_cast<double>(read_back);
  state.counters["bare_copy_s_best"] = *std::min_element(copy_s.begin(), copy_s.end());
  state.counters["refresh_s_best"] = *std::min_element(refresh_s.begin(), refresh_s.end());
  state.counters["ratio_best"] =
      state.counters["refresh_s_best"] / state.counters["bare_copy_s_best"];
  state.counters["ratio_median"] = median(refresh_s) / median(copy_s);
  pqxx::nontransaction w{c};
  w.exec0("DROP SCHEMA " + c.quote_name(o.schema) + " CASCADE");
}
BENCHMARK(refresh_vs_bare_copy)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(smoke() ? 1 : 3);

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
