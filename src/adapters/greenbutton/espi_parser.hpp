// SPDX-License-Identifier: Apache-2.0
// Green Button XML -> energy::greenbutton::document: the parser's shared state and its passes.
//
// Two passes over the pugixml DOM: the first collects every Atom entry's links and the small
// resources (UsagePoint, MeterReading, ReadingType, LocalTimeParameters, summaries) and remembers
// IntervalBlock nodes; the links are then resolved (entries may come in any order); the second
// pass parses each IntervalBlock straight into its MeterReading's columns, so readings are never
// copied between intermediate containers (the hot path of the import).
//
// One file per job: espi_parser.cpp (entry points, XML loading errors), espi_resources.cpp
// (pass 1: entries and small resources), espi_links.cpp (linking children to parents),
// espi_blocks.cpp (pass 2: interval readings, ordering, duplicates), espi_bills.cpp (bills from
// usage summaries).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <energy/greenbutton/espi.hpp>
#include <energy/quality.hpp>

#include "xml_util.hpp"

namespace energy::greenbutton::espi_reader {
using detail::child;
using detail::local_name;
using detail::named;

/// Atom hrefs name the same resource absolutely ("https://host/DataCustodian/espi/1_1/resource/
/// UsagePoint/1") or relatively ("/espi/1_1/resource/UsagePoint/1") in different files and even in
/// one file: compare them from "resource/" on (or the path), without query or trailing slash.
inline std::string normalise_href(std::string_view href) {
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
inline std::uint32_t map_quality(std::int64_t code) noexcept {
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

inline bool is_estimate_code(std::int64_t code) noexcept {
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

  // --- errors (espi_parser.cpp)
  std::string where(pugi::xml_node n);
  void report(pugi::xml_node n, std::string what);
  void report_at(std::string at, std::string what);

  [[noreturn]] void throw_xml_error(const pugi::xml_parse_result& r);

  /// The element still open at `offset` (name, offset of its '<'): a small tag scanner used only
  /// to word error messages, since pugixml reports a byte offset but not the enclosing element.
  std::optional<std::pair<std::string, std::size_t>> innermost_open_element(
      std::size_t offset) const;

  // --- pass 1 (espi_resources.cpp)
  void load();

  void collect(pugi::xml_node root);

  void collect_entry(pugi::xml_node entry);

  /// Files the resource by kind; false when it is not one the importer reads.
  bool dispatch(pugi::xml_node r, const links& l);

  /// Integer text of child `name` of `parent`; reports (and returns nullopt) when present but bad.
  std::optional<std::int64_t> int_child(pugi::xml_node parent, const char* name);
  std::optional<std::int64_t> int_of(pugi::xml_node c);
  std::optional<std::int32_t> int32_child(pugi::xml_node parent, const char* name);

  reading_type parse_reading_type(const pending_resource& p);

  local_time_parameters parse_ltp(const pending_resource& p);

  /// Seconds of child `name`: an integer, or a decimal rounded to the second (reported).
  std::optional<std::int64_t> seconds_child(pugi::xml_node parent, const char* name);

  std::optional<time_range> parse_interval(pugi::xml_node n);

  std::optional<summary_measurement> parse_measurement(pugi::xml_node n);

  usage_summary parse_summary(const pending_resource& p);

  // --- linking (espi_links.cpp)
  using href_map = std::unordered_map<std::string, std::size_t>;

  /// The parent of a child resource: (1) a parent whose related links name the child's `up`
  /// collection; (2) a parent whose self href is an ancestor path of the child's self/up href;
  /// (3) the only parent there is. nullopt otherwise.
  static std::optional<std::size_t> resolve(const links& l, const href_map& parent_related,
                                            const href_map& parent_self, std::size_t parent_count);

  static void index_links(const std::vector<pending_resource>& v, href_map& self,
                          href_map& related);

  std::size_t implicit_usage_point();

  void link();

  /**
   * A ReadingType without <uom>: electricity energy (commodity 1/2, or none on an electricity
   * UsagePoint; kind 12 energy or none) is read as Wh, the unit every ESPI electricity energy
   * series we know of uses, and said so; anything else stays raw (a gas series may be therms,
   * m³ or ft³: no guess is safe).
   */
  void assume_uom(meter_reading& mr, pugi::xml_node where);

  // --- pass 2: interval blocks (espi_blocks.cpp)
  void parse_blocks();

  /// Per meter reading: how many reading times were decimals, and how many of those were rounded.
  struct seconds_fix {
    std::size_t decimal = 0;
    std::size_t rounded = 0;
    std::string example;
  };
  std::vector<seconds_fix> fixes;

  static void reserve(interval_series& s, std::size_t n);

  void parse_reading(pugi::xml_node r, interval_series& s, seconds_fix& fix);

  /// Orders every series by start and drops repeated starts (overlapping blocks), reporting each.
  void finish_series();

  template <class T>
  static void take(std::vector<T>& v, const std::vector<std::size_t>& idx);
  static void permute(interval_series& s, const std::vector<std::size_t>& idx);

  // --- bills (espi_bills.cpp)
  void make_bills();
};

}  // namespace energy::greenbutton::espi_reader
