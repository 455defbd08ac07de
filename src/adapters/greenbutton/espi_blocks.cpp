// SPDX-License-Identifier: Apache-2.0
// Green Button XML parser, pass 2: interval readings into columns, then ordered with repeated
// starts dropped.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "espi_parser.hpp"

namespace energy::greenbutton::espi_reader {

void parser::parse_blocks() {
  if (blocks_.empty()) return;
  if (meter_readings_.empty()) {
    // Bare IntervalBlocks (a document or feed without MeterReading): one implicit meter reading.
    meter_reading mr;
    mr.href = "#meter-reading-1";
    if (parsed_types_.size() == 1) mr.type = parsed_types_[0];
    const auto up = implicit_usage_point();
    doc_.usage_points[up].meter_readings.push_back(0);
    mr.usage_point = up;
    if (mr.type && !mr.type->uom_stated) assume_uom(mr, reading_types_[0].node);
    doc_.meter_readings.push_back(std::move(mr));
  }
  href_map mr_self, mr_related;
  index_links(meter_readings_, mr_self, mr_related);
  fixes.assign(doc_.meter_readings.size(), {});
  std::size_t total = 0;
  for (const auto& b : blocks_)
    total += static_cast<std::size_t>(std::distance(b.node.begin(), b.node.end()));
  if (doc_.meter_readings.size() == 1) reserve(doc_.meter_readings[0].readings, total);

  for (const auto& b : blocks_) {
    const auto mr = resolve(b.l, mr_related, mr_self, doc_.meter_readings.size());
    if (!mr) {
      report(b.node,
             fmt::format("IntervalBlock {} belongs to no MeterReading of this file (up link '{}'): "
                         "its readings are not imported",
                         b.l.self, b.l.up));
      continue;
    }
    auto& m = doc_.meter_readings[*mr];
    ++m.interval_blocks;
    auto& fix = fixes[*mr];
    for (pugi::xml_node r = b.node.first_child(); r; r = r.next_sibling())
      if (r.type() == pugi::node_element && named(r, "IntervalReading"))
        parse_reading(r, m.readings, fix);
  }
  for (std::size_t i = 0; i < fixes.size(); ++i) {
    const auto& f = fixes[i];
    if (f.decimal == 0) continue;
    auto& m = doc_.meter_readings[i];
    std::string what = fmt::format(
        "{} IntervalReading start/duration value(s) were written as decimals (e.g. '{}')",
        f.decimal, f.example);
    what += f.rounded == 0
                ? "; all were whole seconds, read as such"
                : fmt::format(
                      "; {} were not whole seconds and were rounded to the nearest second "
                      "(half away from zero)",
                      f.rounded);
    m.assumptions.push_back(what);
    report_at(fmt::format("{}: MeterReading {}", doc_.source, m.href), what);
  }
}

void parser::reserve(interval_series& s, std::size_t n) {
  s.start.reserve(n);
  s.duration.reserve(n);
  s.value.reserve(n);
  s.cost.reserve(n);
  s.has_cost.reserve(n);
  s.quality.reserve(n);
  s.espi_quality.reserve(n);
}

void parser::parse_reading(pugi::xml_node r, interval_series& s, seconds_fix& fix) {
  std::optional<std::int64_t> start, duration, value, cost;
  std::uint32_t flags = quality::good;
  std::int32_t espi_q = -1;
  pugi::xml_node bad;  // first element whose text is not an integer
  auto integer = [&bad](pugi::xml_node c) {
    auto v = detail::parse_int(c.child_value());
    if (!v && !bad) bad = c;
    return v;
  };
  auto seconds = [&bad, &fix](pugi::xml_node c) -> std::optional<std::int64_t> {
    const char* text = c.child_value();
    if (auto v = detail::parse_int(text)) return v;  // the usual case: no decimal point
    const auto v = detail::parse_seconds(text);
    if (!v) {
      if (!bad) bad = c;
      return std::nullopt;
    }
    if (fix.decimal++ == 0) fix.example = std::string(detail::trim(text));
    if (v->rounded) ++fix.rounded;
    return v->value;
  };
  pugi::xml_node time_period;
  for (pugi::xml_node c = r.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const char* n = local_name(c.name());
    switch (n[0]) {
      case 'v':
        if (std::strcmp(n, "value") == 0) value = integer(c);
        break;
      case 'c':
        if (std::strcmp(n, "cost") == 0) cost = integer(c);
        break;
      case 't':
        if (std::strcmp(n, "timePeriod") == 0) {
          time_period = c;
          for (pugi::xml_node t = c.first_child(); t; t = t.next_sibling()) {
            if (t.type() != pugi::node_element) continue;
            const char* tn = local_name(t.name());
            if (std::strcmp(tn, "start") == 0)
              start = seconds(t);
            else if (std::strcmp(tn, "duration") == 0)
              duration = seconds(t);
          }
        }
        break;
      case 'R':
        if (std::strcmp(n, "ReadingQuality") == 0) {
          if (auto q = child(c, "quality")) {
            if (auto code = integer(q)) {
              flags |= map_quality(*code);
              if (espi_q < 0) espi_q = static_cast<std::int32_t>(*code);
            }
          }
        }
        break;
      default:
        break;
    }
  }
  if (bad) {
    report(bad, fmt::format("not an integer: '{}': IntervalReading skipped",
                            detail::trim(bad.child_value())));
    return;
  }
  if (!start || !value) {
    report(r, !start ? "IntervalReading has no timePeriod/start: skipped"
                     : "IntervalReading has no value: skipped");
    return;
  }
  if (duration && (*duration <= 0 || *duration > INT32_MAX)) {
    report(time_period,
           fmt::format("IntervalReading duration {} is not a positive number of seconds: skipped",
                       *duration));
    return;
  }
  s.start.push_back(*start);
  s.duration.push_back(duration ? static_cast<std::int32_t>(*duration) : 0);
  s.value.push_back(*value);
  s.cost.push_back(cost.value_or(0));
  s.has_cost.push_back(cost ? 1 : 0);
  s.quality.push_back(flags);
  s.espi_quality.push_back(espi_q);
}

void parser::finish_series() {
  for (auto& m : doc_.meter_readings) {
    auto& s = m.readings;
    if (!std::is_sorted(s.start.begin(), s.start.end())) {
      std::vector<std::size_t> order(s.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return s.start[a] < s.start[b]; });
      permute(s, order);
    }
    std::vector<std::size_t> keep;
    bool dup = false;
    for (std::size_t i = 1; i < s.size() && !dup; ++i)
      dup = s.start[i] == s.start[i - 1];
    if (!dup) continue;
    keep.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i > 0 && s.start[i] == s.start[keep.back()]) {
        const bool same = s.value[i] == s.value[keep.back()];
        report_at(
            fmt::format("{}: MeterReading {}", doc_.source, m.href),
            fmt::format(
                "two IntervalReadings start at {} ({}): the first is kept, the later one dropped",
                format_utc(from_epoch(s.start[i])), same ? "same value" : "different values"));
        continue;
      }
      keep.push_back(i);
    }
    permute(s, keep);
  }
}

template <class T>
void parser::take(std::vector<T>& v, const std::vector<std::size_t>& idx) {
  std::vector<T> out;
  out.reserve(idx.size());
  for (auto i : idx)
    out.push_back(v[i]);
  v = std::move(out);
}

void parser::permute(interval_series& s, const std::vector<std::size_t>& idx) {
  take(s.start, idx);
  take(s.duration, idx);
  take(s.value, idx);
  take(s.cost, idx);
  take(s.has_cost, idx);
  take(s.quality, idx);
  take(s.espi_quality, idx);
}

}  // namespace energy::greenbutton::espi_reader
