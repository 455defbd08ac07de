// SPDX-License-Identifier: Apache-2.0
// Labelled-data evaluation of the anomaly detectors: loads real meter series from the shared
// sample data, injects known anomalies at known places with a fixed seed, runs the detectors and
// scores them per kind. Used by bench/anomaly/anomaly_eval (prints the table in docs/anomaly.md)
// and by tests/unit/anomaly (asserts recall and quietness). Not part of the library.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <energy/anomaly/detector.hpp>

namespace energy::anomaly::eval {

/// A whole series owned in memory (the detectors take views of it).
struct owned_series {
  std::string name;
  std::string zone;
  std::int32_t interval_seconds = 3600;
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
  std::size_t skipped_rows = 0;  ///< unparseable values or repeated timestamps in the file
  [[nodiscard]] meter_series view() const;
};

/// Reads an OpenEEmeter sample CSV (`start,value`, kWh); `zone` is the building's zone for the
/// analysis. Timestamps with an offset are exact; without one they are wall-clock times in
/// `naive_zone` (fall-back repeats: the first is the earlier instant; times skipped by DST are
/// dropped and counted). Rows repeating an earlier timestamp, and unparseable values (the
/// files' trailing `nan`), are dropped and counted in skipped_rows.
/// The UK samples' naive times are GMT: they skip no hour in spring and repeat none in autumn.
/// @throws std::runtime_error naming the file and line when it cannot be read or a timestamp is
/// bad.
[[nodiscard]] owned_series load_eemeter_csv(const std::filesystem::path& file, std::string zone,
                                            std::int32_t interval_seconds,
                                            std::string_view naive_zone = {});

/// The REopt large-office load (8,760 hourly kW values, no timestamps) as hourly kWh from
/// 2017-01-01 00:00 in the fixed zone Etc/GMT+8 (the file has no DST: Pacific standard time).
[[nodiscard]] owned_series load_reopt_office(const std::filesystem::path& file);

/// The injected (or natural) anomaly classes of the evaluation.
enum class injected : std::uint8_t { spike, level_shift, stuck, gap, schedule_drift };
[[nodiscard]] std::string_view to_string(injected k) noexcept;
/// The detector kind expected to find each injected class.
[[nodiscard]] anomaly_kind detected_as(injected k) noexcept;

struct label {
  injected kind;
  time_range range;
  bool natural = false;  ///< present in the source file (a real gap), not injected
};

struct injection_plan {
  std::uint64_t seed = 20261126;
  int spikes = 20;
  int level_shifts = 8;
  int stuck = 8;
  int gaps = 8;
  int schedule_drifts = 0;  ///< only meaningful for a scheduled (commercial) building
};

/// Injects the plan into a copy of `clean` (disjoint events ≥ 3 days apart); labels include the
/// series' natural gaps. Deterministic for a given seed.
[[nodiscard]] std::pair<owned_series, std::vector<label>> inject(const owned_series& clean,
                                                                 const injection_plan& plan);

/// The expected series for the deviation detector: for each row, the median of the values at the
/// same time 1–4 weeks earlier (those present; NaN when fewer than two), in kWh as a model
/// predicts.
[[nodiscard]] baseline::prediction same_time_of_week_median(const owned_series& s);

/// All four detectors with default options.
[[nodiscard]] std::vector<any_detector> default_detectors();

struct kind_score {
  injected kind;
  std::size_t labels = 0, found = 0;        ///< recall = found / labels
  std::size_t detections = 0, correct = 0;  ///< precision = correct / detections
  [[nodiscard]] double recall() const noexcept;
  [[nodiscard]] double precision() const noexcept;
  [[nodiscard]] double f1() const noexcept;
};

/// Event-level matching with a tolerance of `tolerance_intervals` on both sides: a label is found
/// when a detection of its kind overlaps it; a detection is correct when it overlaps any label.
[[nodiscard]] std::vector<kind_score> score(const std::vector<anomaly>& found,
                                            const std::vector<label>& labels,
                                            std::int32_t interval_seconds,
                                            int tolerance_intervals = 2);

/// Runs the detectors on a series (with its same-time-of-week expected series).
[[nodiscard]] std::vector<anomaly> run_detectors(const owned_series& s);

/// Detections of `kind` per year of data on an un-injected series (natural gaps excluded).
[[nodiscard]] double false_positives_per_year(const owned_series& clean, anomaly_kind kind);

}  // namespace energy::anomaly::eval
