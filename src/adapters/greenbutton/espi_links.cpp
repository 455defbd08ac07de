// SPDX-License-Identifier: Apache-2.0
// Green Button XML parser: resolving each child resource to its parent by Atom links.
#include <algorithm>

#include <fmt/format.h>

#include "espi_parser.hpp"

namespace energy::greenbutton::espi_reader {

std::optional<std::size_t> parser::resolve(const links& l, const href_map& parent_related,
                                           const href_map& parent_self, std::size_t parent_count) {
  if (!l.up.empty())
    if (auto it = parent_related.find(l.up); it != parent_related.end()) return it->second;
  for (const std::string* h : {&l.self, &l.up}) {
    std::string_view s = *h;
    for (auto pos = s.rfind('/'); pos != std::string_view::npos && pos > 0; pos = s.rfind('/')) {
      s = s.substr(0, pos);
      if (auto it = parent_self.find(std::string(s)); it != parent_self.end()) return it->second;
    }
  }
  if (parent_count == 1) return 0;
  return std::nullopt;
}

void parser::index_links(const std::vector<pending_resource>& v, href_map& self,
                         href_map& related) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].l.self.empty()) self.emplace(v[i].l.self, i);
    for (const auto& r : v[i].l.related)
      related.emplace(r, i);
  }
}

std::size_t parser::implicit_usage_point() {
  if (doc_.usage_points.empty()) {
    usage_point up;
    up.href = "#usage-point";
    doc_.usage_points.push_back(std::move(up));
  }
  return 0;
}

void parser::link() {
  // Usage points.
  for (const auto& p : usage_points_) {
    usage_point up;
    up.href =
        p.l.self.empty() ? fmt::format("#usage-point-{}", doc_.usage_points.size() + 1) : p.l.self;
    up.title = p.l.title;
    if (auto sc = child(p.node, "ServiceCategory"))
      up.service_kind = int32_child(sc, "kind").value_or(service::electricity);
    doc_.usage_points.push_back(std::move(up));
  }
  href_map up_self, up_related;
  index_links(usage_points_, up_self, up_related);
  // The usage point a meter reading or summary belongs to: the implicit one in a document
  // without UsagePoint entries, otherwise the one its links name (none if they name none).
  const auto owner = [&](const links& l) -> std::optional<std::size_t> {
    if (usage_points_.empty()) return implicit_usage_point();
    return resolve(l, up_related, up_self, usage_points_.size());
  };

  // Local time parameters: a usage point links the one it uses; one alone applies to all.
  for (const auto& p : local_times_)
    parsed_ltps_.push_back(parse_ltp(p));
  for (std::size_t u = 0; u < usage_points_.size(); ++u) {
    for (const auto& r : usage_points_[u].l.related)
      for (const auto& t : parsed_ltps_)
        if (t.href == r) doc_.usage_points[u].local_time = t;
    if (!doc_.usage_points[u].local_time && parsed_ltps_.size() == 1)
      doc_.usage_points[u].local_time = parsed_ltps_[0];
  }

  // Reading types.
  for (const auto& p : reading_types_)
    parsed_types_.push_back(parse_reading_type(p));
  href_map rt_self, rt_related_unused;
  index_links(reading_types_, rt_self, rt_related_unused);
  doc_.reading_types = parsed_types_;

  // Meter readings -> usage point and reading type.
  for (std::size_t i = 0; i < meter_readings_.size(); ++i) {
    const auto& p = meter_readings_[i];
    meter_reading mr;
    mr.href = p.l.self.empty() ? fmt::format("#meter-reading-{}", i + 1) : p.l.self;
    mr.title = p.l.title;
    for (const auto& r : p.l.related) {
      if (auto it = rt_self.find(r); it != rt_self.end()) mr.type = parsed_types_[it->second];
      if (r.find("ReadingType/") != std::string::npos) mr.reading_type_href = r;
    }
    if (!mr.type && parsed_types_.size() == 1) mr.type = parsed_types_[0];
    if (!mr.type)
      report(p.node, parsed_types_.empty()
                         ? "MeterReading has no ReadingType in this file: values stay raw"
                         : "MeterReading links no ReadingType of this file: values stay raw");
    const std::optional<std::size_t> up = owner(p.l);
    if (up)
      doc_.usage_points[*up].meter_readings.push_back(doc_.meter_readings.size());
    else
      report(p.node, fmt::format("MeterReading {} belongs to no UsagePoint of this file (its up "
                                 "link '{}' matches none)",
                                 mr.href, p.l.up));
    mr.usage_point = up;
    if (mr.type && !mr.type->uom_stated) assume_uom(mr, p.node);
    doc_.meter_readings.push_back(std::move(mr));
  }

  // Summaries -> usage point.
  for (const auto& p : summaries_) {
    usage_summary s = parse_summary(p);
    const std::optional<std::size_t> up = owner(p.l);
    if (up)
      doc_.usage_points[*up].summaries.push_back(doc_.summaries.size());
    else
      report(p.node, fmt::format("usage summary {} belongs to no UsagePoint of this file", s.href));
    s.usage_point = up;
    doc_.summaries.push_back(std::move(s));
  }
}

void parser::assume_uom(meter_reading& mr, pugi::xml_node where) {
  auto& t = *mr.type;
  const bool electricity_commodity = t.commodity == 1 || t.commodity == 2;
  const bool electricity_point =
      t.commodity == 0 &&
      (!mr.usage_point || doc_.usage_points[*mr.usage_point].service_kind == service::electricity);
  const bool energy_kind = t.kind == 0 || t.kind == 12;
  if ((electricity_commodity || electricity_point) && energy_kind) {
    t.uom = uom::watt_hour;
    const std::string what = fmt::format(
        "ReadingType has no <uom>: assumed Wh (72) because {} and kind is {}; check the "
        "magnitudes (x 10^{})",
        electricity_commodity ? fmt::format("commodity {} is electricity", t.commodity)
                              : std::string("its UsagePoint is electricity"),
        t.kind == 0 ? std::string("not stated") : std::string("12 (energy)"),
        t.power_of_ten_multiplier);
    mr.assumptions.push_back(what);
    report(where, what);
  } else {
    report(where, fmt::format("ReadingType has no <uom> and commodity {} / kind {} does not "
                              "determine one: values stay raw, not converted",
                              t.commodity, t.kind));
  }
}

}  // namespace energy::greenbutton::espi_reader
