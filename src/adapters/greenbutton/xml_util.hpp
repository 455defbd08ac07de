// SPDX-License-Identifier: Apache-2.0
// Private helpers of the Green Button adapter: namespace-agnostic element lookup, exact integer
// parsing, and byte offset -> line number mapping for error messages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace energy::greenbutton::detail {

/// Element name without its namespace prefix: real files use `espi:value`, `ns2:value` or a
/// default namespace, and we match ESPI and Atom elements by local name only.
inline const char* local_name(const char* name) noexcept {
  const char* r = name;
  for (const char* p = name; *p != '\0'; ++p)
    if (*p == ':') r = p + 1;
  return r;
}

inline bool named(const pugi::xml_node& n, const char* local) noexcept {
  return std::strcmp(local_name(n.name()), local) == 0;
}

/// First child element with the given local name, or an empty node.
inline pugi::xml_node child(const pugi::xml_node& n, const char* local) noexcept {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && named(c, local)) return c;
  return {};
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// A decimal integer with optional sign and surrounding whitespace; nullopt otherwise or on
/// overflow.
inline std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  const auto sv = static_cast<std::int64_t>(v);
  return neg ? -sv : sv;
}

/// Seconds written as an integer or a decimal ("1293868800", "1293868800.0", "899.999"), rounded
/// half away from zero to the second. Real exports write fractional epoch seconds although ESPI
/// says TimeType is a whole number of seconds.
struct seconds_value {
  std::int64_t value = 0;
  bool decimal = false;  ///< written with a decimal point
  bool rounded = false;  ///< the fraction was not zero: `value` is rounded
};

inline std::optional<seconds_value> parse_seconds(std::string_view s) noexcept {
  s = trim(s);
  const auto dot = s.find('.');
  if (dot == std::string_view::npos) {
    if (auto v = parse_int(s)) return seconds_value{*v, false, false};
    return std::nullopt;
  }
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = s.substr(dot + 1);
  if (frac.empty() || frac.size() > 18) return std::nullopt;
  for (char c : frac)
    if (c < '0' || c > '9') return std::nullopt;
  const bool neg = !whole.empty() && whole.front() == '-';
  auto w = (whole.empty() || whole == "-" || whole == "+") ? std::optional<std::int64_t>{0}
                                                           : parse_int(whole);
  if (!w) return std::nullopt;
  const bool nonzero = frac.find_first_not_of('0') != std::string_view::npos;
  std::int64_t v = *w;
  if (frac.front() >= '5') {  // half away from zero: the first fraction digit decides
    if (neg) {
      if (v == INT64_MIN) return std::nullopt;
      --v;
    } else {
      if (v == INT64_MAX) return std::nullopt;
      ++v;
    }
  }
  return seconds_value{v, true, nonzero};
}

/// ESPI hexBinary (DstRuleType): up to 8 hex digits.
inline std::optional<std::uint32_t> parse_hex32(std::string_view s) noexcept {
  s = trim(s);
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9')
      d = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return std::nullopt;
    v = (v << 4) | d;
  }
  return v;
}

/// Maps byte offsets of one buffer to 1-based line numbers; built on first use (errors are rare).
class line_index {
 public:
  explicit line_index(std::string_view text) : text_(text) {}
  std::int64_t line_of(std::ptrdiff_t offset) {
    if (offset < 0) return 0;
    if (!built_) {
      for (std::size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') newlines_.push_back(i);
      built_ = true;
    }
    const auto it =
        std::lower_bound(newlines_.begin(), newlines_.end(), static_cast<std::size_t>(offset));
    return static_cast<std::int64_t>(it - newlines_.begin()) + 1;
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> newlines_;
  bool built_ = false;
};

/// "feed/entry[5]/content/IntervalBlock/IntervalReading[12]/value" (1-based indexes among
/// same-named siblings, shown only where there is more than one).
inline std::string element_path(pugi::xml_node n) {
  std::vector<std::string> parts;
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    std::size_t index = 0, same = 0;
    for (pugi::xml_node s = n.parent().first_child(); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || std::strcmp(s.name(), n.name()) != 0) continue;
      ++same;
      if (s == n) index = same;
    }
    std::string part = n.name();
    if (same > 1) part += "[" + std::to_string(index) + "]";
    parts.push_back(std::move(part));
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += *it;
  }
  return out;
}

}  // namespace energy::greenbutton::detail
