// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <concepts>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <energy/anomaly/detectors.hpp>

/**
 * Detectors as plug-ins: a compile-time concept for hot loops and one type-erased wrapper for the
 * places that pick detectors at run time (configuration, Python). The detector structs below
 * wrap the free functions of detectors.hpp with their options.
 */
namespace energy::anomaly {

/// Everything a detector may read. `expected` is a baseline model's prediction for the series'
/// rows (kWh, see detect_baseline_deviation), or null when no baseline is available; the caller
/// keeps it alive during the call.
struct detection_input {
  const meter_series& series;
  std::optional<time_zone> zone;
  const baseline::prediction* expected = nullptr;
};

template <class D>
concept detector = requires(const D& d, const detection_input& in) {
  { d.detect(in) } -> std::same_as<std::vector<anomaly>>;
  { d.name() } -> std::convertible_to<std::string_view>;
};

struct threshold_detector {
  alert_config config;
  [[nodiscard]] std::vector<anomaly> detect(const detection_input& in) const;
  [[nodiscard]] std::string_view name() const noexcept { return "threshold"; }
};

/// Reports nothing when the input has no expected series.
struct deviation_detector {
  deviation_options options;
  [[nodiscard]] std::vector<anomaly> detect(const detection_input& in) const;
  [[nodiscard]] std::string_view name() const noexcept { return "baseline_deviation"; }
};

struct data_quality_detector {
  data_quality_options options;
  [[nodiscard]] std::vector<anomaly> detect(const detection_input& in) const;
  [[nodiscard]] std::string_view name() const noexcept { return "data_quality"; }
};

/// Detects the schedule from the same series, then flags after-hours waste against it.
/// `detect` returns nothing for a building without a detectable schedule; `check` also says so.
struct after_hours_detector {
  schedule_options schedule;
  after_hours_options options;
  [[nodiscard]] std::vector<anomaly> detect(const detection_input& in) const;
  [[nodiscard]] after_hours_result check(const detection_input& in) const;
  [[nodiscard]] std::string_view name() const noexcept { return "after_hours"; }
};

/// Type-erased detector: holds any `detector` by value. Copyable; thread-safety as the held type
/// (the detectors above are immutable and safe to share).
class any_detector {
 public:
  template <detector D>
  requires(!std::same_as<std::remove_cvref_t<D>, any_detector>)
      any_detector(D d)  // NOLINT(google-explicit-constructor): a wrapper converts implicitly
      : self_(std::make_shared<model<D>>(std::move(d))) {}

  [[nodiscard]] std::vector<anomaly> detect(const detection_input& in) const {
    return self_->detect(in);
  }
  [[nodiscard]] std::string_view name() const noexcept { return self_->name(); }

 private:
  struct concept_t {
    virtual ~concept_t() = default;
    [[nodiscard]] virtual std::vector<anomaly> detect(const detection_input& in) const = 0;
    [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  };
  template <class D>
  struct model final : concept_t {
    explicit model(D d) : d_(std::move(d)) {}
    [[nodiscard]] std::vector<anomaly> detect(const detection_input& in) const override {
      return d_.detect(in);
    }
    [[nodiscard]] std::string_view name() const noexcept override { return d_.name(); }
    D d_;
  };
  std::shared_ptr<const concept_t> self_;
};

/// Runs every detector over the same input; the anomalies of all of them, sorted by start, then
/// kind.
[[nodiscard]] std::vector<anomaly> detect_all(const detection_input& in,
                                              std::span<const any_detector> detectors);

}  // namespace energy::anomaly

ENERGY_API_END
