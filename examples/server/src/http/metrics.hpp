// SPDX-License-Identifier: Apache-2.0
// Prometheus metrics of the process, rendered at /metrics in the text exposition format (0.0.4).
#pragma once

#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace energy::server {

using metric_labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/**
 * Counters, gauges and histograms keyed by name and label set. Names follow Prometheus
 * conventions (`energy_readings_ingested_total`, `energy_http_request_duration_seconds`).
 * Thread-safe: one mutex; every call is a map lookup and an add, cheap beside a request.
 */
class metrics {
 public:
  /// HELP text and type, printed once per family; families used without it are still printed.
  void describe(std::string_view name, std::string_view type, std::string_view help);
  void add(std::string_view counter, metric_labels labels, double by = 1.0);
  void set(std::string_view gauge, metric_labels labels, double value);
  /// Records one observation (seconds for durations) in a histogram with `buckets` upper bounds
  /// (the first observation fixes them; default: 1 ms .. 10 s).
  void observe(std::string_view histogram, metric_labels labels, double value,
               std::initializer_list<double> buckets = {});
  /// Current value of a counter or gauge (0 when never set); for tests and /readyz.
  [[nodiscard]] double value(std::string_view name, metric_labels labels = {}) const;
  /// The whole registry in Prometheus text format.
  [[nodiscard]] std::string render() const;

 private:
  struct histogram {
    std::vector<double> bounds;
    std::vector<std::uint64_t> counts;  // per bound, not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct family {
    std::string type;
    std::string help;
    std::map<std::string, double> values;         // rendered label set -> value
    std::map<std::string, histogram> histograms;  // rendered label set -> histogram
  };
  static std::string render_labels(metric_labels labels);

  mutable std::mutex mutex_;
  std::map<std::string, family, std::less<>> families_;
};

}  // namespace energy::server
