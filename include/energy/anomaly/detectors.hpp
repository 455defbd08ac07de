// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/anomaly/anomaly.hpp>
#include <energy/baseline/series.hpp>
#include <energy/model.hpp>

/**
 * Anomaly detectors: pure functions over one meter's interval series. No I/O, no global state;
 * every function is safe to call concurrently on different (or the same, read-only) inputs.
 * Every detector returns anomalies sorted by start time; each one covers whole intervals.
 * All calls @throws std::invalid_argument when the series is malformed (meter_series::validate())
 * (a detector given a `detection_input` without the zone it needs throws too). Bad *values*
 * (negative, absurd, missing) never throw: they are what the data-quality detector reports.
 *
 * Cost: each detector is O(n) or O(n log n) in the number of rows (medians use nth_element).
 */
namespace energy::anomaly {

// ---------------------------------------------------------------------------------------------
// Threshold (alert_configs)

/**
 * Flags every window whose total exceeds `config.threshold` (milli-units per window).
 * Windows: quarter_hour = [hh:00, hh:15) …, hour = local clock hours, day = the building's local
 * calendar day (23 or 25 hours at DST changes), all cut in `zone`. Consecutive exceeding windows
 * merge into one anomaly; `expected` is the threshold, `actual` the largest window total in it.
 * A disabled config yields nothing.
 * @throws std::invalid_argument when the window is shorter than the series interval (a 15-minute
 * threshold cannot be judged from hourly data) or the threshold is not positive.
 */
[[nodiscard]] std::vector<anomaly> detect_threshold(const meter_series& series,
                                                    const alert_config& config,
                                                    const time_zone& zone);

// ---------------------------------------------------------------------------------------------
// Deviation from a baseline

/// How detect_baseline_deviation() decides that the load has departed from the baseline.
enum class deviation_method : std::uint8_t {
  /// Sequential test over blocks of local time (default): each block's median log ratio
  /// actual/expected, against the series' own multi-day variation, accumulates in a two-sided
  /// CUSUM, so a departure of several days adds up while one odd day does not. Needs about a
  /// day and a half of departure before it reports (the `cusum_*` options below).
  cusum,
  /// Mean robust z of the hourly residuals over a centred window (`z_threshold`,
  /// `smoothing_seconds`): the earlier method, quicker to fire (with a short window and minimum
  /// duration, as the server's alert rules set) but noisier on homes (docs/anomaly.md).
  smoothed_z,
};
/// "cusum", "smoothed_z" (energy/enum_names.hpp: enum_values, try_parse, parse).
[[nodiscard]] std::string_view to_string(deviation_method m) noexcept;

struct deviation_options {
  /// Default `cusum`: on the tuning half of the evaluation in docs/anomaly.md it raised the
  /// level-shift F1 over all series from 0.41 (smoothed_z) to 0.71 (homes 0.05-0.17 → 0.54-0.69,
  /// the office 0.96 → 0.95), with no clean-data alert on IL or the office.
  deviation_method method = deviation_method::cusum;

  // --- cusum -------------------------------------------------------------------------------
  /// Local-time blocks judged as one value (aligned to local midnight; must divide a day; a
  /// series whose interval is longer uses its interval). Per row the log ratio
  /// ln((max(actual, 0) + f) / (max(expected, 0) + f)) with f = log_floor_fraction × the
  /// median |expected| of the series (so near-zero hours, or a model predicting below zero,
  /// do not dominate); a block's value is the median of its rows' log ratios (a level shift
  /// moves every hour, an evening of cooking only a few), at least half its rows present.
  /// 2 h on the tuning half (1-6 h tried, F1 within 0.05; 24 h lost half the recall).
  std::int64_t block_seconds = 2 * 3600;
  double log_floor_fraction = 0.25;
  /// Scale: a block's departure d = value − the median of its block-of-the-week slot, divided by
  /// the robust sigma (1.4826·MAD, at least 0.01) of the means of d over `scale_window_seconds`
  /// (2 days), taken within ±scale_radius_seconds (8 weeks) of the block's local day (the whole
  /// series when that holds under half the radius of means, or when the radius is 0). The scale
  /// is that of the series' own multi-day episodes in that season, not of single blocks: a home
  /// with frequent away-days or guests, or a heating season of larger swings, needs a larger
  /// departure. A 2-7-day departure is a small part of the 16-week neighbourhood, so the robust
  /// sigma hardly moves with it. 8 weeks on the tuning half: level-shift F1 0.71 against 0.66
  /// with the whole series' scale (2 and 4 weeks: 0.66 and 0.70).
  std::int64_t scale_window_seconds = 2 * 86400;
  std::int64_t scale_radius_seconds = 56 * 86400;
  /// CUSUM: z = d / scale clipped to ±cusum_cap; S⁺ = max(0, S⁺ + z − k), S⁻ likewise with −z;
  /// reported when S reaches cusum_h (units of the scale, summed over blocks). With the defaults
  /// a block adds at most 1.5, so ≥ 16 blocks (32 h at 2 h blocks) of strong departure are needed
  /// and a single day (a public holiday) never suffices. The run reported is from the block
  /// where S left zero to the last block that added to it. A missing block restarts S. When the
  /// series' interval is longer than block_seconds, each interval adds what the blocks it spans
  /// would (a daily series needs two days, as an hourly one 32 hours).
  /// Chosen on the tuning half (k 1-2, h 8-48, cap 2-4 tried; see docs/anomaly.md).
  double cusum_k = 1.5;
  double cusum_h = 24.0;
  double cusum_cap = 3.0;

  // --- smoothed_z ----------------------------------------------------------------------------
  /// An interval is flagged when the mean robust z over a centred window of `smoothing_seconds`
  /// exceeds z_threshold in magnitude. Per row z = (r − median_slot) / scale with r = actual −
  /// expected, the slot the local hour of the week, and scale the larger of the slot's
  /// 1.4826·MAD and the robust sigma of all residuals within ±2 weeks (so a season of larger
  /// residuals, e.g. summer cooling against a weather-free baseline, does not flag as a whole).
  /// Averaging over the window separates a sustained shift from interval-to-interval noise.
  /// Defaults (24 h window) chosen on the tuning half of the evaluation in docs/anomaly.md: a
  /// 12-hour window flagged natural evening-to-evening swings of homes.
  double z_threshold = 2.0;
  std::int64_t smoothing_seconds = 24 * 3600;
  /// Flagged runs of the same sign separated by at most this much unflagged time merge.
  std::int64_t merge_gap_seconds = 3600;
  /// Floor of the scale, as a fraction of the median |expected| of the slot: a slot whose
  /// residuals are all (nearly) identical would otherwise flag any change of a watt-hour.
  double min_scale_fraction = 0.05;

  // --- both ----------------------------------------------------------------------------------
  /// A run must last at least this long to become an anomaly (stops flapping on single noisy
  /// intervals; spikes are the data-quality detector's job). 36 h: shorter runs on the tuning
  /// half were mostly single public holidays of the office (a one-day departure is reported only
  /// by smoothed_z with a shorter min_duration_seconds, e.g. 12 h).
  std::int64_t min_duration_seconds = 36 * 3600;
  /// The event total must also depart from the expected total by at least this fraction.
  double min_relative_deviation = 0.15;
};

/**
 * Sustained departures of the measured load from a baseline model's prediction, judged by
 * `options.method` (see deviation_method; centres and scales are robust and learned from the
 * series itself, so one bad week moves neither). Runs become `baseline_deviation` anomalies;
 * `expected`/`actual` are the exact totals over the run (milli-units, like every anomaly).
 * `score`: cusum, the run's mean departure in units of the scale; smoothed_z, its mean |z|.
 *
 * `expected` is the model's output as the baseline models return it (`predict(...)`): one row per
 * series row, in the sensor's canonical unit (kWh for electricity), NaN where the model has none;
 * only `expected.expected` is read. The series itself is the measured milli-units (Wh); the
 * conversion between the two happens here, never in the caller (docs/time-and-units.md, "Units").
 * Severity: critical when the CUSUM reaches 2·cusum_h (cusum) or |mean z| ≥ 2·z_threshold
 * (smoothed_z), else warning.
 * @throws std::invalid_argument when expected.size() != series.size(), or (cusum) when
 * block_seconds is not positive or a block shorter than a day does not divide it, or
 * scale_window_seconds, cusum_h or cusum_cap is not positive or scale_radius_seconds negative.
 */
[[nodiscard]] std::vector<anomaly> detect_baseline_deviation(const meter_series& series,
                                                             const baseline::prediction& expected,
                                                             const time_zone& zone,
                                                             const deviation_options& options = {});

// ---------------------------------------------------------------------------------------------
// Data quality

struct data_quality_options {
  /// Minimum run of identical consecutive values that counts as a flatline. 0 = automatic:
  /// the longer of 6 hours and 3 × the 99.5th percentile of the series' own run lengths, so a
  /// meter that legitimately repeats (zero at night, a coarse register) is judged against itself.
  std::int32_t flatline_min_intervals = 0;
  /// A spike is a row whose distance to *both* neighbours exceeds spike_z robust standard
  /// deviations of the first differences (1.4826·MAD of Δ) and spike_min_relative × the series'
  /// median level (so a quiet meter's tiny steps are not spikes), and whose level is more than
  /// spike_level_z robust standard deviations from the median of its local hour of the week
  /// (so the evening kettle of a home, large but usual at that hour, is not a spike).
  /// spike_z = 30 was chosen on the tuning half of the evaluation (docs/anomaly.md): at 10, homes
  /// showed 10-20 natural appliance peaks a year.
  double spike_z = 30.0;
  double spike_min_relative = 1.0;
  double spike_level_z = 12.0;
  /// Zone for the hour-of-week slots of the spike level test; unset = UTC hours.
  std::optional<time_zone> zone;
  /// Physical bound for one interval (milli-units), e.g. from sensor::max_value. Unset: none.
  std::optional<milli> max_value;
  /// The period the series should cover: gaps before the first and after the last row count too.
  std::optional<time_range> expected_range;
};

/**
 * Negative values, values above max_value, missing intervals (gaps between rows longer than one
 * interval; a row off the interval grid counts as the end of a gap), flatlines, spikes and rows
 * flagged quality::meter_reset. One anomaly per contiguous run; `expected`/`actual` per kind:
 * negative/impossible: 0 or the bound / the run total; missing: 0 / 0 (the explanation gives the
 * count); flatline: the series' median level × run length / the run total; spike: the mean of
 * the two neighbours / the value.
 */
[[nodiscard]] std::vector<anomaly> detect_data_quality(const meter_series& series,
                                                       const data_quality_options& options = {});

/**
 * Meter resets of a cumulative register (raw register readings in the sensor's unit, `ts` UTC
 * strictly increasing). A decrease is a reset unless `register_max` is set and the drop is a
 * rollover (previous value within 10 % of register_max of the top and the new value within 10 %
 * of zero). One anomaly per reset over `[ts[i-1], ts[i])`; `expected` = previous register value,
 * `actual` = new value, both in milli-units.
 * @throws std::invalid_argument when the spans differ in length or ts is not increasing.
 */
[[nodiscard]] std::vector<anomaly> detect_register_resets(const uuid& building_id,
                                                          const std::optional<uuid>& sensor_id,
                                                          std::span<const epoch_seconds> ts,
                                                          std::span<const double> register_values,
                                                          std::optional<double> register_max = {});

// ---------------------------------------------------------------------------------------------
// Operating schedule and after-hours waste

/// Occupied hours of one local weekday: `[start_hour, end_hour)` local clock hours.
struct day_schedule {
  bool occupied = false;
  std::int32_t start_hour = 0;
  std::int32_t end_hour = 0;
  friend bool operator==(const day_schedule&, const day_schedule&) = default;
};

/// Why a schedule was or was not found (operating_schedule::status).
enum class schedule_status : std::uint8_t {
  detected,              ///< occupied hours found and confirmed week by week
  too_little_data,       ///< fewer than half of the 168 hours of the week observed (or no rows)
  no_contrast,           ///< the busiest hours are not clearly above the quietest (24/7 or flat)
  inconsistent_weeks,    ///< too few weeks repeat the schedule (a home that peaks in summer, a
                         ///< weather-driven day/night swing without an operating schedule)
  irregular_unoccupied,  ///< the unoccupied hours vary too much to tell waste from normal use
};
[[nodiscard]] std::string_view to_string(schedule_status s) noexcept;

/**
 * A building's weekly operating schedule as detected from its load. `days[0]` is Monday.
 * Levels are typical milli-units per interval (median of the hour-of-week profile's lower and
 * upper parts). `detected` is false when the load shows no occupied/unoccupied contrast (a 24/7
 * building or a flat residential profile): then every hour is treated as occupied, and
 * `status`/`reason` say why (the reason is one sentence with the numbers that decided it).
 */
struct operating_schedule {
  std::array<day_schedule, 7> days{};
  double unoccupied_level = 0.0;
  double occupied_level = 0.0;
  bool detected = false;
  schedule_status status = schedule_status::too_little_data;
  std::string reason;

  /// True when local hour-of-week `how` (0 = Monday 00:00) is inside the occupied hours.
  [[nodiscard]] bool occupied(std::uint8_t how) const noexcept;
  /// Occupied hours per week.
  [[nodiscard]] std::int32_t occupied_hours_per_week() const noexcept;
};

struct schedule_options {
  /// The profile must reach occupied/unoccupied ≥ this ratio to count as scheduled.
  double min_peak_to_base = 1.6;
  /// An hour is occupied when its profile value is above base + fraction × (peak − base).
  double threshold_fraction = 0.5;
  /// At least this share of the weeks must show occupied hours (median) above √min_peak_to_base ×
  /// their unoccupied hours (median): a home that only peaks in the cooling season has no schedule.
  double min_consistent_weeks = 0.75;
  /// ... and at least this share of that week's readings must lie on the schedule's side of the
  /// midpoint base + threshold_fraction × (peak − base) (occupied hours above it, unoccupied
  /// below): the week repeats the schedule. A weather-driven day/night swing without a schedule
  /// agrees in about half its readings, an office in 95 % or more.
  double min_week_agreement = 0.8;
  /// The unoccupied hours must be steady enough to judge waste against: the median over the
  /// unoccupied hours of the week of their robust variation (1.4826·MAD / median) must not exceed
  /// this. A home's daytime (cooking, laundry) varies 0.3-1; an office night a few per cent.
  double max_unoccupied_variation = 0.35;
};

/**
 * Detects occupied hours per local weekday from the data: the hour-of-week profile (median of
 * each slot, robust to outliers), base = 10th and peak = 90th percentile of the 168 slot values,
 * an hour is occupied above the midpoint; each weekday's occupied span runs from its first to
 * its last occupied hour (a single span per day: lunch dips do not split the day). The schedule
 * stands only when it repeats week by week (`min_consistent_weeks` of the weeks show the
 * contrast and have `min_week_agreement` of their readings on the schedule's side of the
 * midpoint) and its unoccupied hours are steady; otherwise `detected` is false and `reason` says
 * which test failed, with its numbers.
 */
[[nodiscard]] operating_schedule detect_schedule(const meter_series& series, const time_zone& zone,
                                                 const schedule_options& options = {});

struct after_hours_options {
  /// Flag an unoccupied interval when value > baseline + z·scale and value > min_ratio·baseline
  /// (min_ratio 2 chosen on the tuning half of the evaluation in docs/anomaly.md),
  /// where baseline and scale are the median and 1.4826·MAD (at least 10 % of the baseline) of
  /// the unoccupied values of the same local hour of the week within ±baseline_weeks weeks.
  double z_threshold = 4.0;
  std::int32_t baseline_weeks = 4;
  double min_ratio = 2.0;
  std::int64_t min_duration_seconds = 3600;
  std::int64_t merge_gap_seconds = 3600;
};

/**
 * Consumption in the schedule's unoccupied hours far above the unoccupied baseline: runs become
 * `after_hours_waste` anomalies (`expected` = baseline total, `actual` = run total). The
 * explanation says whether it fell on a weekend or a weekday night. Nothing when the schedule was
 * not detected: use check_after_hours() to be told so.
 */
[[nodiscard]] std::vector<anomaly> detect_after_hours(const meter_series& series,
                                                      const time_zone& zone,
                                                      const operating_schedule& schedule,
                                                      const after_hours_options& options = {});

/// The after-hours check as a whole: the schedule it judged against and what it found.
struct after_hours_result {
  /// The schedule detected from the series. When `schedule.detected` is false nothing was
  /// judged: `schedule.status` and `schedule.reason` say why (an empty `anomalies` then does not
  /// mean "no waste").
  operating_schedule schedule;
  std::vector<anomaly> anomalies;
  [[nodiscard]] bool judged() const noexcept { return schedule.detected; }
};

/// Detects the schedule from `series`, then its after-hours waste; says when it could not judge.
[[nodiscard]] after_hours_result check_after_hours(const meter_series& series,
                                                   const time_zone& zone,
                                                   const schedule_options& schedule = {},
                                                   const after_hours_options& options = {});

}  // namespace energy::anomaly

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::anomaly::schedule_status>;
extern template struct energy::detail::enum_names<energy::anomaly::deviation_method>;

ENERGY_API_END
