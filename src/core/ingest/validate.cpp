// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/validate.hpp>

#include <energy/quality.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace energy::ingest {
namespace {

constexpr std::uint32_t rejected_slot = UINT32_MAX;

bool same_double(double a, double b) noexcept {
  return std::equal_to<double>{}(a, b);
}

std::string ts_text(epoch_seconds t) {
  return format_utc(from_epoch(t));
}

/// Collects rejections for one batch; keeps the row bookkeeping in one place.
class collector {
 public:
  explicit collector(const reading_batch& b) : batch_(b) {}

  void add(std::size_t i, reason why, std::string detail) {
    out_.push_back(
        rejection{static_cast<std::int64_t>(i), batch_.source_row[i], why, std::move(detail)});
  }
  std::vector<rejection> take() { return std::move(out_); }

 private:
  const reading_batch& batch_;
  std::vector<rejection> out_;
};

/// Per-row checks that need only the row and its sensor. Returns false (and records why) when
/// the row is rejected.
bool check_row(const reading_batch& b, std::size_t i, const sensor& s,
               const std::optional<unit_conversion>& conv, epoch_seconds latest_allowed,
               collector& rej) {
  const uuid& id = b.sensor_id[i];
  const double v = b.value[i];
  const epoch_seconds t = b.ts[i];
  if (!s.is_active) {
    rej.add(i, reason::inactive_sensor, fmt::format("sensor_id {} is inactive", id.to_string()));
    return false;
  }
  if (!conv) {
    rej.add(i, reason::unsupported_unit,
            fmt::format("sensor {} ({} {}) sends unit '{}', which has no conversion to {}",
                        id.to_string(), to_string(s.type), to_string(s.kind), s.unit,
                        canonical_unit(s.type)));
    return false;
  }
  if ((b.quality[i] & ~quality::known_mask) != 0) {
    rej.add(i, reason::invalid_quality_flag,
            fmt::format("quality_flag {} has bits outside the known mask {}", b.quality[i],
                        quality::known_mask));
    return false;
  }
  if (!std::isfinite(v)) {
    rej.add(i, reason::non_finite_value, fmt::format("value {} is not a finite number", v));
    return false;
  }
  if (!to_milli(conv->apply(v))) {
    rej.add(i, reason::value_out_of_range,
            fmt::format("value {} is beyond the representable range", v));
    return false;
  }
  if (t > latest_allowed) {
    rej.add(i, reason::future_timestamp,
            fmt::format("timestamp {} is after the latest accepted {}", ts_text(t),
                        ts_text(latest_allowed)));
    return false;
  }
  if (t < to_epoch(s.created_at)) {
    rej.add(i, reason::before_sensor_created,
            fmt::format("timestamp {} is before sensor {} was created ({})", ts_text(t),
                        id.to_string(), format_utc(s.created_at)));
    return false;
  }
  // Temperatures may be negative; every quantity (energy, power, register reading) may not.
  if (s.kind != reading_kind::instantaneous_value && v < 0) {
    rej.add(i, reason::negative_value,
            fmt::format("value {} is negative ({} {} sensor)", v, to_string(s.type),
                        to_string(s.kind)));
    return false;
  }
  // For registers the bound applies to the step between samples (checked when differencing).
  if (s.kind != reading_kind::cumulative_register && s.max_value && v > *s.max_value) {
    rej.add(i, reason::above_max_value,
            fmt::format("value {} {} is above the sensor's max_value {}", v, s.unit, *s.max_value));
    return false;
  }
  return true;
}

struct last_sample {
  epoch_seconds ts = 0;
  double raw = 0.0;
};

/// Derives interval rows from one sensor's register or power samples (ascending ts, distinct).
class series_deriver {
 public:
  series_deriver(const reading_batch& b, const validation_options& opt, collector& rej,
                 validation_result& out)
      : b_(b), opt_(opt), rej_(rej), out_(out) {}

  void run(const sensor& s, const unit_conversion& conv, std::span<const std::uint32_t> rows,
           const state_lookup& lookup) {
    std::optional<last_sample> prev;
    std::optional<sample_state> stored;
    if (lookup) stored = lookup(s.id);
    if (stored) prev = last_sample{stored->ts, stored->raw_value};
    const epoch_seconds max_gap =
        s.interval_seconds > 0
            ? static_cast<epoch_seconds>(s.interval_seconds) * opt_.max_gap_intervals
            : 0;
    bool advanced = false;

    for (const std::uint32_t i : rows) {
      const epoch_seconds t = b_.ts[i];
      const double v = b_.value[i];
      if (prev && t <= prev->ts) {
        if (t == prev->ts && same_double(v, prev->raw)) {
          ++out_.accepted;  // exact re-send of the last applied sample: nothing to do
        } else {
          rej_.add(
              i, reason::stale_sample,
              fmt::format("sample {} at {} is not after the sensor's last applied sample {} at {}",
                          v, ts_text(t), prev->raw, ts_text(prev->ts)));
        }
        continue;
      }
      ++out_.accepted;
      advanced = true;
      if (!prev) {
        prev = last_sample{t, v};  // the first sample ever is only a baseline
        continue;
      }
      const epoch_seconds dt = t - prev->ts;
      if (max_gap > 0 && dt > max_gap) {
        rej_.add(
            i, reason::gap_too_long,
            fmt::format(
                "{} s since the previous sample at {} exceeds {} × {} s; no energy derived for "
                "[{}, {}) (previous value {}, this value {})",
                dt, ts_text(prev->ts), opt_.max_gap_intervals, s.interval_seconds,
                ts_text(prev->ts), ts_text(t), prev->raw, v));
        prev = last_sample{t, v};
        continue;
      }
      std::uint32_t flags = quality::derived | b_.quality[i];
      double canonical = 0.0;
      if (s.kind == reading_kind::cumulative_register) {
        double delta = v - prev->raw;
        if (delta < 0) {
          const double wrapped = s.register_max ? *s.register_max - prev->raw + v : -1.0;
          if (s.register_max && wrapped >= 0 && wrapped <= *s.register_max / 2) {
            delta = wrapped;
            flags |= quality::rollover;
          } else {
            rej_.add(i, reason::register_reset,
                     fmt::format(
                         "register went from {} at {} to {} at {}; treated as a reset: no energy "
                         "derived for this interval, {} is the new baseline",
                         prev->raw, ts_text(prev->ts), v, ts_text(t), v));
            prev = last_sample{t, v};
            continue;
          }
        }
        if (s.max_value && delta > *s.max_value) {
          --out_.accepted;
          rej_.add(
              i, reason::above_max_value,
              fmt::format("register step {} {} (from {} to {}) is above the sensor's max_value {}",
                          delta, s.unit, prev->raw, v, *s.max_value));
          continue;  // the spike is dropped; the previous sample stays the baseline
        }
        canonical = delta * conv.factor;
      } else {
        // Trapezoid rule: exact for power that ramps linearly between samples.
        canonical = (prev->raw + v) / 2.0 * conv.factor * static_cast<double>(dt) / 3600.0;
      }
      const auto value = to_milli(canonical);
      if (!value) {
        --out_.accepted;
        rej_.add(i, reason::value_out_of_range,
                 fmt::format("derived energy {} is beyond the representable range", canonical));
        continue;
      }
      out_.rows.push_back(s.id, prev->ts, *value, flags);
      prev = last_sample{t, v};
    }
    if (advanced && prev &&
        (!stored || stored->ts != prev->ts || !same_double(stored->raw_value, prev->raw)))
      out_.states.push_back(sample_state{s.id, prev->ts, prev->raw});
  }

 private:
  const reading_batch& b_;
  const validation_options& opt_;
  collector& rej_;
  validation_result& out_;
};

}  // namespace

void check_sensor_metadata(const sensor& s) {
  const auto refuse = [&](const std::string& why) {
    throw std::invalid_argument(fmt::format("sensor {} ({} {}): {}", s.id.to_string(),
                                            to_string(s.type), to_string(s.kind), why));
  };
  if (s.type == sensor_type::temperature && s.kind != reading_kind::instantaneous_value)
    refuse(
        "a temperature sensor must be instantaneous_value (a temperature is a state, not a "
        "quantity that adds up); every reading would be rejected unsupported_unit");
  if (!conversion_to_canonical(s.type, s.kind, s.unit))
    refuse(
        fmt::format("unit {} has no conversion to {}; every reading would be rejected "
                    "unsupported_unit",
                    shown_value(s.unit), canonical_unit(s.type)));
  if (s.max_value) {
    const double m = *s.max_value;
    if (!std::isfinite(m)) refuse(fmt::format("max_value {} is not a finite number", m));
    if (s.kind != reading_kind::instantaneous_value && m <= 0)
      refuse(
          fmt::format("max_value {} is not above zero; every reading above it would be "
                      "rejected above_max_value",
                      m));
  }
  if (s.register_max && (!std::isfinite(*s.register_max) || *s.register_max <= 0))
    refuse(fmt::format("register_max {} is not a positive finite number", *s.register_max));
}

validation_result validate_batch(const reading_batch& b, const sensor_directory& dir,
                                 const validation_options& opt, const state_lookup& lookup) {
  const std::size_t n = b.size();
  if (b.sensor_id.size() != n || b.value.size() != n || b.quality.size() != n ||
      b.source_row.size() != n)
    throw std::invalid_argument("validate_batch: reading_batch columns have different lengths");

  validation_result out;
  collector rej(b);
  const utc_seconds now =
      opt.now
          ? *opt.now
          : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const epoch_seconds latest_allowed = to_epoch(now) + opt.max_future_skew.count();

  // Pass 1: per-row checks; remember each surviving row's sensor slot.
  std::vector<std::uint32_t> slot(n, rejected_slot);
  std::vector<std::uint32_t> per_sensor(dir.size() + 1, 0);
  constexpr std::size_t lookahead = 16;  // hides the table's cache misses behind the row checks
  for (std::size_t i = 0; i < n; ++i) {
    if (i + lookahead < n) dir.prefetch(b.sensor_id[i + lookahead]);
    const auto idx = dir.index_of(b.sensor_id[i]);
    if (!idx) {
      rej.add(i, reason::unknown_sensor,
              fmt::format("sensor_id {} is not a known sensor", b.sensor_id[i].to_string()));
      continue;
    }
    if (!check_row(b, i, dir.at(*idx), dir.conversion(*idx), latest_allowed, rej)) continue;
    slot[i] = *idx;
    ++per_sensor[*idx + 1];
  }

  // Counting sort of the surviving rows by sensor (stable: batch order within a sensor).
  for (std::size_t k = 1; k < per_sensor.size(); ++k)
    per_sensor[k] += per_sensor[k - 1];
  std::vector<std::uint32_t> order(per_sensor.back());
  {
    std::vector<std::uint32_t> cursor(per_sensor.begin(), per_sensor.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
      if (slot[i] != rejected_slot) order[cursor[slot[i]]++] = static_cast<std::uint32_t>(i);
  }

  out.rows.reserve(order.size());
  series_deriver deriver(b, opt, rej, out);
  std::vector<std::uint32_t> kept;
  for (std::size_t sidx = 0; sidx + 1 < per_sensor.size(); ++sidx) {
    const std::span<std::uint32_t> rows(order.data() + per_sensor[sidx],
                                        per_sensor[sidx + 1] - per_sensor[sidx]);
    if (rows.empty()) continue;
    const sensor& s = dir.at(static_cast<std::uint32_t>(sidx));
    const unit_conversion conv = *dir.conversion(static_cast<std::uint32_t>(sidx));

    // Time order; a stable sort keeps batch order among equal timestamps, so the last of a run
    // wins.
    const auto by_ts = [&](std::uint32_t x, std::uint32_t y) { return b.ts[x] < b.ts[y]; };
    if (!std::is_sorted(rows.begin(), rows.end(),
                        [&](std::uint32_t x, std::uint32_t y) { return b.ts[x] <= b.ts[y]; }))
      std::stable_sort(rows.begin(), rows.end(), by_ts);

    kept.clear();
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::uint32_t i = rows[k];
      if (k + 1 < rows.size() && b.ts[rows[k + 1]] == b.ts[i]) {
        std::size_t last = k + 1;  // the winner: last row of the run of equal timestamps
        while (last + 1 < rows.size() && b.ts[rows[last + 1]] == b.ts[i])
          ++last;
        const std::uint32_t w = rows[last];
        if (same_double(b.value[i], b.value[w]) && b.quality[i] == b.quality[w]) {
          ++out.duplicates;
        } else {
          rej.add(
              i, reason::duplicate_in_batch,
              fmt::format(
                  "sensor {} at {}: value {} superseded by value {} from row {} of the same batch",
                  s.id.to_string(), ts_text(b.ts[i]), b.value[i], b.value[w], b.source_row[w]));
        }
        continue;
      }
      kept.push_back(i);
    }

    switch (s.kind) {
      case reading_kind::interval_energy:
      case reading_kind::instantaneous_value:
        for (const std::uint32_t i : kept)
          out.rows.push_back(s.id, b.ts[i], *to_milli(conv.apply(b.value[i])), b.quality[i]);
        out.accepted += kept.size();
        break;
      case reading_kind::cumulative_register:
      case reading_kind::instantaneous_power:
        deriver.run(s, conv, kept, lookup);
        break;
    }
  }

  out.rejections = rej.take();
  std::stable_sort(
      out.rejections.begin(), out.rejections.end(),
      [](const rejection& x, const rejection& y) { return x.batch_index < y.batch_index; });
  for (const auto& r : out.rejections)
    if (r.why == reason::duplicate_in_batch)
      ++out.superseded;
    else if (drops_reading(r.why))
      ++out.rejected;
  return out;
}

}  // namespace energy::ingest
