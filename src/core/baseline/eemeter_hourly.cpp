// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM hourly model evaluation. The features (scaled temperature split by temporal
// cluster and by temperature bin, the edge bins' exponentials, the day's one-hot categories), their
// order, the daylight-saving slot corrections and the per-hour linear outputs follow eemeter's
// prediction path as described in docs/baselines.md; the code is this library's own.
#include <energy/baseline/eemeter_hourly.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace energy::baseline {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t hours_per_day = 24;

[[noreturn]] void refuse(const std::string& what) {
  throw std::invalid_argument("eemeter hourly model: " + what);
}

enum class kind { cluster_ts, bin_ts, pos_exp, neg_exp, cluster, bin };

struct feature {
  std::string name;
  kind k;
  std::size_t index;  // cluster or bin number
};

/// eemeter's order: per priority prefix, the matching names sorted as strings.
std::vector<feature> sorted_group(std::vector<feature> group) {
  std::sort(group.begin(), group.end(),
            [](const feature& a, const feature& b) { return a.name < b.name; });
  return group;
}

/// Time-series features (each 24 hourly columns) then categorical ones, in eemeter's order.
std::vector<feature> features_of(const eemeter_hourly_model& m, std::size_t& ts_count) {
  const std::size_t bins = m.bin_edges.size() < 2 ? 0 : m.bin_edges.size() - 1;
  std::vector<feature> clusters_ts, bins_ts, clusters, bin_cats;
  for (std::size_t j = 0; j < m.cluster_count; ++j) {
    clusters_ts.push_back({"temporal_cluster_" + std::to_string(j) + "_ts", kind::cluster_ts, j});
    clusters.push_back({"temporal_cluster_" + std::to_string(j), kind::cluster, j});
  }
  for (std::size_t i = 0; i < bins; ++i) {
    bins_ts.push_back({"temp_bin_" + std::to_string(i) + "_ts", kind::bin_ts, i});
    bin_cats.push_back({"temp_bin_" + std::to_string(i), kind::bin, i});
  }
  if (m.edge_bins && bins > 0) {
    for (const std::size_t n : {std::size_t{0}, bins - 1}) {
      bins_ts.push_back({"temp_bin_" + std::to_string(n) + "_pos_exp_ts", kind::pos_exp, n});
      bins_ts.push_back({"temp_bin_" + std::to_string(n) + "_neg_exp_ts", kind::neg_exp, n});
    }
  }
  std::vector<feature> out = sorted_group(std::move(clusters_ts));
  for (auto& f : sorted_group(std::move(bins_ts)))
    out.push_back(std::move(f));
  ts_count = out.size();
  for (auto& f : sorted_group(std::move(clusters)))
    out.push_back(std::move(f));
  for (auto& f : sorted_group(std::move(bin_cats)))
    out.push_back(std::move(f));
  return out;
}

double to_fahrenheit(double t, temperature_unit u) {
  return u == temperature_unit::celsius ? 32 + (t * 1.8) : t;
}

/// Monday = 0 ... Sunday = 6.
unsigned monday_index(std::chrono::sys_days d) {
  return (std::chrono::weekday{d}.iso_encoding() + 6) % 7;
}

/// The bin i with edges[i] < T <= edges[i + 1] (pandas.cut, right-closed).
std::size_t bin_of(const std::vector<double>& edges, double t) {
  const auto it = std::lower_bound(edges.begin(), edges.end(), t);
  return static_cast<std::size_t>(it - edges.begin()) - 1;
}

/// One hour's value of a time-series feature.
double hourly_value(const eemeter_hourly_model& m, const feature& f, double scaled, std::size_t bin,
                    std::size_t cluster) {
  switch (f.k) {
    case kind::cluster_ts:
      return scaled * (cluster == f.index ? 1.0 : 0.0);
    case kind::bin_ts:
      return scaled * (bin == f.index ? 1.0 : 0.0);
    case kind::pos_exp:
    case kind::neg_exp: {
      if (bin != f.index) return 0.0;
      const eemeter_hourly_edge_bin& e = f.index == 0 ? m.first_edge : m.last_edge;
      const double u = e.t_a * scaled + e.t_b;
      const double s = f.k == kind::pos_exp ? 1.0 : -1.0;
      return e.a * std::exp(s / e.k * u) - e.a;
    }
    default:
      return 0.0;
  }
}

/// Number of hourly instants whose local date is the local day `key` (days since the epoch):
/// 23, 24 or 25 around daylight-saving changes.
std::size_t hours_in_day(const time_zone& zone, std::int64_t key) {
  const std::chrono::local_days local{std::chrono::days{key}};
  const epoch_seconds from = to_epoch(zone.first_instant(local)) - 3 * 3600;
  const epoch_seconds to = to_epoch(zone.first_instant(local + std::chrono::days{1})) + 3 * 3600;
  std::size_t count = 0;
  for (epoch_seconds t = from; t < to; t += 3600) {
    const auto l = zone.to_local(from_epoch(t));
    if (std::chrono::floor<std::chrono::days>(l).time_since_epoch().count() == key) ++count;
  }
  return count;
}

struct day_entries {
  std::vector<std::size_t> rows;  // indices into the input, in time order
  std::vector<unsigned> hours;    // local hour of each row
};

struct day_result {
  bool ok = false;
  std::vector<std::vector<double>> slots;  // per time-series feature, 24 values
  std::array<double, hours_per_day> y{};
};

}  // namespace

std::vector<std::string> eemeter_hourly_feature_names(const eemeter_hourly_model& model,
                                                      std::size_t* time_series_count) {
  std::size_t ts = 0;
  std::vector<std::string> out;
  for (auto& f : features_of(model, ts))
    out.push_back(std::move(f.name));
  if (time_series_count != nullptr) *time_series_count = ts;
  return out;
}

std::size_t eemeter_hourly_coefficient_count(const eemeter_hourly_model& model) {
  std::size_t ts = 0;
  const std::size_t all = features_of(model, ts).size();
  return ts * hours_per_day + (all - ts);
}

void validate(const eemeter_hourly_model& model) {
  (void)time_zone{model.zone};  // throws std::invalid_argument naming an unknown zone
  if (model.unit != temperature_unit::fahrenheit && model.unit != temperature_unit::celsius)
    refuse("unit must be fahrenheit or celsius");
  const auto& e = model.bin_edges;
  if (e.size() < 2) refuse("needs at least two temperature bin edges");
  if (!(e.front() == -std::numeric_limits<double>::infinity()) ||
      !(e.back() == std::numeric_limits<double>::infinity()))
    refuse("temperature bin edges must run from -inf to +inf");
  for (std::size_t i = 1; i < e.size(); ++i) {
    if (!(e[i - 1] < e[i])) refuse("temperature bin edges must be strictly ascending");
    if (i + 1 < e.size() && !std::isfinite(e[i])) refuse("inner bin edges must be finite");
  }
  if (model.edge_bins) {
    if (e.size() < 3) refuse("edge bins need at least two temperature bins");
    for (const auto* b : {&model.first_edge, &model.last_edge})
      if (!std::isfinite(b->t_a) || !std::isfinite(b->t_b) || !std::isfinite(b->k) ||
          !std::isfinite(b->a) || b->k == 0)
        refuse("edge bin coefficients must be finite with k != 0");
  }
  if (model.cluster_count == 0) refuse("needs at least one temporal cluster");
  for (const auto& month : model.day_cluster)
    for (const int c : month)
      if (c != eemeter_no_cluster && (c < 0 || static_cast<std::size_t>(c) >= model.cluster_count))
        refuse("temporal cluster " + std::to_string(c) + " is not below the cluster count " +
               std::to_string(model.cluster_count));
  for (const double v : {model.temperature_mean, model.observed_mean})
    if (!std::isfinite(v)) refuse("scaler locations must be finite");
  for (const double v : {model.temperature_scale, model.observed_scale})
    if (!std::isfinite(v) || v == 0) refuse("scaler scales must be finite and non-zero");
  const std::size_t n = eemeter_hourly_coefficient_count(model);
  if (model.coefficients.size() != hours_per_day * n)
    refuse("has " + std::to_string(model.coefficients.size()) + " coefficients; expected 24 x " +
           std::to_string(n));
  for (const double v : model.coefficients)
    if (!std::isfinite(v)) refuse("coefficients must be finite");
  for (const double v : model.intercept)
    if (!std::isfinite(v)) refuse("intercepts must be finite");
}

prediction predict(const eemeter_hourly_model& model, const temperature_series& hourly) {
  validate(model);
  if (hourly.ts.size() != hourly.value.size())
    refuse("hourly: " + std::to_string(hourly.value.size()) + " values for " +
           std::to_string(hourly.ts.size()) + " timestamps");
  const time_zone zone{model.zone};
  const std::size_t n = hourly.ts.size();

  // Group the hours by local day.
  std::map<std::int64_t, day_entries> days;  // key: local days since the epoch
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && hourly.ts[i] <= hourly.ts[i - 1])
      refuse("timestamps must be strictly ascending (index " + std::to_string(i) + ")");
    const auto local = zone.to_local(from_epoch(hourly.ts[i]));
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const auto within = (local - day).count();
    if (within % 3600 != 0)
      refuse("timestamp " + format_utc(from_epoch(hourly.ts[i])) +
             " is not the start of a local hour of " + model.zone);
    auto& d = days[day.time_since_epoch().count()];
    d.rows.push_back(i);
    d.hours.push_back(static_cast<unsigned>(within / 3600));
  }

  std::size_t ts_count = 0;
  const std::vector<feature> feats = features_of(model, ts_count);
  const std::size_t ncoef = eemeter_hourly_coefficient_count(model);

  std::map<std::int64_t, day_result> results;
  for (const auto& [key, d] : days) {
    day_result& r = results[key];
    if (d.rows.size() != hours_in_day(zone, key) || d.rows.size() < 23 || d.rows.size() > 25)
      continue;
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{key}}};
    const int cluster_id = model.day_cluster[static_cast<unsigned>(ymd.month()) - 1]
                                            [monday_index(std::chrono::sys_days{ymd})];
    if (cluster_id == eemeter_no_cluster) continue;
    const auto cluster = static_cast<std::size_t>(cluster_id);

    // Hourly features in time order.
    bool finite = true;
    std::size_t first_bin = 0;
    r.slots.assign(ts_count, {});
    for (std::size_t h = 0; h < d.rows.size(); ++h) {
      const double t = to_fahrenheit(hourly.value[d.rows[h]], model.unit);
      if (!std::isfinite(t)) {
        finite = false;
        break;
      }
      const double scaled = (t - model.temperature_mean) / model.temperature_scale;
      const std::size_t bin = bin_of(model.bin_edges, t);
      if (h == 0) first_bin = bin;
      for (std::size_t f = 0; f < ts_count; ++f)
        r.slots[f].push_back(hourly_value(model, feats[f], scaled, bin, cluster));
    }
    if (!finite) continue;

    // Daylight saving: 24 slots per feature.
    if (d.rows.size() == 23) {
      unsigned missing = 0;
      while (missing < 24 && std::find(d.hours.begin(), d.hours.end(), missing) != d.hours.end())
        ++missing;
      if (missing == 24) continue;
      const day_result* previous = nullptr;
      if (missing == 0) {
        const auto it = results.find(key - 1);
        if (it == results.end() || !it->second.ok) continue;
        previous = &it->second;
      }
      for (std::size_t f = 0; f < ts_count; ++f) {
        auto& v = r.slots[f];
        const double before = missing == 0 ? previous->slots[f][hours_per_day - 1] : v[missing - 1];
        v.insert(v.begin() + missing, (before + v[missing]) / 2);
      }
    } else if (d.rows.size() == 25) {
      std::size_t repeated = 0;
      while (repeated + 1 < d.hours.size() && d.hours[repeated + 1] != d.hours[repeated])
        ++repeated;
      for (std::size_t f = 0; f < ts_count; ++f) {
        auto& v = r.slots[f];
        const double mean = (v[repeated + 1] + v[repeated]) / 2;
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(repeated));
        v[repeated] = mean;
      }
    }

    // The day's feature vector and its 24 outputs.
    std::vector<double> x;
    x.reserve(ncoef);
    for (std::size_t f = 0; f < ts_count; ++f)
      x.insert(x.end(), r.slots[f].begin(), r.slots[f].end());
    for (std::size_t f = ts_count; f < feats.size(); ++f) {
      const feature& c = feats[f];
      const bool on = c.k == kind::cluster ? c.index == cluster : c.index == first_bin;
      x.push_back(on ? 1.0 : 0.0);
    }
    for (std::size_t s = 0; s < hours_per_day; ++s) {
      const double* row = model.coefficients.data() + s * ncoef;
      double dot = 0;
      for (std::size_t j = 0; j < ncoef; ++j)
        if (x[j] != 0) dot += x[j] * row[j];
      r.y[s] = (dot + model.intercept[s]) * model.observed_scale + model.observed_mean;
    }
    r.ok = true;
  }

  // Back to the given hours.
  prediction p{std::vector<double>(n, nan), std::vector<double>(n, nan),
               std::vector<double>(n, nan)};
  for (const auto& [key, d] : days) {
    const day_result& r = results[key];
    if (!r.ok) continue;
    if (d.rows.size() != 25) {
      for (std::size_t h = 0; h < d.rows.size(); ++h)
        p.expected[d.rows[h]] = r.y[d.hours[h]];
      continue;
    }
    bool seen_repeat = false;
    for (std::size_t h = 0; h < d.rows.size(); ++h) {
      const unsigned hour = d.hours[h];
      if (!seen_repeat && h > 0 && hour == d.hours[h - 1]) {
        seen_repeat = true;
        double after = nan;
        if (hour + 1 < hours_per_day) {
          after = r.y[hour + 1];
        } else if (const auto it = results.find(key + 1); it != results.end() && it->second.ok) {
          after = it->second.y[0];
        }
        p.expected[d.rows[h]] = (r.y[hour] + after) / 2;
      } else {
        p.expected[d.rows[h]] = r.y[hour];
      }
    }
  }
  return p;
}

}  // namespace energy::baseline
