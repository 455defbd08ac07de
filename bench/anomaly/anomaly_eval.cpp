// SPDX-License-Identifier: Apache-2.0
// Prints the detection table of docs/anomaly.md: anomalies injected with a fixed seed into real
// meter series from the shared sample data, precision / recall / F1 per kind, and false positives
// per year on the same series without injections.
//
// Usage: energy_anomaly_eval [DATA_DIR]   (default: the ../shared/data beside the source tree)
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "eval_harness.hpp"

namespace ev = energy::anomaly::eval;

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ENERGY_DATA_DIR;
  struct dataset {
    ev::owned_series series;
    ev::injection_plan plan;
  };
  std::vector<dataset> sets;
  sets.push_back({ev::load_eemeter_csv(dir / "eemeter/il-electricity-cdd-only-hourly.csv",
                                       "America/Chicago", 3600),
                  {}});
  sets.push_back({ev::load_eemeter_csv(dir / "eemeter/uk-electricity-hdd-only-hourly-sample-1.csv",
                                       "Europe/London", 1800, "Etc/UTC"),
                  {}});
  sets.push_back({ev::load_eemeter_csv(dir / "eemeter/uk-electricity-hdd-only-hourly-sample-2.csv",
                                       "Europe/London", 1800, "Etc/UTC"),
                  {}});
  ev::injection_plan office;
  office.schedule_drifts = 6;
  sets.push_back(
      {ev::load_reopt_office(dir / "tariffs/reopt_loads_kw_largeoffice_sanfran.csv"), office});

  std::vector<ev::kind_score> totals;
  fmt::print(
      "| series | injected kind | labels | found | detections | correct | precision | recall | F1 "
      "| FP/yr clean |\n");
  fmt::print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& d : sets) {
    const auto [injected, labels] = ev::inject(d.series, d.plan);
    const auto found = ev::run_detectors(injected);
    const auto scores = ev::score(found, labels, injected.interval_seconds);
    for (const auto& s : scores) {
      if (s.labels == 0 && s.detections == 0) continue;
      const double fp = ev::false_positives_per_year(d.series, ev::detected_as(s.kind));
      fmt::print("| {} | {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.1f} |\n",
                 d.series.name, ev::to_string(s.kind), s.labels, s.found, s.detections, s.correct,
                 s.precision(), s.recall(), s.f1(), fp);
      auto it = std::find_if(totals.begin(), totals.end(),
                             [&](const ev::kind_score& t) { return t.kind == s.kind; });
      if (it == totals.end()) totals.push_back(ev::kind_score{s.kind});
      it = std::find_if(totals.begin(), totals.end(),
                        [&](const ev::kind_score& t) { return t.kind == s.kind; });
      it->labels += s.labels;
      it->found += s.found;
      it->detections += s.detections;
      it->correct += s.correct;
    }
  }
  for (const auto& t : totals)
    fmt::print("| **all** | {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {:.2f} | |\n",
               ev::to_string(t.kind), t.labels, t.found, t.detections, t.correct, t.precision(),
               t.recall(), t.f1());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "energy_anomaly_eval: %s\n", e.what());
  return 1;
}
