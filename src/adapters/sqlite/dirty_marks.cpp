// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/dirty_marks.hpp"

#include <algorithm>
#include <tuple>

#include "adapters/sqlite/sqlite_rows.hpp"

namespace energy::sqlite_detail {

void dirty_marks::add(const uuid& sensor, epoch_seconds ts) {
  const std::int64_t day = utc_day(ts);
  if (!has_run_ || run_.day != day || run_.sensor != sensor) {
    settle();
    run_ = key{day, sensor};
    has_run_ = true;
  }
  run_hours_ |= std::int64_t{1} << ((ts - day) / 3600);
}

void dirty_marks::settle() {
  if (!has_run_) return;
  marks_[run_] |= run_hours_;
  has_run_ = false;
  run_hours_ = 0;
}

std::vector<dirty_marks::day_mark> dirty_marks::take() {
  settle();
  std::vector<day_mark> out;
  out.reserve(marks_.size());
  for (const auto& [k, hours] : marks_)
    out.push_back(day_mark{k.day, k.sensor, hours});
  marks_.clear();
  std::sort(out.begin(), out.end(), [](const day_mark& a, const day_mark& b) {
    return std::tie(a.day, a.sensor) < std::tie(b.day, b.sensor);
  });
  return out;
}

void dirty_marks::clear() noexcept {
  marks_.clear();
  has_run_ = false;
  run_hours_ = 0;
}

}  // namespace energy::sqlite_detail
