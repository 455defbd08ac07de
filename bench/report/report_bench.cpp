// SPDX-License-Identifier: Apache-2.0
// Reports end to end on a SQLite store (issue #16): a one-year efficiency report of one building
// with 15-minute data (< 300 ms including the PDF) and a 50-building comparison (< 3 s), with the
// time split between analysis (build_report) and rendering (to_pdf, to_json). Reference in the
// same run: reading the year's raw readings of the building from the store (the data floor).
// ENERGY_BENCH_SMOKE=1: 60 days and 3 buildings, month reports.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include <energy/report/pdf.hpp>
#include <energy/report/render.hpp>
#include <energy/report/report.hpp>
#include <energy/storage/sqlite.hpp>

#include "report_site.hpp"

namespace {

using namespace energy;
namespace fs = std::filesystem;

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

constexpr const char* zone = "America/Chicago";

/// One building with 15-minute data over the report year and the year before (the baseline's
/// fit window), in a SQLite file; 50 more buildings with day summaries only (what a comparison
/// reads).
struct bench_site {
  fs::path dir = fs::temp_directory_path() / ("energy-report-bench-" + uuid::v7().to_string());
  testing::report_site site;
  uuid office;
  std::chrono::local_days end;
  report::period_length length =
      smoke() ? report::period_length::month : report::period_length::year;

  bench_site() {
    fs::create_directories(dir);
    site.db = storage::open_sqlite_store(dir / "bench.db");
    site.db->put_tenant(tenant{site.tenant_id, "Bench", {}});
    end = std::chrono::local_days{std::chrono::year{2025} / 1 / 1};
    const auto from = smoke() ? end - std::chrono::days{60} : end - std::chrono::days{2 * 365};
    const auto to_utc = [](std::chrono::local_days d) { return find_zone(zone).first_instant(d); };
    office = testing::add_office(site, "Office", zone, 50'000, to_utc(from), to_utc(end));
    const int others = smoke() ? 2 : 49;
    const int days = smoke() ? 60 : 2 * 365;
    for (int b = 0; b < others; ++b)
      add_summarised(b, days, to_utc);
  }
  ~bench_site() {
    site.db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  template <class ToUtc>
  void add_summarised(int index, int days, ToUtc to_utc) {
    building b;
    b.id = uuid::v7();
    b.tenant_id = site.tenant_id;
    b.name = "Building " + std::to_string(index + 2);
    b.time_zone = zone;
    b.square_footage = 20'000 + 1'000 * index;
    site.db->put_building(b);
    sensor s;
    s.id = uuid::v7();
    s.building_id = b.id;
    site.db->put_sensor(s);
    std::vector<summary_row> rows;
    for (int d = 0; d < days; ++d) {
      const auto day = end - std::chrono::days{days - d};
      summary_row r;
      r.scope = summary_scope::building;
      r.subject_id = b.id;
      r.res = resolution::day;
      r.period = {to_utc(day), to_utc(day + std::chrono::days{1})};
      r.local_start = std::chrono::local_seconds{day};
      r.reading_count = (r.period.end - r.period.start).count() / 900;
      r.consumption = 1'000'000 + 10'000 * index + 1'000 * (d % 7);
      r.peak_demand = 80'000;
      rows.push_back(r);
    }
    site.db->backend().commit_summaries(rows, {});
  }

  [[nodiscard]] report::report_request request(report::report_type type) const {
    report::report_request q;
    q.type = type;
    q.period = length;
    q.building_id = office;
    q.end = end;
    q.now = find_zone(zone).first_instant(end);
    q.tariffs = {
        {std::chrono::local_days{}, billing::flat_energy_tariff(*money::parse("0.12")), "USD"}};
    return q;
  }
};

bench_site& fixture() {
  static bench_site s;
  return s;
}

void read_year_readings(benchmark::State& state) {
  auto& f = fixture();
  const auto r = report::make_window(f.length, f.end, find_zone(zone));
  for (auto _ : state)
    benchmark::DoNotOptimize(f.site.db->read_building_readings(f.office, r.range));
}
BENCHMARK(read_year_readings)->Unit(benchmark::kMillisecond);

void efficiency_analysis(benchmark::State& state) {
  auto& f = fixture();
  const auto q = f.request(report::report_type::efficiency);
  for (auto _ : state)
    benchmark::DoNotOptimize(report::build_report(*f.site.db, q));
}
BENCHMARK(efficiency_analysis)->Unit(benchmark::kMillisecond);

void efficiency_pdf(benchmark::State& state) {
  auto& f = fixture();
  const auto r = report::build_report(*f.site.db, f.request(report::report_type::efficiency));
  std::size_t bytes = 0;
  for (auto _ : state)
    bytes = report::to_pdf(r).size();
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(efficiency_pdf)->Unit(benchmark::kMillisecond);

void efficiency_json(benchmark::State& state) {
  auto& f = fixture();
  const auto r = report::build_report(*f.site.db, f.request(report::report_type::efficiency));
  for (auto _ : state)
    benchmark::DoNotOptimize(report::to_json(r));
}
BENCHMARK(efficiency_json)->Unit(benchmark::kMillisecond);

void efficiency_end_to_end_pdf(benchmark::State& state) {
  auto& f = fixture();
  const auto q = f.request(report::report_type::efficiency);
  for (auto _ : state)
    benchmark::DoNotOptimize(report::to_pdf(report::build_report(*f.site.db, q)));
}
BENCHMARK(efficiency_end_to_end_pdf)->Unit(benchmark::kMillisecond);

void comparison_analysis(benchmark::State& state) {
  auto& f = fixture();
  const auto q = f.request(report::report_type::comparison);
  for (auto _ : state)
    benchmark::DoNotOptimize(report::build_report(*f.site.db, q));
}
BENCHMARK(comparison_analysis)->Unit(benchmark::kMillisecond);

void comparison_end_to_end_pdf(benchmark::State& state) {
  auto& f = fixture();
  const auto q = f.request(report::report_type::comparison);
  for (auto _ : state) {
    const auto r = report::build_report(*f.site.db, q);
    state.counters["buildings"] = static_cast<double>(r.comparison.size());
    benchmark::DoNotOptimize(report::to_pdf(r));
  }
}
BENCHMARK(comparison_end_to_end_pdf)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
