// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <stdexcept>
#include <string>

#include <energy/anomaly/detector.hpp>

namespace energy::anomaly {

static_assert(detector<threshold_detector>);
static_assert(detector<deviation_detector>);
static_assert(detector<data_quality_detector>);
static_assert(detector<after_hours_detector>);
static_assert(detector<any_detector>);

namespace {

/// The zone of `in`, which detector `who` cuts local hours and days in.
const time_zone& zone_of(const detection_input& in, const char* who) {
  if (!in.zone)
    throw std::invalid_argument(std::string(who) +
                                ": detection_input.zone is unset; this detector cuts local hours "
                                "and days, so it needs the building's time zone");
  return *in.zone;
}

}  // namespace

std::vector<anomaly> threshold_detector::detect(const detection_input& in) const {
  return detect_threshold(in.series, config, zone_of(in, "threshold_detector"));
}

std::vector<anomaly> deviation_detector::detect(const detection_input& in) const {
  if (in.expected == nullptr) return {};
  return detect_baseline_deviation(in.series, *in.expected, zone_of(in, "deviation_detector"),
                                   options);
}

std::vector<anomaly> data_quality_detector::detect(const detection_input& in) const {
  auto o = options;
  if (!o.zone) o.zone = in.zone;
  return detect_data_quality(in.series, o);
}

std::vector<anomaly> after_hours_detector::detect(const detection_input& in) const {
  return check(in).anomalies;
}

after_hours_result after_hours_detector::check(const detection_input& in) const {
  return check_after_hours(in.series, zone_of(in, "after_hours_detector"), schedule, options);
}

std::vector<anomaly> detect_all(const detection_input& in,
                                std::span<const any_detector> detectors) {
  std::vector<anomaly> out;
  for (const auto& d : detectors) {
    auto found = d.detect(in);
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  std::stable_sort(out.begin(), out.end(), [](const anomaly& a, const anomaly& b) {
    return a.range.start != b.range.start ? a.range.start < b.range.start : a.kind < b.kind;
  });
  return out;
}

}  // namespace energy::anomaly
