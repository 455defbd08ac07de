// SPDX-License-Identifier: Apache-2.0
// Green Button XML parser, pass 1: Atom entries, their links and the small resources.
#include <algorithm>

#include <fmt/format.h>

#include "espi_parser.hpp"

namespace energy::greenbutton::espi_reader {

void parser::load() {
  const auto r =
      xdoc_.load_buffer(xml_.data(), xml_.size(), pugi::parse_default, pugi::encoding_auto);
  if (!r) throw_xml_error(r);
}

void parser::collect(pugi::xml_node root) {
  if (!root)
    throw parse_error(fmt::format("{}: not a Green Button document: no root element", doc_.source));
  if (named(root, "feed")) {
    for (pugi::xml_node e = root.first_child(); e; e = e.next_sibling())
      if (e.type() == pugi::node_element && named(e, "entry")) collect_entry(e);
  } else if (named(root, "entry")) {
    collect_entry(root);
  } else if (!dispatch(root, links{})) {
    throw parse_error(
        fmt::format("{}:{}: not a Green Button document: root element <{}> is neither an "
                    "Atom feed/entry nor an ESPI resource",
                    doc_.source, lines_.line_of(root.offset_debug()), root.name()));
  }
}

void parser::collect_entry(pugi::xml_node entry) {
  links l;
  pugi::xml_node content;
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const char* n = local_name(c.name());
    if (std::strcmp(n, "link") == 0) {
      const std::string_view rel = c.attribute("rel").value();
      std::string href = normalise_href(c.attribute("href").value());
      if (href.empty()) continue;
      l.any = true;
      if (rel == "self")
        l.self = std::move(href);
      else if (rel == "up")
        l.up = std::move(href);
      else if (rel == "related")
        l.related.push_back(std::move(href));
    } else if (std::strcmp(n, "title") == 0) {
      l.title = std::string(detail::trim(c.child_value()));
    } else if (std::strcmp(n, "content") == 0) {
      content = c;
    }
  }
  if (!content) {
    report(entry, "Atom entry has no <content>: nothing to import from it");
    return;
  }
  bool any = false;
  for (pugi::xml_node r = content.first_child(); r; r = r.next_sibling()) {
    if (r.type() != pugi::node_element) continue;
    any = true;
    if (!dispatch(r, l)) {
      const std::string name = local_name(r.name());
      if (std::find(doc_.ignored_resources.begin(), doc_.ignored_resources.end(), name) ==
          doc_.ignored_resources.end())
        doc_.ignored_resources.push_back(name);
    }
  }
  if (!any) report(content, "Atom entry <content> holds no ESPI resource");
}

bool parser::dispatch(pugi::xml_node r, const links& l) {
  const char* n = local_name(r.name());
  if (std::strcmp(n, "IntervalBlock") == 0)
    blocks_.push_back({r, l});
  else if (std::strcmp(n, "UsagePoint") == 0)
    usage_points_.push_back({r, l});
  else if (std::strcmp(n, "MeterReading") == 0)
    meter_readings_.push_back({r, l});
  else if (std::strcmp(n, "ReadingType") == 0)
    reading_types_.push_back({r, l});
  else if (std::strcmp(n, "LocalTimeParameters") == 0)
    local_times_.push_back({r, l});
  else if (std::strcmp(n, "ElectricPowerUsageSummary") == 0 || std::strcmp(n, "UsageSummary") == 0)
    summaries_.push_back({r, l});
  else
    return false;
  return true;
}

std::optional<std::int64_t> parser::int_child(pugi::xml_node parent, const char* name) {
  const pugi::xml_node c = child(parent, name);
  if (!c) return std::nullopt;
  return int_of(c);
}

std::optional<std::int64_t> parser::int_of(pugi::xml_node c) {
  const char* text = c.child_value();
  if (auto v = detail::parse_int(text)) return v;
  report(c, fmt::format("not an integer: '{}'", detail::trim(text)));
  return std::nullopt;
}

std::optional<std::int32_t> parser::int32_child(pugi::xml_node parent, const char* name) {
  const pugi::xml_node c = child(parent, name);
  if (!c) return std::nullopt;
  auto v = int_of(c);
  if (!v) return std::nullopt;
  if (*v < INT32_MIN || *v > INT32_MAX) {
    report(c, fmt::format("out of range: {}", *v));
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*v);
}

reading_type parser::parse_reading_type(const pending_resource& p) {
  reading_type t;
  t.href = p.l.self;
  const auto n = p.node;
  t.uom = int32_child(n, "uom").value_or(0);
  t.uom_stated = static_cast<bool>(child(n, "uom"));
  t.power_of_ten_multiplier = int32_child(n, "powerOfTenMultiplier").value_or(0);
  t.interval_length = int32_child(n, "intervalLength");
  if (t.interval_length && *t.interval_length <= 0) {
    report(child(n, "intervalLength"),
           fmt::format("intervalLength {} is not positive: ignored", *t.interval_length));
    t.interval_length.reset();
  }
  t.accumulation_behaviour = int32_child(n, "accumulationBehaviour").value_or(0);
  t.flow_direction = int32_child(n, "flowDirection").value_or(0);
  t.commodity = int32_child(n, "commodity").value_or(0);
  t.currency = int32_child(n, "currency").value_or(0);
  t.kind = int32_child(n, "kind").value_or(0);
  return t;
}

local_time_parameters parser::parse_ltp(const pending_resource& p) {
  local_time_parameters t;
  t.href = p.l.self;
  t.tz_offset = int32_child(p.node, "tzOffset").value_or(0);
  t.dst_offset = int32_child(p.node, "dstOffset").value_or(0);
  for (auto [name, field] :
       {std::pair{"dstStartRule", &t.dst_start_rule}, std::pair{"dstEndRule", &t.dst_end_rule}}) {
    const pugi::xml_node c = child(p.node, name);
    if (!c) continue;
    if (auto v = detail::parse_hex32(c.child_value()))
      *field = *v;
    else
      report(c, fmt::format("not a 4-byte hex DST rule: '{}'", detail::trim(c.child_value())));
  }
  return t;
}

std::optional<std::int64_t> parser::seconds_child(pugi::xml_node parent, const char* name) {
  const pugi::xml_node c = child(parent, name);
  if (!c) return std::nullopt;
  const auto v = detail::parse_seconds(c.child_value());
  if (!v) {
    report(c, fmt::format("not a number of seconds: '{}'", detail::trim(c.child_value())));
    return std::nullopt;
  }
  if (v->rounded)
    report(c, fmt::format("'{}' is not a whole number of seconds: rounded to {}",
                          detail::trim(c.child_value()), v->value));
  return v->value;
}

std::optional<time_range> parser::parse_interval(pugi::xml_node n) {
  if (!n) return std::nullopt;
  const auto start = seconds_child(n, "start");
  const auto duration = seconds_child(n, "duration");
  if (!start || !duration) {
    if (!child(n, "start") || !child(n, "duration"))
      report(n, "interval needs <start> and <duration>");
    return std::nullopt;
  }
  if (*duration <= 0) {
    report(n, fmt::format("duration {} is not positive", *duration));
    return std::nullopt;
  }
  return time_range{from_epoch(*start), from_epoch(*start + *duration)};
}

std::optional<summary_measurement> parser::parse_measurement(pugi::xml_node n) {
  if (!n) return std::nullopt;
  auto v = int_child(n, "value");
  if (!v) {
    if (!child(n, "value")) report(n, "SummaryMeasurement has no <value>");
    return std::nullopt;
  }
  summary_measurement m;
  m.value = *v;
  m.uom = int32_child(n, "uom").value_or(0);
  m.power_of_ten_multiplier = int32_child(n, "powerOfTenMultiplier").value_or(0);
  m.time_stamp = int_child(n, "timeStamp");
  return m;
}

usage_summary parser::parse_summary(const pending_resource& p) {
  usage_summary s;
  const auto n = p.node;
  s.href = p.l.self;
  s.title = p.l.title;
  s.source_line = lines_.line_of(n.offset_debug());
  s.billing_period = parse_interval(child(n, "billingPeriod"));
  s.bill_last_period = int_child(n, "billLastPeriod");
  s.bill_to_date = int_child(n, "billToDate");
  s.cost_additional_last_period = int_child(n, "costAdditionalLastPeriod");
  s.currency = int32_child(n, "currency").value_or(0);
  s.overall_consumption_last_period = parse_measurement(child(n, "overallConsumptionLastPeriod"));
  s.current_billing_period_overall_consumption =
      parse_measurement(child(n, "currentBillingPeriodOverAllConsumption"));
  s.status_time_stamp = int_child(n, "statusTimeStamp");
  s.quality_of_reading = int32_child(n, "qualityOfReading");
  return s;
}

}  // namespace energy::greenbutton::espi_reader
