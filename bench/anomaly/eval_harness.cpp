// SPDX-License-Identifier: Apache-2.0
#include "eval_harness.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <stdexcept>

#include <date/tz.h>
#include <fmt/format.h>

namespace energy::anomaly::eval {

meter_series owned_series::view() const {
  meter_series m;
  m.building_id = uuid::parse("00000000-0000-7000-8000-000000000001");
  m.interval_seconds = interval_seconds;
  m.ts = ts;
  m.value = value;
  return m;
}

namespace {

std::runtime_error bad(const std::filesystem::path& f, std::size_t line, std::string_view why) {
  return std::runtime_error(fmt::format("{}:{}: {}", f.string(), line, why));
}

std::optional<std::chrono::local_seconds> parse_naive(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 19) return std::nullopt;
  if (std::sscanf(std::string(s.substr(0, 19)).c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h,
                  &mi, &se) != 6)
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{se};
}

struct rng {
  std::mt19937_64 g;
  double u01() { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(u01() * static_cast<double>(hi - lo + 1));
  }
};

double p99(const owned_series& s) {
  std::vector<milli> v(s.value);
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0
                   : static_cast<double>(
                         v[static_cast<std::size_t>(0.99 * static_cast<double>(v.size() - 1))]);
}

}  // namespace

owned_series load_eemeter_csv(const std::filesystem::path& file, std::string zone,
                              std::int32_t interval_seconds, std::string_view naive_zone) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open", file.string()));
  owned_series s;
  s.name = file.filename().string();
  s.zone = std::move(zone);
  s.interval_seconds = interval_seconds;
  const bool naive_local = !naive_zone.empty();
  // The tz library directly (a reference reading of naive local times, not the library's code).
  const date::time_zone* tz = naive_local ? date::locate_zone(naive_zone) : nullptr;
  std::string line;
  std::size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (no == 1) continue;  // header
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto comma = line.find(',');
    if (comma == std::string::npos) throw bad(file, no, "expected 'start,value'");
    const std::string_view t(line.data(), comma);
    const std::string_view v(line.data() + comma + 1, line.size() - comma - 1);
    epoch_seconds e = 0;
    if (naive_local) {
      const auto l = parse_naive(t);
      if (!l) throw bad(file, no, fmt::format("bad timestamp '{}'", t));
      const date::local_seconds dl{l->time_since_epoch()};
      const auto info = tz->get_info(dl);
      if (info.result ==
          date::local_info::nonexistent) {  // skipped by DST: no such wall-clock time
        ++s.skipped_rows;
        continue;
      }
      auto first = to_epoch(std::chrono::time_point_cast<std::chrono::seconds>(
          tz->to_sys(dl, date::choose::earliest)));
      if (!s.ts.empty() && first <= s.ts.back())
        first = to_epoch(std::chrono::time_point_cast<std::chrono::seconds>(
            tz->to_sys(dl, date::choose::latest)));
      e = first;
    } else {
      const auto u = parse_utc_timestamp(t);
      if (!u) throw bad(file, no, fmt::format("bad timestamp '{}'", t));
      e = to_epoch(*u);
    }
    const auto m = parse_milli(v);
    if (!m || (!s.ts.empty() && e <= s.ts.back())) {  // 'nan' end marker, or a repeated time
      ++s.skipped_rows;
      continue;
    }
    s.ts.push_back(e);
    s.value.push_back(*m);
  }
  return s;
}

owned_series load_reopt_office(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open", file.string()));
  owned_series s;
  s.name = file.filename().string();
  s.zone = "Etc/GMT+8";
  s.interval_seconds = 3600;
  // 2017-01-01T00:00 in UTC−8 = 08:00Z.
  const epoch_seconds start =
      to_epoch(std::chrono::sys_days{std::chrono::year{2017} / 1 / 1}) + 8 * 3600;
  std::string line;
  std::size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto m = parse_milli(line);
    if (!m) throw bad(file, no, fmt::format("bad kW value '{}'", line));
    s.ts.push_back(start + static_cast<epoch_seconds>(s.ts.size()) * 3600);
    s.value.push_back(*m);  // mean kW over one hour = kWh in that hour
  }
  return s;
}

std::string_view to_string(injected k) noexcept {
  switch (k) {
    case injected::spike:
      return "spike";
    case injected::level_shift:
      return "level shift";
    case injected::stuck:
      return "stuck value";
    case injected::gap:
      return "gap";
    case injected::schedule_drift:
      return "schedule drift";
  }
  return "?";
}

anomaly_kind detected_as(injected k) noexcept {
  switch (k) {
    case injected::spike:
      return anomaly_kind::spike;
    case injected::level_shift:
      return anomaly_kind::baseline_deviation;
    case injected::stuck:
      return anomaly_kind::flatline;
    case injected::gap:
      return anomaly_kind::missing_data;
    case injected::schedule_drift:
      return anomaly_kind::after_hours_waste;
  }
  return anomaly_kind::spike;
}

std::pair<owned_series, std::vector<label>> inject(const owned_series& clean,
                                                   const injection_plan& plan) {
  owned_series s = clean;
  std::vector<label> labels;
  const std::int64_t iv = s.interval_seconds;
  const std::size_t n = s.ts.size();
  for (std::size_t i = 1; i < n; ++i)
    if (s.ts[i] - s.ts[i - 1] > iv)
      labels.push_back({injected::gap, {from_epoch(s.ts[i - 1] + iv), from_epoch(s.ts[i])}, true});

  rng r{std::mt19937_64{plan.seed}};
  const double big = p99(clean);
  std::vector<std::uint8_t> removed(n, 0);
  const std::int64_t margin = 3 * 86400;
  const auto warmup =
      static_cast<std::size_t>(28 * 86400 / iv);  // the expected series needs 4 weeks
  auto free_segment = [&](std::size_t first, std::size_t len) {
    if (first + len > n) return false;
    if (s.ts[first + len - 1] - s.ts[first] != static_cast<std::int64_t>(len - 1) * iv)
      return false;  // natural gap
    const auto a = s.ts[first] - margin, b = s.ts[first + len - 1] + iv + margin;
    return std::none_of(labels.begin(), labels.end(), [&](const label& l) {
      return to_epoch(l.range.start) < b && a < to_epoch(l.range.end);
    });
  };
  auto place = [&](std::size_t len) -> std::optional<std::size_t> {
    if (n < warmup + len + 1) return std::nullopt;
    for (int attempt = 0; attempt < 2000; ++attempt) {
      const auto first = static_cast<std::size_t>(
          r.range(static_cast<std::int64_t>(warmup), static_cast<std::int64_t>(n - len - 1)));
      if (free_segment(first, len)) return first;
    }
    return std::nullopt;
  };
  auto add = [&](injected k, std::size_t first, std::size_t len) {
    labels.push_back({k, {from_epoch(s.ts[first]), from_epoch(s.ts[first + len - 1] + iv)}, false});
  };

  for (int k = 0; k < plan.spikes; ++k)
    if (auto f = place(1)) {
      s.value[*f] += static_cast<milli>(std::llround((2.0 + 2.0 * r.u01()) * big));
      add(injected::spike, *f, 1);
    }
  for (int k = 0; k < plan.level_shifts; ++k) {
    const auto len = static_cast<std::size_t>(r.range(2 * 86400 / iv, 7 * 86400 / iv));
    if (auto f = place(len)) {
      const double factor = k % 2 == 0 ? 1.6 + 0.6 * r.u01() : 0.3 + 0.2 * r.u01();
      for (std::size_t i = *f; i < *f + len; ++i)
        s.value[i] = static_cast<milli>(std::llround(static_cast<double>(s.value[i]) * factor));
      add(injected::level_shift, *f, len);
    }
  }
  for (int k = 0; k < plan.stuck; ++k) {
    const auto len = static_cast<std::size_t>(r.range(12 * 3600 / iv, 48 * 3600 / iv));
    if (auto f = place(len)) {
      for (std::size_t i = *f + 1; i < *f + len; ++i)
        s.value[i] = s.value[*f];
      add(injected::stuck, *f, len);
    }
  }
  for (int k = 0; k < plan.gaps; ++k) {
    const auto len = static_cast<std::size_t>(r.range(1, 3 * 86400 / iv));
    if (auto f = place(len)) {
      for (std::size_t i = *f; i < *f + len; ++i)
        removed[i] = 1;
      add(injected::gap, *f, len);
    }
  }
  if (plan.schedule_drifts > 0) {
    const auto tz = find_zone(s.zone);
    const auto sched = detect_schedule(clean.view(), tz);
    const auto how = hour_of_week(s.ts, tz);
    const auto week = static_cast<std::size_t>(7 * 86400 / iv);
    for (int k = 0; k < plan.schedule_drifts && sched.detected; ++k) {
      auto f = place(week);
      if (!f) continue;
      while (*f > 0 && how[*f] != 0)
        --*f;  // back to the local Monday 00:00 (the margin leaves room)
      const auto shift = static_cast<int>(r.range(2, 3));
      for (int d = 0; d < 5; ++d) {
        const auto& day = sched.days[static_cast<std::size_t>(d)];
        if (!day.occupied || day.start_hour < shift) continue;
        const std::size_t day0 =
            *f + static_cast<std::size_t>(d) * static_cast<std::size_t>(86400 / iv);
        const std::size_t open = day0 + static_cast<std::size_t>(day.start_hour * 3600 / iv);
        const std::size_t from = open - static_cast<std::size_t>(shift * 3600 / iv);
        if (open + 1 >= n) continue;
        // Start the HVAC `shift` hours early: the early hours run at the first occupied hour's
        // load.
        for (std::size_t i = from; i < open; ++i)
          s.value[i] = std::max(s.value[i], s.value[open + 1]);
        add(injected::schedule_drift, from, open - from);
      }
    }
  }
  owned_series out = s;
  out.ts.clear();
  out.value.clear();
  for (std::size_t i = 0; i < n; ++i)
    if (!removed[i]) {
      out.ts.push_back(s.ts[i]);
      out.value.push_back(s.value[i]);
    }
  std::sort(labels.begin(), labels.end(),
            [](const label& a, const label& b) { return a.range.start < b.range.start; });
  return {std::move(out), std::move(labels)};
}

baseline::prediction same_time_of_week_median(const owned_series& s) {
  const std::size_t n = s.ts.size();
  baseline::prediction model;
  auto& out = model.expected;
  out.assign(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> prev;
  for (std::size_t i = 0; i < n; ++i) {
    prev.clear();
    for (int w = 1; w <= 4; ++w) {
      const auto t = s.ts[i] - static_cast<epoch_seconds>(w) * 7 * 86400;
      const auto it =
          std::lower_bound(s.ts.begin(), s.ts.begin() + static_cast<std::ptrdiff_t>(i), t);
      if (it != s.ts.begin() + static_cast<std::ptrdiff_t>(i) && *it == t)
        prev.push_back(static_cast<double>(s.value[static_cast<std::size_t>(it - s.ts.begin())]));
    }
    if (prev.size() < 2) continue;
    std::sort(prev.begin(), prev.end());
    const std::size_t m = prev.size();
    out[i] = (m % 2 ? prev[m / 2] : 0.5 * (prev[m / 2 - 1] + prev[m / 2])) / 1000.0;  // Wh → kWh
  }
  return model;
}

std::vector<any_detector> default_detectors() {
  return {deviation_detector{}, data_quality_detector{}, after_hours_detector{}};
}

double kind_score::recall() const noexcept {
  return labels ? static_cast<double>(found) / static_cast<double>(labels) : 0.0;
}
double kind_score::precision() const noexcept {
  return detections ? static_cast<double>(correct) / static_cast<double>(detections) : 0.0;
}
double kind_score::f1() const noexcept {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::vector<kind_score> score(const std::vector<anomaly>& found, const std::vector<label>& labels,
                              std::int32_t interval_seconds, int tolerance_intervals) {
  const auto tol =
      std::chrono::seconds{static_cast<std::int64_t>(tolerance_intervals) * interval_seconds};
  auto overlaps = [&](const anomaly& a, const label& l) {
    return a.range.start - tol < l.range.end && l.range.start < a.range.end + tol;
  };
  std::vector<kind_score> out;
  for (auto k : {injected::spike, injected::level_shift, injected::stuck, injected::gap,
                 injected::schedule_drift}) {
    kind_score sc{k};
    const auto kind = detected_as(k);
    for (const auto& l : labels) {
      if (l.kind != k) continue;
      ++sc.labels;
      if (std::any_of(found.begin(), found.end(),
                      [&](const anomaly& a) { return a.kind == kind && overlaps(a, l); }))
        ++sc.found;
    }
    for (const auto& a : found) {
      if (a.kind != kind) continue;
      ++sc.detections;
      if (std::any_of(labels.begin(), labels.end(), [&](const label& l) { return overlaps(a, l); }))
        ++sc.correct;
    }
    out.push_back(sc);
  }
  return out;
}

std::vector<anomaly> run_detectors(const owned_series& s) {
  const auto expected = same_time_of_week_median(s);
  const auto view = s.view();
  const detection_input in{view, find_zone(s.zone), &expected};
  const auto detectors = default_detectors();
  return detect_all(in, detectors);
}

double false_positives_per_year(const owned_series& clean, anomaly_kind kind) {
  const auto found = run_detectors(clean);
  std::vector<label> natural;
  for (std::size_t i = 1; i < clean.ts.size(); ++i)
    if (clean.ts[i] - clean.ts[i - 1] > clean.interval_seconds)
      natural.push_back(
          {injected::gap,
           {from_epoch(clean.ts[i - 1] + clean.interval_seconds), from_epoch(clean.ts[i])}});
  std::size_t count = 0;
  for (const auto& a : found) {
    if (a.kind != kind) continue;
    const bool in_gap = std::any_of(natural.begin(), natural.end(), [&](const label& l) {
      return a.range.start < l.range.end && l.range.start < a.range.end;
    });
    if (!in_gap) ++count;
  }
  const double years =
      static_cast<double>(clean.ts.size()) * clean.interval_seconds / (365.25 * 86400.0);
  return static_cast<double>(count) / years;
}

}  // namespace energy::anomaly::eval
