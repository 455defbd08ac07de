// SPDX-License-Identifier: Apache-2.0
// The detectors against anomalies injected into real meter series (shared sample data, see
// ../shared/data/PROVENANCE.md: OpenEEmeter samples Apache-2.0, REopt load Apache-2.0).
// Bounds are recall floors and false-positive ceilings documented in docs/anomaly.md, not outputs.
#include <catch2/catch.hpp>

#include <filesystem>

#include "eval_harness.hpp"

namespace ev = energy::anomaly::eval;
using energy::anomaly::anomaly_kind;

namespace {

const std::filesystem::path data_dir{ENERGY_TEST_DATA_DIR};

bool have(const std::filesystem::path& p) {
  if (std::filesystem::exists(data_dir / p)) return true;
  WARN("sample data missing, skipped: " << (data_dir / p).string());
  return false;
}

ev::kind_score of(const std::vector<ev::kind_score>& s, ev::injected k) {
  return *std::find_if(s.begin(), s.end(), [&](const ev::kind_score& x) { return x.kind == k; });
}

}  // namespace

TEST_CASE("injected spikes, stuck values and gaps are found in real residential series",
          "[anomaly][eval]") {
  struct file {
    const char* path;
    const char* zone;
    std::int32_t interval;
    const char* naive_zone;
    double spike_recall;
    double level_shift_recall;
  };
  // The IL file's synthetic hourly noise is so large that about half of the injected spikes
  // (+2-4 x the 99th percentile) stay under the 30 robust SDs of the interval-to-interval change
  // that keeps the spike detector quiet on clean homes (docs/anomaly.md).
  for (const auto& f :
       {file{"eemeter/il-electricity-cdd-only-hourly.csv", "America/Chicago", 3600, "", 0.5, 0.1},
        file{"eemeter/uk-electricity-hdd-only-hourly-sample-1.csv", "Europe/London", 1800,
             "Etc/UTC", 0.9, 0.7}}) {
    if (!have(f.path)) continue;
    INFO(f.path);
    const auto clean = ev::load_eemeter_csv(data_dir / f.path, f.zone, f.interval, f.naive_zone);
    const auto [injected, labels] = ev::inject(clean, ev::injection_plan{});
    const auto scores = ev::score(ev::run_detectors(injected), labels, injected.interval_seconds);
    CHECK(of(scores, ev::injected::spike).labels == 20);
    CHECK(of(scores, ev::injected::spike).recall() >= f.spike_recall);
    CHECK(of(scores, ev::injected::spike).precision() >= 0.9);
    CHECK(of(scores, ev::injected::stuck).recall() >= 0.9);
    CHECK(of(scores, ev::injected::stuck).precision() >= 0.9);
    CHECK(of(scores, ev::injected::gap).recall() == 1.0);
    CHECK(of(scores, ev::injected::gap).precision() == 1.0);
    // Level shifts against the same-time-of-week baseline (CUSUM default, docs/anomaly.md):
    // 1 of 8 on IL and 6 of 8 on UK sample 1 today (IL's synthetic hourly noise hides most).
    CHECK(of(scores, ev::injected::level_shift).recall() >= f.level_shift_recall);
    CHECK(of(scores, ev::injected::level_shift).precision() >= 0.6);
  }
}

TEST_CASE("level shifts and schedule drift are found in a commercial load", "[anomaly][eval]") {
  const std::filesystem::path f = "tariffs/reopt_loads_kw_largeoffice_sanfran.csv";
  if (!have(f)) return;
  const auto clean = ev::load_reopt_office(data_dir / f);
  ev::injection_plan plan;
  plan.schedule_drifts = 6;
  const auto [injected, labels] = ev::inject(clean, plan);
  const auto scores = ev::score(ev::run_detectors(injected), labels, injected.interval_seconds);
  CHECK(of(scores, ev::injected::level_shift).recall() >= 0.85);
  CHECK(of(scores, ev::injected::level_shift).precision() >= 0.85);
  CHECK(of(scores, ev::injected::schedule_drift).labels >= 4);
  CHECK(of(scores, ev::injected::schedule_drift).recall() >= 0.8);
  CHECK(of(scores, ev::injected::spike).recall() >= 0.9);
  CHECK(of(scores, ev::injected::stuck).recall() >= 0.9);
}

TEST_CASE("the detectors stay quiet on clean real data", "[anomaly][eval]") {
  const std::filesystem::path f = "tariffs/reopt_loads_kw_largeoffice_sanfran.csv";
  if (!have(f)) return;
  const auto office = ev::load_reopt_office(data_dir / f);
  // Ceilings per year of data (docs/anomaly.md): a stuck meter or a gap never without cause,
  // spikes rarely, deviations and after-hours events at most a few a month.
  CHECK(ev::false_positives_per_year(office, anomaly_kind::flatline) == 0.0);
  CHECK(ev::false_positives_per_year(office, anomaly_kind::missing_data) == 0.0);
  CHECK(ev::false_positives_per_year(office, anomaly_kind::spike) <= 2.0);
  CHECK(ev::false_positives_per_year(office, anomaly_kind::baseline_deviation) <= 2.0);  // 0 today
  CHECK(ev::false_positives_per_year(office, anomaly_kind::after_hours_waste) <= 2.0);
  const std::filesystem::path uk = "eemeter/uk-electricity-hdd-only-hourly-sample-1.csv";
  if (!have(uk)) return;
  const auto home = ev::load_eemeter_csv(data_dir / uk, "Europe/London", 1800, "Etc/UTC");
  CHECK(ev::false_positives_per_year(home, anomaly_kind::flatline) <= 1.0);
  CHECK(ev::false_positives_per_year(home, anomaly_kind::missing_data) == 0.0);
  CHECK(ev::false_positives_per_year(home, anomaly_kind::spike) <= 2.0);
  CHECK(ev::false_positives_per_year(home, anomaly_kind::after_hours_waste) == 0.0);
  // Real away-weeks and guests of the home count too (3.1 a year today, docs/anomaly.md).
  CHECK(ev::false_positives_per_year(home, anomaly_kind::baseline_deviation) <= 4.0);
}

TEST_CASE("the eemeter loader reads offsets and naive GMT times, dropping only repeated rows",
          "[anomaly][eval]") {
  const std::filesystem::path il = "eemeter/il-electricity-cdd-only-hourly.csv";
  if (!have(il)) return;
  const auto s = ev::load_eemeter_csv(data_dir / il, "America/Chicago", 3600);
  CHECK(s.ts.size() == 19417);
  CHECK(s.skipped_rows == 0);
  // Hourly and gap-free across both DST changes of the file.
  for (std::size_t i = 1; i < s.ts.size(); ++i)
    REQUIRE(s.ts[i] - s.ts[i - 1] == 3600);
  const std::filesystem::path uk = "eemeter/uk-electricity-hdd-only-hourly-sample-1.csv";
  if (!have(uk)) return;
  const auto u = ev::load_eemeter_csv(data_dir / uk, "Europe/London", 1800, "Etc/UTC");
  CHECK(u.ts.size() + u.skipped_rows == 22536);
  CHECK(u.skipped_rows == 15);  // 15 midnights repeated with the same value, one a month
}
