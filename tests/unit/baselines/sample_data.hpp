// SPDX-License-Identifier: Apache-2.0
#pragma once

// Readers for the OpenEEmeter sample files in ../shared/data/eemeter (Apache-2.0, see
// ../shared/data/PROVENANCE.md), used by the baseline tests, the report tool and benchmarks.
// Test support, not library code: the library's CSV ingestion lives in energy::io.

#include <cmath>
#include <cstdint>
#include <fstream>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include <date/tz.h>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/series.hpp>
#include <energy/time.hpp>

namespace energy::baseline::sample {

struct column_series {
  std::vector<epoch_seconds> ts;
  std::vector<double> value;
};

inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

inline double parse_value(const std::string& s, const std::string& where) {
  if (s == "nan" || s == "NaN" || s.empty()) return std::nan("");
  std::size_t used = 0;
  const double v = std::stod(s, &used);
  if (used != s.size()) throw std::runtime_error(where + ": bad number '" + s + "'");
  return v;
}

/// `ts,value` with RFC 3339 offsets (the il-* files). Header line skipped.
inline column_series read_offset_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  column_series out;
  std::string line;
  std::getline(in, line);
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const auto f = split(line);
    const std::string where = path + ":" + std::to_string(n);
    if (f.size() < 2) throw std::runtime_error(where + ": expected 2 fields");
    const auto t = parse_utc_timestamp(f[0]);
    if (!t) throw std::runtime_error(where + ": bad timestamp '" + f[0] + "'");
    out.ts.push_back(to_epoch(*t));
    out.value.push_back(parse_value(f[1], where));
  }
  return out;
}

/// Naive local timestamps `YYYY-MM-DD HH:MM:SS` in `zone` (the uk-* files): a repeated local time
/// (DST fall-back) takes the later offset on its second occurrence; nonexistent local times
/// (spring-forward gap) are skipped. `ts_col`/`value_col` select the columns.
inline column_series read_naive_csv(const std::string& path, const std::string& zone,
                                    std::size_t ts_col, std::size_t value_col) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  // The tz library directly: an independent reading of the naive times.
  const date::time_zone* const z = date::locate_zone(zone);
  column_series out;
  std::string line;
  std::getline(in, line);
  std::int64_t prev_local = INT64_MIN;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const auto f = split(line);
    const std::string where = path + ":" + std::to_string(n);
    if (f.size() <= std::max(ts_col, value_col))
      throw std::runtime_error(where + ": too few fields");
    const auto as_utc = parse_utc_timestamp(f[ts_col] + "Z");  // read the wall clock as if UTC
    if (!as_utc) throw std::runtime_error(where + ": bad timestamp '" + f[ts_col] + "'");
    const auto info = z->get_info(date::local_seconds{as_utc->time_since_epoch()});
    std::int64_t utc;
    if (info.result == date::local_info::nonexistent) continue;
    if (info.result == date::local_info::ambiguous) {
      const bool repeat = to_epoch(*as_utc) <= prev_local;
      utc = to_epoch(*as_utc) - (repeat ? info.second.offset : info.first.offset).count();
    } else {
      utc = to_epoch(*as_utc) - info.first.offset.count();
    }
    prev_local = std::max(prev_local, to_epoch(*as_utc));
    if (!out.ts.empty() && utc <= out.ts.back()) continue;  // a true duplicate row: keep the first
    out.ts.push_back(utc);
    out.value.push_back(parse_value(f[value_col], where));
  }
  return out;
}

/// Consecutive `start,value` rows as periods [start_i, start_{i+1}) (daily and billing files;
/// the last row only closes the previous period).
inline std::vector<usage_period> periods_of(const column_series& s) {
  std::vector<usage_period> out;
  for (std::size_t i = 0; i + 1 < s.ts.size(); ++i)
    out.push_back({s.ts[i], s.ts[i + 1], s.value[i]});
  return out;
}

inline std::string data_dir() {
#ifdef ENERGY_TEST_DATA_DIR
  return ENERGY_TEST_DATA_DIR;
#else
  return "../shared/data";
#endif
}

inline bool file_exists(const std::string& path) {
  return std::ifstream(path).good();
}

/// A half-open UTC window [from, to) of a series.
template <class Series>
Series window(const Series& s, epoch_seconds from, epoch_seconds to) {
  Series out;
  for (std::size_t i = 0; i < s.ts.size(); ++i)
    if (s.ts[i] >= from && s.ts[i] < to) {
      out.ts.push_back(s.ts[i]);
      out.value.push_back(s.value[i]);
    }
  return out;
}

inline epoch_seconds utc(const char* rfc3339) {
  const auto t = parse_utc_timestamp(rfc3339);
  if (!t) throw std::invalid_argument(std::string("bad timestamp ") + rfc3339);
  return to_epoch(*t);
}

inline load_series to_load(const column_series& s, std::int64_t interval_seconds) {
  load_series l;
  l.ts = s.ts;
  l.kwh = s.value;
  l.interval_seconds = interval_seconds;
  return l;
}

inline temperature_series to_temperature(const column_series& s) {
  temperature_series t;
  t.ts = s.ts;
  t.value = s.value;
  return t;
}

/// Sums actual and predicted interval values per local calendar month of `zone` (rows where
/// both are finite), for judging an interval model at monthly resolution.
inline void monthly_sums(const load_series& l, const std::vector<double>& pred,
                         const std::string& zone, std::vector<double>& actual,
                         std::vector<double>& predicted) {
  const auto z = find_zone(zone);
  std::vector<std::pair<int, std::pair<double, double>>> months;  // in time order
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (!std::isfinite(l.kwh[i]) || !std::isfinite(pred[i])) continue;
    const std::chrono::year_month_day ymd{
        std::chrono::floor<std::chrono::days>(z.to_local(from_epoch(l.ts[i])))};
    const int key =
        static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (months.empty() || months.back().first != key) months.push_back({key, {0.0, 0.0}});
    months.back().second.first += l.kwh[i];
    months.back().second.second += pred[i];
  }
  for (const auto& m : months) {
    actual.push_back(m.second.first);
    predicted.push_back(m.second.second);
  }
}

}  // namespace energy::baseline::sample
