// SPDX-License-Identifier: Apache-2.0
// Green Button XML -> energy::greenbutton::document.
//
// Two passes over the pugixml DOM: the first collects every Atom entry's links and the small
// resources (UsagePoint, MeterReading, ReadingType, LocalTimeParameters, summaries) and remembers
// IntervalBlock nodes; the links are then resolved (entries may come in any order); the second
// pass parses each IntervalBlock straight into its MeterReading's columns, so readings are never
// copied between intermediate containers (this is the hot path of the >= 50 MB/s target).
#include <energy/greenbutton/espi.hpp>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

#include <energy/quality.hpp>

#include "xml_util.hpp"

namespace energy::greenbutton {
namespace {

using detail::child;
using detail::local_name;
using detail::named;

/// Atom hrefs name the same resource absolutely ("https://host/DataCustodian/espi/1_1/resource/
/// UsagePoint/1") or relatively ("/espi/1_1/resource/UsagePoint/1") in different files and even in
/// one file: compare them from "resource/" on (or the path), without query or trailing slash.
std::string normalise_href(std::string_view href) {
  href = detail::trim(href);
  if (const auto q = href.find_first_of("?#"); q != std::string_view::npos)
    href = href.substr(0, q);
  if (const auto r = href.find("/resource/"); r != std::string_view::npos) {
    href = href.substr(r + 10);
  } else if (const auto s = href.find("://"); s != std::string_view::npos) {
    const auto p = href.find('/', s + 3);
    href = p == std::string_view::npos ? std::string_view{} : href.substr(p);
  }
  while (!href.empty() && href.back() == '/')
    href.remove_suffix(1);
  while (!href.empty() && href.front() == '/')
    href.remove_prefix(1);
  return std::string(href);
}

struct links {
  std::string self, up, title;
  std::vector<std::string> related;
  bool any = false;
};

/// ESPI QualityOfReading -> energy::quality flags. Codes that say the value is measured
/// (0 valid, 14 raw, 17 validated, 18 verified, 19 revenue-quality, ...) map to good.
std::uint32_t map_quality(std::int64_t code) noexcept {
  switch (code) {
    case 7:
      return quality::corrected;  // manually edited
    case 8:
      return quality::estimated;  // estimated using reference day
    case 9:
      return quality::estimated | quality::interpolated;  // estimated by linear interpolation
    case 10:
      return quality::suspect;  // questionable
    case 11:
      return quality::derived;  // derived
    case 12:
      return quality::estimated;  // projected (forecast)
    case 13:
      return quality::estimated;  // mixed: not all measured
    default:
      return quality::good;
  }
}

bool is_estimate_code(std::int64_t code) noexcept {
  return code == 8 || code == 9 || code == 12 || code == 13;
}

struct pending_block {
  pugi::xml_node node;
  links l;
};

struct pending_resource {
  pugi::xml_node node;
  links l;
};

class parser {
 public:
  parser(std::string_view xml, std::string_view source) : xml_(xml), lines_(xml) {
    doc_.source = std::string(source);
  }

  document run() {
    load();
    collect(xdoc_.document_element());
    link();
    parse_blocks();
    finish_series();
    make_bills();
    return std::move(doc_);
  }

 private:
  std::string_view xml_;
  detail::line_index lines_;
  pugi::xml_document xdoc_;
  document doc_;

  std::vector<pending_resource> usage_points_, meter_readings_, reading_types_, local_times_,
      summaries_;
  std::vector<pending_block> blocks_;
  std::vector<reading_type> parsed_types_;
  std::vector<local_time_parameters> parsed_ltps_;

  // --- errors ---------------------------------------------------------------------------------
  std::string where(pugi::xml_node n) {
    return fmt::format("{}:{}: {}", doc_.source, lines_.line_of(n.offset_debug()),
                       detail::element_path(n));
  }
  void report(pugi::xml_node n, std::string what) {
    doc_.issues.push_back({where(n), std::move(what)});
  }
  void report_at(std::string at, std::string what) {
    doc_.issues.push_back({std::move(at), std::move(what)});
  }

  [[noreturn]] void throw_xml_error(const pugi::xml_parse_result& r) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, r.offset));
    std::string inside;
    if (auto open = innermost_open_element(offset)) {
      inside = fmt::format(", inside <{}> opened at line {}", open->first,
                           lines_.line_of(static_cast<std::ptrdiff_t>(open->second)));
    }
    throw parse_error(fmt::format("{}:{}: malformed XML: {}{}", doc_.source,
                                  lines_.line_of(static_cast<std::ptrdiff_t>(offset)),
                                  r.description(), inside));
  }

  /// The element still open at `offset` (name, offset of its '<'): a small tag scanner used only
  /// to word error messages, since pugixml reports a byte offset but not the enclosing element.
  std::optional<std::pair<std::string, std::size_t>> innermost_open_element(
      std::size_t offset) const {
    std::vector<std::pair<std::string_view, std::size_t>> open;
    const std::string_view t = xml_.substr(0, std::min(offset, xml_.size()));
    std::size_t i = 0;
    auto skip_past = [&](std::string_view end) {
      const auto p = t.find(end, i);
      i = p == std::string_view::npos ? t.size() : p + end.size();
    };
    while ((i = t.find('<', i)) != std::string_view::npos) {
      const std::size_t lt = i;
      const std::string_view rest = t.substr(i);
      if (rest.starts_with("<!--")) {
        skip_past("-->");
        continue;
      }
      if (rest.starts_with("<![CDATA[")) {
        skip_past("]]>");
        continue;
      }
      if (rest.starts_with("<?")) {
        skip_past("?>");
        continue;
      }
      if (rest.starts_with("<!")) {
        skip_past(">");
        continue;
      }
      const bool closing = rest.starts_with("</");
      std::size_t j = i + (closing ? 2 : 1);
      const std::size_t name_start = j;
      while (j < t.size() && t[j] != ' ' && t[j] != '>' && t[j] != '/' && t[j] != '\t' &&
             t[j] != '\n' && t[j] != '\r')
        ++j;
      const std::string_view name = t.substr(name_start, j - name_start);
      char quote = 0;
      while (j < t.size() && (quote != 0 || t[j] != '>')) {
        if (quote == 0 && (t[j] == '"' || t[j] == '\''))
          quote = t[j];
        else if (quote != 0 && t[j] == quote)
          quote = 0;
        ++j;
      }
      const bool self_closing = j < t.size() && j > 0 && t[j - 1] == '/';
      if (closing) {
        // A closing tag that does not match is the error itself: keep the element it fails to
        // close.
        if (!open.empty() && open.back().first == name) open.pop_back();
      } else if (!self_closing || j >= t.size()) {
        open.emplace_back(name, lt);
      }
      i = j < t.size() ? j + 1 : t.size();
    }
    if (open.empty()) return std::nullopt;
    return std::make_pair(std::string(open.back().first), open.back().second);
  }

  // --- pass 1 ---------------------------------------------------------------------------------
  void load() {
    const auto r =
        xdoc_.load_buffer(xml_.data(), xml_.size(), pugi::parse_default, pugi::encoding_auto);
    if (!r) throw_xml_error(r);
  }

  void collect(pugi::xml_node root) {
    if (!root)
      throw parse_error(
          fmt::format("{}: not a Green Button document: no root element", doc_.source));
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

  void collect_entry(pugi::xml_node entry) {
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

  /// Files the resource by kind; false when it is not one the importer reads.
  bool dispatch(pugi::xml_node r, const links& l) {
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
    else if (std::strcmp(n, "ElectricPowerUsageSummary") == 0 ||
             std::strcmp(n, "UsageSummary") == 0)
      summaries_.push_back({r, l});
    else
      return false;
    return true;
  }

  /// Integer text of child `name` of `parent`; reports (and returns nullopt) when present but bad.
  std::optional<std::int64_t> int_child(pugi::xml_node parent, const char* name) {
    const pugi::xml_node c = child(parent, name);
    if (!c) return std::nullopt;
    return int_of(c);
  }
  std::optional<std::int64_t> int_of(pugi::xml_node c) {
    const char* text = c.child_value();
    if (auto v = detail::parse_int(text)) return v;
    report(c, fmt::format("not an integer: '{}'", detail::trim(text)));
    return std::nullopt;
  }
  std::optional<std::int32_t> int32_child(pugi::xml_node parent, const char* name) {
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

  reading_type parse_reading_type(const pending_resource& p) {
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

  local_time_parameters parse_ltp(const pending_resource& p) {
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

  /// Seconds of child `name`: an integer, or a decimal rounded to the second (reported).
  std::optional<std::int64_t> seconds_child(pugi::xml_node parent, const char* name) {
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

  std::optional<time_range> parse_interval(pugi::xml_node n) {
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

  std::optional<summary_measurement> parse_measurement(pugi::xml_node n) {
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

  usage_summary parse_summary(const pending_resource& p) {
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

  // --- linking --------------------------------------------------------------------------------
  using href_map = std::unordered_map<std::string, std::size_t>;

  /// The parent of a child resource: (1) a parent whose related links name the child's `up`
  /// collection; (2) a parent whose self href is an ancestor path of the child's self/up href;
  /// (3) the only parent there is. nullopt otherwise.
  static std::optional<std::size_t> resolve(const links& l, const href_map& parent_related,
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

  static void index_links(const std::vector<pending_resource>& v, href_map& self,
                          href_map& related) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].l.self.empty()) self.emplace(v[i].l.self, i);
      for (const auto& r : v[i].l.related)
        related.emplace(r, i);
    }
  }

  std::size_t implicit_usage_point() {
    if (doc_.usage_points.empty()) {
      usage_point up;
      up.href = "#usage-point";
      doc_.usage_points.push_back(std::move(up));
    }
    return 0;
  }

  void link() {
    // Usage points.
    for (const auto& p : usage_points_) {
      usage_point up;
      up.href = p.l.self.empty() ? fmt::format("#usage-point-{}", doc_.usage_points.size() + 1)
                                 : p.l.self;
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
        report(p.node,
               fmt::format("usage summary {} belongs to no UsagePoint of this file", s.href));
      s.usage_point = up;
      doc_.summaries.push_back(std::move(s));
    }
  }

  /**
   * A ReadingType without <uom>: electricity energy (commodity 1/2, or none on an electricity
   * UsagePoint; kind 12 energy or none) is read as Wh, the unit every ESPI electricity energy
   * series we know of uses, and said so; anything else stays raw (a gas series may be therms,
   * m³ or ft³: no guess is safe).
   */
  void assume_uom(meter_reading& mr, pugi::xml_node where) {
    auto& t = *mr.type;
    const bool electricity_commodity = t.commodity == 1 || t.commodity == 2;
    const bool electricity_point =
        t.commodity == 0 && (!mr.usage_point || doc_.usage_points[*mr.usage_point].service_kind ==
                                                    service::electricity);
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

  // --- pass 2: interval blocks ----------------------------------------------------------------
  void parse_blocks() {
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
        report(
            b.node,
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

  /// Per meter reading: how many reading times were decimals, and how many of those were rounded.
  struct seconds_fix {
    std::size_t decimal = 0;
    std::size_t rounded = 0;
    std::string example;
  };
  std::vector<seconds_fix> fixes;

  static void reserve(interval_series& s, std::size_t n) {
    s.start.reserve(n);
    s.duration.reserve(n);
    s.value.reserve(n);
    s.cost.reserve(n);
    s.has_cost.reserve(n);
    s.quality.reserve(n);
    s.espi_quality.reserve(n);
  }

  void parse_reading(pugi::xml_node r, interval_series& s, seconds_fix& fix) {
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

  /// Orders every series by start and drops repeated starts (overlapping blocks), reporting each.
  void finish_series() {
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
  static void take(std::vector<T>& v, const std::vector<std::size_t>& idx) {
    std::vector<T> out;
    out.reserve(idx.size());
    for (auto i : idx)
      out.push_back(v[i]);
    v = std::move(out);
  }
  static void permute(interval_series& s, const std::vector<std::size_t>& idx) {
    take(s.start, idx);
    take(s.duration, idx);
    take(s.value, idx);
    take(s.cost, idx);
    take(s.has_cost, idx);
    take(s.quality, idx);
    take(s.espi_quality, idx);
  }

  // --- bills ----------------------------------------------------------------------------------
  void make_bills() {
    std::vector<std::size_t> ordinal(doc_.usage_points.size(), 0);
    for (std::size_t i = 0; i < doc_.summaries.size(); ++i) {
      const auto& s = doc_.summaries[i];
      const std::string at = fmt::format("{}:{}: usage summary {}", doc_.source, s.source_line,
                                         s.href.empty() ? std::to_string(i + 1) : s.href);
      if (!s.billing_period) {
        report_at(at, "no billingPeriod: no bill made from it");
        continue;
      }
      billing::utility_bill b;
      b.id = s.href.empty() ? fmt::format("{}#summary-{}", doc_.source, i + 1) : s.href;
      b.period = *s.billing_period;
      if (s.overall_consumption_last_period) {
        const auto& m = *s.overall_consumption_last_period;
        if (auto v = to_milli_units(m.value, m.uom, m.power_of_ten_multiplier)) {
          b.consumption = *v;
        } else {
          b.consumption_stated = false;
          report_at(at, fmt::format("overallConsumptionLastPeriod in {} × 10^{} cannot be "
                                    "converted: consumption unknown",
                                    uom_name(m.uom), m.power_of_ten_multiplier));
        }
      } else {
        b.consumption_stated = false;
      }
      if (s.bill_last_period) {
        b.amount =
            money::from_micros(*s.bill_last_period * 10);  // 1/100000 of the currency -> micro
      } else {
        b.amount_stated = false;
      }
      b.estimated = s.quality_of_reading && is_estimate_code(*s.quality_of_reading);
      std::string up = "(none)";
      if (s.usage_point)
        up = std::to_string(*s.usage_point + 1) +
             (doc_.usage_points[*s.usage_point].title.empty()
                  ? ""
                  : " '" + doc_.usage_points[*s.usage_point].title + "'");
      const std::size_t n = s.usage_point ? ++ordinal[*s.usage_point] : i + 1;
      b.source = fmt::format("{}:{}: UsagePoint {}, summary {}", doc_.source, s.source_line, up, n);
      doc_.bills.push_back(std::move(b));
      doc_.bill_summary.push_back(i);
    }
  }
};

}  // namespace

document parse_buffer(std::string_view xml, std::string_view source_name) {
  return parser(xml, source_name).run();
}

document parse_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw parse_error(fmt::format("{}: cannot open file", file.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw parse_error(fmt::format("{}: read error", file.string()));
  const std::string text = std::move(ss).str();
  return parse_buffer(text, file.string());
}

}  // namespace energy::greenbutton
