// SPDX-License-Identifier: Apache-2.0
// Document filtering/merging shared by both clients, and the Green Button files adapter.
#include <energy/greenbutton/utility_client.hpp>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "client_common.hpp"

namespace energy::greenbutton {

void filter_intervals(document& doc, time_range range) {
  const epoch_seconds lo = to_epoch(range.start), hi = to_epoch(range.end);
  for (auto& m : doc.meter_readings) {
    auto& s = m.readings;  // sorted by start: keep one contiguous slice
    const auto first = static_cast<std::size_t>(
        std::lower_bound(s.start.begin(), s.start.end(), lo) - s.start.begin());
    const auto last = static_cast<std::size_t>(
        std::lower_bound(s.start.begin(), s.start.end(), hi) - s.start.begin());
    auto slice = [&](auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      v = std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(first),
                         v.begin() + static_cast<std::ptrdiff_t>(std::max(first, last)));
    };
    slice(s.start);
    slice(s.duration);
    slice(s.value);
    slice(s.cost);
    slice(s.has_cost);
    slice(s.quality);
    slice(s.espi_quality);
  }
}

void merge_into(document& into, document&& from) {
  const std::size_t up0 = into.usage_points.size(), mr0 = into.meter_readings.size(),
                    su0 = into.summaries.size();
  if (into.source.empty())
    into.source = std::move(from.source);
  else if (!from.source.empty())
    into.source += ", " + from.source;
  for (auto& up : from.usage_points) {
    for (auto& i : up.meter_readings)
      i += mr0;
    for (auto& i : up.summaries)
      i += su0;
    into.usage_points.push_back(std::move(up));
  }
  for (auto& m : from.meter_readings) {
    if (m.usage_point) *m.usage_point += up0;
    into.meter_readings.push_back(std::move(m));
  }
  for (auto& s : from.summaries) {
    if (s.usage_point) *s.usage_point += up0;
    into.summaries.push_back(std::move(s));
  }
  for (auto& b : from.bills)
    into.bills.push_back(std::move(b));
  for (auto i : from.bill_summary)
    into.bill_summary.push_back(i + su0);
  for (auto& i : from.issues)
    into.issues.push_back(std::move(i));
  for (auto& r : from.ignored_resources)
    if (std::find(into.ignored_resources.begin(), into.ignored_resources.end(), r) ==
        into.ignored_resources.end())
      into.ignored_resources.push_back(std::move(r));
}

namespace detail {

std::string last_segment(std::string_view href) {
  const auto p = href.rfind('/');
  return std::string(p == std::string_view::npos ? href : href.substr(p + 1));
}

document select_usage_point(document&& doc, std::string_view usage_point_id) {
  if (usage_point_id.empty()) return std::move(doc);
  document out;
  out.source = doc.source;
  out.issues = std::move(doc.issues);
  out.ignored_resources = std::move(doc.ignored_resources);
  for (std::size_t u = 0; u < doc.usage_points.size(); ++u) {
    if (last_segment(doc.usage_points[u].href) != usage_point_id) continue;
    document one;
    auto up = std::move(doc.usage_points[u]);
    for (auto i : up.meter_readings) {
      auto m = std::move(doc.meter_readings[i]);
      m.usage_point = 0;
      one.meter_readings.push_back(std::move(m));
    }
    std::vector<std::size_t> new_summary(doc.summaries.size(), SIZE_MAX);
    for (auto i : up.summaries) {
      auto s = std::move(doc.summaries[i]);
      s.usage_point = 0;
      new_summary[i] = one.summaries.size();
      one.summaries.push_back(std::move(s));
    }
    for (std::size_t b = 0; b < doc.bills.size(); ++b)
      if (new_summary[doc.bill_summary[b]] != SIZE_MAX) {
        one.bills.push_back(doc.bills[b]);
        one.bill_summary.push_back(new_summary[doc.bill_summary[b]]);
      }
    up.meter_readings.clear();
    up.summaries.clear();
    for (std::size_t i = 0; i < one.meter_readings.size(); ++i)
      up.meter_readings.push_back(i);
    for (std::size_t i = 0; i < one.summaries.size(); ++i)
      up.summaries.push_back(i);
    one.usage_points.push_back(std::move(up));
    merge_into(out, std::move(one));
  }
  return out;
}

void check_query(const usage_query& q) {
  if (q.range.empty())
    throw std::invalid_argument(fmt::format("usage_query: empty range [{}, {})",
                                            format_utc(q.range.start), format_utc(q.range.end)));
}

std::vector<billing::utility_bill> bills_overlapping(const document& doc, time_range range) {
  std::vector<billing::utility_bill> out;
  for (const auto& b : doc.bills)
    if (b.period.start < range.end && range.start < b.period.end) out.push_back(b);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.period.start < b.period.start; });
  return out;
}

}  // namespace detail

namespace {

class file_client final : public utility_client {
 public:
  explicit file_client(std::filesystem::path dir) : dir_(std::move(dir)) {}

  document fetch_usage(const usage_query& q) override {
    detail::check_query(q);
    document d = read_all(q);
    filter_intervals(d, q.range);
    return d;
  }

  std::vector<billing::utility_bill> fetch_bills(const usage_query& q) override {
    detail::check_query(q);
    return detail::bills_overlapping(read_all(q), q.range);
  }

 private:
  std::filesystem::path dir_;

  document read_all(const usage_query& q) const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      if (e.is_regular_file() && e.path().extension() == ".xml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    document all;
    for (const auto& f : files)
      merge_into(all, detail::select_usage_point(parse_file(f), q.usage_point_id));
    return all;
  }
};

}  // namespace

std::unique_ptr<utility_client> open_file_client(const std::filesystem::path& directory) {
  if (!std::filesystem::is_directory(directory))
    throw std::invalid_argument(
        fmt::format("open_file_client: '{}' is not a directory", directory.string()));
  return std::make_unique<file_client>(directory);
}

}  // namespace energy::greenbutton
